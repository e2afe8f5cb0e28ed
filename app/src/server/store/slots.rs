//! A therapist's open slots (weekly hours and one-day exceptions, less held time, in the
//! organization's time zone) and the therapists a client may book: what the portal offers and
//! what the waitlist offers when time frees up.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::schedule::{open_slots, AvailabilityException, WeeklyHours};
use crate::error::AppError;
use crate::server::store::bookings::{HOLDING, LONGEST_BOOKING};
use crate::server::store::entities::{
    availability_exception, availability_hour, booking, client_staff, staff_user,
};

/// How far ahead the portal offers slots (and the waitlist offers freed time).
pub const DAYS_AHEAD: u32 = 21;

fn time_of(minute: i32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt((minute.clamp(0, 24 * 60 - 1) as u32) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

fn weekday_of(n: i32) -> Weekday {
    Weekday::try_from(((n - 1).rem_euclid(7)) as u8).unwrap_or(Weekday::Mon)
}

/// The open slots of one staff member from `now` for `days` days, in `tz`.
pub async fn open_slots_of(
    db: &impl ConnectionTrait,
    staff: &staff_user::Model,
    tz: &chrono_tz::Tz,
    now: DateTime<Utc>,
    days: u32,
    with_busy: bool,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, AppError> {
    let hours: Vec<WeeklyHours> = availability_hour::Entity::find()
        .filter(availability_hour::Column::StaffId.eq(staff.id))
        .all(db)
        .await?
        .into_iter()
        .map(|h| WeeklyHours {
            weekday: weekday_of(h.weekday),
            start: time_of(h.start_minute),
            end: time_of(h.end_minute),
        })
        .collect();
    let exceptions: Vec<AvailabilityException> = availability_exception::Entity::find()
        .filter(availability_exception::Column::StaffId.eq(staff.id))
        .filter(availability_exception::Column::Date.gte(now.date_naive() - Duration::days(1)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| AvailabilityException {
            date: e.date,
            start: time_of(e.start_minute),
            end: time_of(e.end_minute),
            kind: e.kind,
        })
        .collect();
    let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = if with_busy {
        booking::Entity::find()
            .filter(booking::Column::StaffId.eq(staff.id))
            .filter(booking::Column::Status.is_in(HOLDING))
            // Only the days shown: a range of the (staff_id, starts_at) index.
            .filter(booking::Column::StartsAt.gt(now - LONGEST_BOOKING))
            .filter(booking::Column::StartsAt.lt(now + Duration::days(i64::from(days) + 1)))
            .filter(booking::Column::EndsAt.gt(now))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.starts_at, b.ends_at))
            .collect()
    } else {
        Vec::new()
    };
    Ok(open_slots(
        tz,
        &hours,
        &exceptions,
        staff.slot_minutes as i64,
        &busy,
        now,
        days,
    )
    .into_iter()
    .map(|s| (s.start, s.end))
    .collect())
}

/// The client's assigned staff who may be booked (active therapists), by name.
pub async fn assigned_therapists(
    db: &impl ConnectionTrait,
    client_id: i32,
) -> Result<Vec<staff_user::Model>, AppError> {
    Ok(staff_user::Entity::find()
        .filter(
            staff_user::Column::Id.in_subquery(
                Query::select()
                    .column(client_staff::Column::StaffId)
                    .from(client_staff::Entity)
                    .and_where(client_staff::Column::ClientId.eq(client_id))
                    .to_owned(),
            ),
        )
        .filter(staff_user::Column::IsTherapist.eq(true))
        .filter(staff_user::Column::DeactivatedAt.is_null())
        .order_by_asc(staff_user::Column::Name)
        .all(db)
        .await?)
}
