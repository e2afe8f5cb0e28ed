//! The `portal_links` table: single-use links sent by email (invitations, password resets).

use sea_orm::entity::prelude::*;

use crate::domain::account::LinkPurpose;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SHA-256 of the token in the link; the token itself is never stored.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// `invitation` or `password_reset`.
    pub purpose: LinkPurpose,
    pub organization_id: i32,
    pub email: String,
    /// The name the email greets.
    pub name: String,
    /// An invitation of a client.
    pub client_id: Option<i32>,
    /// An invitation of a contact.
    pub contact_id: Option<i32>,
    /// A password reset of a portal account.
    pub portal_account_id: Option<i32>,
    /// A password reset of a staff member.
    pub staff_user_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
