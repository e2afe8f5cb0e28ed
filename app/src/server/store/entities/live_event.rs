//! The `live_events` table: "this topic changed" (a client's conversation, a staff member's
//! calendar requests), appended by the services, polled by every server process for live
//! updates, and pruned after an hour.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `conversation` or `calendar`.
    pub topic: String,
    /// The client (conversation) or the staff member (calendar).
    pub subject_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
