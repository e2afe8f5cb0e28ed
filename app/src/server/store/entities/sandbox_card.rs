//! The `sandbox_cards` table: the sandbox processor's card tokens (brand, last four digits and
//! how the test card behaves; never the number or the CVC).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sandbox_cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    pub brand: String,
    pub last4: String,
    /// `approve`, `decline` or `insufficient_funds`.
    pub behaviour: String,
    /// `staff:ID` or `portal:ID`: who asked for the token.
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
