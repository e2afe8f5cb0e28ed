//! The `processor_events` table: webhook events already handled, so a replay is ignored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "processor_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub processor: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    pub organization_id: i32,
    pub kind: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
