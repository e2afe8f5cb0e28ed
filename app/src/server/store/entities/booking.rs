//! The `bookings` table: appointments and pending requests; those two hold their time.

use sea_orm::entity::prelude::*;

use crate::domain::schedule::BookingStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub staff_id: i32,
    pub client_id: i32,
    /// `requested`, `booked`, `declined` or `cancelled`.
    pub status: BookingStatus,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub location_id: Option<i32>,
    pub telehealth: bool,
    pub service: String,
    pub price_cents: Option<i32>,
    pub note: Option<String>,
    pub last_minute: bool,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub created_at: DateTimeUtc,
    /// Who cancelled: `staff`, or `client` (in the portal, or staff on the client's behalf).
    pub cancelled_by: Option<String>,
    /// When staff acknowledged a last-minute cancellation (it leaves the calendar's count).
    pub acknowledged_at: Option<DateTimeUtc>,
    /// This telehealth appointment's own video link; else the therapist's.
    pub video_link: Option<String>,
    /// When the reminder was claimed for sending; cleared when the appointment moves.
    pub reminded_at: Option<DateTimeUtc>,
    /// The recurring series this appointment belongs to, if any.
    pub series_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
