//! The `waitlist_offers` table: a freed slot offered to a waitlisted client, by batch.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub entry_id: i32,
    pub staff_id: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// 1 for the first three clients offered this slot, 2 for the next three, …
    pub batch: i32,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
