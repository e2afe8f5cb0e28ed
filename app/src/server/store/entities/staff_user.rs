//! The `staff_users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    /// The Organization Administration permission.
    pub is_admin: bool,
    pub is_therapist: bool,
    pub created_at: DateTimeUtc,
    /// The length of the slots offered from this staff member's availability.
    pub slot_minutes: i32,
    /// SHA-256 of the secret in the staff member's private calendar feed URL.
    pub calendar_feed_hash: Option<String>,
    /// Professional credentials shown beside the name, e.g. "BCBA"; may be empty.
    pub credentials: String,
    /// When an administrator deactivated this staff member; `None` while active.
    pub deactivated_at: Option<DateTimeUtc>,
    /// The TOTP secret, sealed with the server's key; `None` until two-step is set up.
    pub totp_secret: Option<String>,
    /// The last TOTP time step a code was accepted at: no code works twice.
    pub totp_last_step: Option<i64>,
    /// The therapist's default telehealth video link (https).
    pub video_link: Option<String>,
}

impl Model {
    /// Whether this staff member may sign in and be booked.
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
