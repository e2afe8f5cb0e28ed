//! The `mail_retries` table: background emails the mail server refused or could not take,
//! waiting to be tried again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_retries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: Option<i32>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// An attached file (the .ics of a reminder): its name and text.
    pub attachment_name: Option<String>,
    pub attachment: Option<String>,
    /// Failed attempts so far.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
