//! The `waitlist_entries` table: a client waiting for a therapist's time, with preferences.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    pub staff_id: i32,
    /// `mon,wed`.
    pub weekdays: String,
    /// `morning,afternoon,evening`.
    pub parts_of_day: String,
    /// Who put the client on the list (a portal login's reference).
    pub joined_by: String,
    pub created_at: DateTimeUtc,
    pub left_at: Option<DateTimeUtc>,
    /// `booked`, `left` or `removed`.
    pub left_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
