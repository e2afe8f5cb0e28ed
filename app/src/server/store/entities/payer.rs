//! The `payers` table: an organization's insurance payer directory.

use sea_orm::entity::prelude::*;

use crate::domain::insurance::PayerStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    /// [`payer_key`](crate::domain::insurance::payer_key) of the name.
    pub name_key: String,
    pub payer_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// `active`, `inactive` or `merged`.
    pub status: PayerStatus,
    pub added_by_client: bool,
    pub needs_review: bool,
    pub merged_into: Option<i32>,
    /// The client whose policy brought in this client-added payer: while it awaits review,
    /// only that client's pickers (and staff) see it.
    pub added_for_client_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
