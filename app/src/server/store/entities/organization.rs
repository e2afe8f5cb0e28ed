//! The `organizations` table.

use sea_orm::entity::prelude::*;

use crate::domain::portal_settings::CardProcessor;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub time_zone: String,
    pub created_at: DateTimeUtc,
    /// `sandbox` or `stripe` when credit-card processing is enabled.
    pub card_processor: Option<CardProcessor>,
    /// Shown in the portal's footer; may be empty.
    pub contact_email: String,
    /// Shown in the portal's footer; may be empty.
    pub contact_phone: String,
    /// "Require two-step verification for staff": un-enrolled staff enrol at their next sign-in.
    pub require_two_step: bool,
    /// Appointment reminders go this many hours ahead; 0 sends none.
    pub reminder_hours: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Read in the same query as the organization when its settings are needed.
    #[sea_orm(has_many = "super::organization_setting::Entity")]
    Settings,
}

impl Related<super::organization_setting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Settings.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
