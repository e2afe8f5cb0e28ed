//! Self-scheduling in the portal: the open slots of the client's assigned staff, and slot
//! requests that hold their time. Only while self-scheduling is effective for the client and,
//! for a contact, with the scheduling scope. No staff member is ever booked twice: on
//! PostgreSQL an exclusion constraint refuses overlapping held times whatever the concurrency,
//! and on SQLite the overlap check and the insert share one (queued) write transaction.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, QueryFilter,
    QueryOrder, Set,
};

use crate::domain::schedule::BookingStatus;
use crate::domain::schedule::{
    check_note, check_request, is_last_minute, open_slots, parse_slot_key, when_label,
    AvailabilityException, OpenSlot, WeeklyHours,
};
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::store::bookings::{hold, NewBooking, HOLDING, LONGEST_BOOKING};
use crate::server::store::entities::{
    availability_exception, availability_hour, booking, client_staff, staff_user,
};
use crate::server::store::organizations;

/// How far ahead the portal offers slots.
pub const DAYS_AHEAD: u32 = 21;

fn time_of(minute: i32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt((minute.clamp(0, 24 * 60 - 1) as u32) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

fn weekday_of(n: i32) -> Weekday {
    Weekday::try_from(((n - 1).rem_euclid(7)) as u8).unwrap_or(Weekday::Mon)
}

/// The open slots of one staff member from `now` for `days` days, in `tz`.
async fn slots_of(
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

/// The client's assigned staff who may be booked (active therapists).
async fn assigned_staff(
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

/// The scheduling ability for the client, the organization's time zone, and whether the
/// 24-hour sub-setting is effective; 403 (audited) without the ability.
async fn require_scheduling(ctx: &Ctx, client_id: i32) -> Result<(chrono_tz::Tz, bool), AppError> {
    let permit = ctx.permit_for(client_id, Ability::Scheduling).await?;
    let organization_id = ctx.portal().await?.organization_id;
    let (tz, _) = organizations::zone(ctx.db(), organization_id).await?;
    Ok((tz, permit.settings.get(Setting::Within24Hours)))
}

/// The open slots of the client's assigned staff over the next weeks.
pub async fn open_slots_for(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<OpenSlot>, AppError> {
    let (tz, within_24) = require_scheduling(ctx, client_id).await?;
    let db = ctx.db();
    let mut out = Vec::new();
    for staff in assigned_staff(db, client_id).await? {
        for (start, end) in slots_of(db, &staff, &tz, now, DAYS_AHEAD, true).await? {
            let last_minute = is_last_minute(start, now);
            if !last_minute || within_24 {
                out.push(OpenSlot {
                    staff_id: staff.id,
                    staff_name: staff.name.clone(),
                    start,
                    end,
                    when: when_label(&tz, start, end),
                    last_minute,
                });
            }
        }
    }
    out.sort_by_key(|s| (s.start, s.staff_id));
    Ok(out)
}

/// The open slots when this login may request appointments for the client, `None` when it
/// may only see them (the portal's request form).
pub async fn request_slots(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<Vec<OpenSlot>>, AppError> {
    if ctx.permit(client_id).await?.abilities.scheduling {
        open_slots_for(ctx, client_id, now).await.map(Some)
    } else {
        Ok(None)
    }
}

/// Requests the slot `slot` (an [`OpenSlot::key`]); the request holds the time until the
/// therapist decides. Returns the request's id.
pub async fn request(
    ctx: &Ctx,
    client_id: i32,
    slot: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (tz, within_24) = require_scheduling(ctx, client_id).await?;
    let (staff_id, start) = parse_slot_key(slot)
        .ok_or_else(|| AppError::invalid("slot", "Choose one of the offered times."))?;
    check_note(note).map_err(|m| AppError::invalid("note", &m))?;
    let last_minute = check_request(start, now, within_24).map_err(AppError::Conflict)?;
    // Only within the window the portal offers.
    if start > now + chrono::Duration::days(i64::from(DAYS_AHEAD) + 1) {
        return Err(AppError::Conflict(
            "This time is further ahead than the practice offers. Choose one of the offered times."
                .into(),
        ));
    }
    let db = ctx.db();
    let Some(staff) = assigned_staff(db, client_id)
        .await?
        .into_iter()
        .find(|s| s.id == staff_id)
    else {
        return Err(AppError::invalid(
            "staff_id",
            "Choose one of the client's care team.",
        ));
    };
    // The slot must be one the staff member offers; taken ones are refused below.
    // Offered on that local day by the availability; whether it is free is checked by `hold`.
    let day_before = start
        .with_timezone(&tz)
        .date_naive()
        .pred_opt()
        .unwrap_or_default();
    let day_start =
        chrono::TimeZone::from_local_datetime(&tz, &day_before.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
    let offered = slots_of(db, &staff, &tz, day_start, 2, false).await?;
    let Some(&(start, end)) = offered.iter().find(|(s, _)| *s == start) else {
        return Err(AppError::Conflict(
            "This time was just taken, or is not offered. Choose another slot.".into(),
        ));
    };
    let row = hold(
        ctx.db(),
        NewBooking {
            organization_id: staff.organization_id,
            staff_id: staff.id,
            client_id,
            status: BookingStatus::Requested,
            starts_at: start,
            ends_at: end,
            location_id: None,
            telehealth: false,
            service: "Session".into(),
            price_cents: None,
            note: Some(note.trim().to_owned()).filter(|n| !n.is_empty()),
            last_minute,
            video_link: None,
            series_id: None,
        },
        ctx.entry("appointment.requested", "", None, None),
        now,
    )
    .await?;
    Ok(row.id)
}

/// Seeds weekly hours (Monday to Friday, `from`–`to` local hours) for a staff member; demo data.
pub async fn seed_weekday_hours(
    db: &impl ConnectionTrait,
    staff_id: i32,
    from: i32,
    to: i32,
) -> Result<(), DbErr> {
    for weekday in 1..=5 {
        availability_hour::ActiveModel {
            id: NotSet,
            staff_id: Set(staff_id),
            weekday: Set(weekday),
            start_minute: Set(from * 60),
            end_minute: Set(to * 60),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
