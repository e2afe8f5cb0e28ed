//! The `audit_log` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: Option<i32>,
    /// Who acted, e.g. `staff:3`, `portal:7` or `anonymous`.
    pub actor: String,
    /// What happened, e.g. `sign_in`, `client.update`, `access.denied`.
    pub action: String,
    /// What it happened to, e.g. `client:12`.
    pub object: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub at: DateTimeUtc,
    pub ip: Option<String>,
    /// The `hash` of the organization's entry before this one ("" for the first).
    pub prev_hash: Option<String>,
    /// SHA-256 (hex) over `prev_hash` and this entry's content: see `store::audit_chain`.
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
