//! The `payments` table: one row per payment attempt, keyed by its idempotency key. It keeps the
//! processor's reference, the card's brand and last four digits, and never a card number.

use sea_orm::entity::prelude::*;

use crate::domain::portal_settings::CardProcessor;

use crate::domain::payments::PaymentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    pub booking_id: i32,
    /// `sandbox` or `stripe`.
    pub processor: CardProcessor,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub processor_ref: Option<String>,
    pub amount_cents: i32,
    pub currency: String,
    /// `processing`, `interrupted`, `succeeded` or `declined`.
    pub status: PaymentStatus,
    pub decline_reason: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub refunded_cents: i32,
    pub paid_by: String,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
