//! The `staff_users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    /// The Organization Administration permission.
    pub is_admin: bool,
    pub is_therapist: bool,
    pub created_at: DateTimeUtc,
    /// The length of the slots offered from this staff member's availability.
    pub slot_minutes: i32,
    /// SHA-256 of the secret in the staff member's private calendar feed URL.
    pub calendar_feed_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
