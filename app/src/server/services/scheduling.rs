//! Self-scheduling in the portal: the open slots of the client's assigned staff, and slot
//! requests that hold their time. Only while self-scheduling is effective for the client and,
//! for a contact, with the scheduling scope. No staff member is ever booked twice: on
//! PostgreSQL an exclusion constraint refuses overlapping held times whatever the concurrency,
//! and on SQLite the overlap check and the insert share one (queued) write transaction.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::domain::schedule::{
    check_note, check_request, is_last_minute, open_slots, parse_slot_key, when_label,
    AvailabilityException, ExceptionKind, OpenSlot, WeeklyHours,
};
use crate::domain::settings::Setting;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::server::context::Ctx;
use crate::server::entities::{
    availability_exception, availability_hour, booking, client_staff, organization, staff_user,
};
use crate::server::live::{publish, Topic};
use crate::server::services::portal::acting_with_settings;
use crate::server::write;

/// How far ahead the portal offers slots.
pub const DAYS_AHEAD: u32 = 21;
/// Statuses that hold a staff member's time.
pub const HOLDING: [&str; 2] = ["requested", "booked"];

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
            kind: if e.kind == "extra_hours" {
                ExceptionKind::ExtraHours
            } else {
                ExceptionKind::TimeOff
            },
        })
        .collect();
    let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = if with_busy {
        booking::Entity::find()
            .filter(booking::Column::StaffId.eq(staff.id))
            .filter(booking::Column::Status.is_in(HOLDING))
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

/// The client's assigned staff who may be booked.
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
        .order_by_asc(staff_user::Column::Name)
        .all(db)
        .await?)
}

/// The scheduling ability for the client, the organization's time zone, and whether the
/// 24-hour sub-setting is effective; 403 (audited) without the ability.
async fn require_scheduling(ctx: &Ctx, client_id: i32) -> Result<(chrono_tz::Tz, bool), AppError> {
    let (_, abilities, effective) = acting_with_settings(ctx, client_id).await?;
    if !abilities.scheduling {
        return Err(ctx
            .deny(
                &format!("client:{client_id}:scheduling"),
                AppError::Forbidden,
            )
            .await);
    }
    let tz = organization::Entity::find_by_id(
        ctx.actor.as_ref().map(|a| a.organization_id()).unwrap_or(0),
    )
    .one(ctx.db())
    .await?
    .and_then(|o| o.time_zone.parse().ok())
    .unwrap_or(chrono_tz::UTC);
    Ok((tz, effective.get(Setting::Within24Hours)))
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

/// Whether `err` is PostgreSQL refusing an overlapping booking.
fn is_overlap(err: &DbErr) -> bool {
    err.to_string().contains("bookings_no_overlap")
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
    let (staff_id, start) = parse_slot_key(slot).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single(
            "slot",
            "Choose one of the offered times.",
        ))
    })?;
    check_note(note).map_err(|m| AppError::Invalid(FieldErrors::single("note", &m)))?;
    let last_minute = check_request(start, now, within_24).map_err(AppError::Conflict)?;
    let db = ctx.db();
    let Some(staff) = assigned_staff(db, client_id)
        .await?
        .into_iter()
        .find(|s| s.id == staff_id)
    else {
        return Err(AppError::Invalid(FieldErrors::single(
            "staff_id",
            "Choose one of the client's care team.",
        )));
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
        ctx,
        NewBooking {
            organization_id: staff.organization_id,
            staff_id: staff.id,
            client_id,
            status: "requested",
            starts_at: start,
            ends_at: end,
            location_id: None,
            telehealth: false,
            service: "Session".into(),
            price_cents: None,
            note: Some(note.trim().to_owned()).filter(|n| !n.is_empty()),
            last_minute,
        },
        "appointment.requested",
        now,
    )
    .await?;
    Ok(row.id)
}

/// A booking about to be made: a request from the portal or an appointment made by staff.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub organization_id: i32,
    pub staff_id: i32,
    pub client_id: i32,
    /// `requested` or `booked`.
    pub status: &'static str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location_id: Option<i32>,
    pub telehealth: bool,
    pub service: String,
    pub price_cents: Option<i32>,
    pub note: Option<String>,
    pub last_minute: bool,
}

/// Makes `new` if its staff member's time is free, with its audit entry, in one write
/// transaction. "Just taken" when the time is held already, also when PostgreSQL's exclusion
/// constraint refuses a concurrent insert or commit.
pub async fn hold(
    ctx: &Ctx,
    new: NewBooking,
    action: &str,
    now: DateTime<Utc>,
) -> Result<booking::Model, AppError> {
    let taken = || AppError::Conflict("This time was just taken. Choose another slot.".into());
    let txn = write::begin(ctx.db()).await?;
    let overlapping = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(new.staff_id))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.lt(new.ends_at))
        .filter(booking::Column::EndsAt.gt(new.starts_at))
        .count(&*txn)
        .await?;
    if overlapping > 0 {
        return Err(taken());
    }
    let inserted = booking::ActiveModel {
        id: NotSet,
        organization_id: Set(new.organization_id),
        staff_id: Set(new.staff_id),
        client_id: Set(new.client_id),
        status: Set(new.status.into()),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        location_id: Set(new.location_id),
        telehealth: Set(new.telehealth),
        service: Set(new.service),
        price_cents: Set(new.price_cents),
        note: Set(new.note),
        last_minute: Set(new.last_minute),
        requested_by: Set(ctx.actor.as_ref().map(|a| a.label()).unwrap_or_default()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if is_overlap(&e) => return Err(taken()),
        Err(e) => return Err(e.into()),
    };
    ctx.audit_in(
        &*txn,
        action,
        &format!("client:{}", row.client_id),
        None,
        Some(format!(
            "booking:{} staff:{} {}{}",
            row.id,
            row.staff_id,
            row.starts_at.to_rfc3339(),
            if row.last_minute {
                " (last-minute)"
            } else {
                ""
            }
        )),
    )
    .await?;
    // The staff member's calendar icon updates live, once the booking is committed.
    publish(&*txn, Topic::Calendar(row.staff_id), now).await?;
    match txn.commit().await {
        Ok(()) => Ok(row),
        Err(e) if is_overlap(&e) => Err(taken()),
        Err(e) => Err(e.into()),
    }
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
