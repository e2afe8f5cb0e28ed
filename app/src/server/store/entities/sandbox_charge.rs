//! The `sandbox_charges` table: the sandbox processor's payments, one per idempotency key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sandbox_charges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub amount_cents: i32,
    pub currency: String,
    /// `requires_confirmation`, `succeeded` or `declined`.
    pub status: String,
    pub token: Option<String>,
    pub decline_code: Option<String>,
    pub refunded_cents: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
