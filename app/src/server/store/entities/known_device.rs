//! The `known_devices` table: browsers whose sign-ins to an account are counted apart from
//! strangers' (see `access::devices`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "known_devices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The account's (normalized) email.
    pub email: String,
    /// SHA-256 of the token the browser's cookie holds.
    pub token_hash: String,
    /// False while the unlock email's link has not been followed.
    pub confirmed: bool,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
