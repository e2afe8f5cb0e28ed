//! The `messages` table: every message of every conversation (one conversation per client).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    /// `staff:ID` or `portal:ID`.
    pub sender_key: String,
    pub sender_name: String,
    pub body: String,
    pub created_at: DateTimeUtc,
    pub seen_at: Option<DateTimeUtc>,
    pub notified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
