//! The `sent_forms` table: a template version sent to a client, with its draft and answers.

use sea_orm::entity::prelude::*;

use crate::domain::intake::FormStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sent_forms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    pub contact_id: Option<i32>,
    pub template_version_id: i32,
    pub location_id: i32,
    pub due_on: Date,
    /// `sent`, `in_progress`, `completed` or `cancelled`.
    pub status: FormStatus,
    /// `Answers` as JSON while the form is being filled in.
    pub draft: Option<String>,
    /// `Answers` as JSON once submitted.
    pub answers: Option<String>,
    pub signed_name: Option<String>,
    pub signed_at: Option<DateTimeUtc>,
    pub signed_ip: Option<String>,
    pub sent_by: String,
    pub sent_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    /// The login that submitted the form (its actor label).
    pub submitted_by: Option<String>,
    pub reminded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
