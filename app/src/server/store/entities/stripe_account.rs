//! The `stripe_accounts` table: an organization's Stripe keys, each sealed (AES-256-GCM), with
//! the last four characters that administrators may see again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stripe_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i32,
    pub secret_key_sealed: String,
    pub secret_key_last4: String,
    pub publishable_key_sealed: String,
    pub publishable_key_last4: String,
    pub webhook_secret_sealed: String,
    pub webhook_secret_last4: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
