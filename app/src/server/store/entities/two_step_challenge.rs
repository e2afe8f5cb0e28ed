//! The `two_step_challenges` table: a sign-in whose password was right, waiting for its second
//! step (a code, or enrolment when the practice requires two-step), for a few minutes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_step_challenges")]
pub struct Model {
    /// SHA-256 of the token in the browser's short-lived cookie.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub staff_user_id: i32,
    /// `verify` or `enrol`.
    pub purpose: String,
    /// While enrolling: the new secret, sealed, until a first code confirms it.
    pub pending_secret: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
