//! Self-scheduling in the portal: the open slots of the client's assigned staff, and slot
//! requests that hold their time. Only while self-scheduling is effective for the client and,
//! for a contact, with the scheduling scope. No staff member is ever booked twice: on
//! PostgreSQL an exclusion constraint refuses overlapping held times whatever the concurrency,
//! and on SQLite the overlap check and the insert share one (queued) write transaction.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, NotSet, Set};

use crate::domain::schedule::BookingStatus;
use crate::domain::schedule::{
    check_note, check_request, is_last_minute, parse_slot_key, when_label, OpenSlot,
};
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::store::bookings::{hold, NewBooking};
use crate::server::store::entities::availability_hour;
use crate::server::store::organizations;
use crate::server::store::slots::{self, DAYS_AHEAD};

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
    let mut open = Vec::new();
    for staff in slots::assigned_therapists(db, client_id).await? {
        for (start, end) in slots::open_slots_of(db, &staff, &tz, now, DAYS_AHEAD, true).await? {
            let last_minute = is_last_minute(start, now);
            if !last_minute || within_24 {
                open.push((start, staff.id, end, staff.name.clone(), last_minute));
            }
        }
    }
    open.sort_by_key(|&(start, staff_id, ..)| (start, staff_id));
    Ok(open
        .into_iter()
        .map(|(start, staff_id, end, name, last_minute)| {
            let when = when_label(&tz, start, end);
            OpenSlot::new((staff_id, name), (start, end), when, last_minute)
        })
        .collect())
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
    let Some(staff) = slots::assigned_therapists(db, client_id)
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
    let offered = slots::open_slots_of(db, &staff, &tz, day_start, 2, false).await?;
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
