//! The `appointment_series` table: a recurring appointment's weekly pattern, in local time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointment_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    pub staff_id: i32,
    /// `mon,wed,fri`.
    pub weekdays: String,
    /// Minutes after local midnight.
    pub start_minute: i32,
    pub duration_minutes: i32,
    pub first_date: Date,
    pub last_date: Date,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
