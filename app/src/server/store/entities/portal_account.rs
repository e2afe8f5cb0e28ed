//! The `portal_accounts` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    /// Set when this is the login of a client.
    pub client_id: Option<i32>,
    /// Set when this is the login of a client contact.
    pub contact_id: Option<i32>,
    pub created_at: DateTimeUtc,
    /// Whether this login wants appointment reminders by email.
    pub appointment_reminders: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
