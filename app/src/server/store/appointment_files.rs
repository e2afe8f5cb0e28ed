//! The .ics file of one appointment, shared by the portal's download and a reminder's
//! attachment.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::domain::ics::{calendar, IcsEvent};
use crate::domain::schedule::BookingStatus;
use crate::error::AppError;
use crate::server::store::entities::{booking, location, staff_user};

/// The .ics of one appointment, for the portal's download and a reminder's attachment: the
/// practice, the therapist, the time and the place (its address when `show_address`). Never the
/// video link, the service or a note.
pub async fn appointment_file(
    db: &impl ConnectionTrait,
    row: &booking::Model,
    practice: &str,
    show_address: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let staff_name = staff_user::Entity::find_by_id(row.staff_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let place = match row.location_id {
        Some(id) => location::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|l| match show_address {
                true => format!("{}, {}", l.name, l.address),
                false => l.name,
            }),
        None => Some("Telehealth".into()),
    };
    Ok(calendar(
        practice,
        &[IcsEvent {
            uid: format!("booking-{}@client-portal", row.id),
            start: row.starts_at,
            end: row.ends_at,
            summary: format!("{practice}: appointment with {staff_name}"),
            location: place,
            cancelled: matches!(
                row.status,
                BookingStatus::Cancelled | BookingStatus::Declined
            ),
        }],
        now,
    ))
}
