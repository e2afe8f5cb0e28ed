//! The `client_contact_links` table: a contact linked to a client, with the portal access granted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_contact_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contact_id: i32,
    pub client_id: i32,
    pub created_at: DateTimeUtc,
    /// Whether the contact may use the portal for this client at all.
    pub portal_access: bool,
    pub scope_forms: bool,
    pub scope_payments: bool,
    pub scope_scheduling: bool,
    pub scope_messages: bool,
    /// The last day of access, in the organization's time zone.
    pub access_ends_on: Option<Date>,
    /// The therapist (not an administrator) who last set this access: it ends when they are
    /// unassigned from the client. `None` when an administrator set it.
    pub access_granted_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
