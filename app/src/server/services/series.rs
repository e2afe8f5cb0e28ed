//! Recurring appointments made by staff from a client's page: the check before saving (every
//! date of the series, with those taken by another appointment or by time off, or skipped by the
//! clocks, marked), and the series made in one write transaction: every date chosen, or none.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::domain::schedule::ExceptionKind;
use crate::domain::schedule::{when_label, AppointmentInput, BookingStatus, ValidAppointment};
use crate::domain::series::{
    local_start, pattern_label, PlannedDate, RepeatInput, SeriesMade, SeriesPlan, ValidRepeat,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::bookings::{self, is_overlap, NewBooking, HOLDING, LONGEST_BOOKING};
use crate::server::store::entities::{appointment_series, availability_exception, booking};
use crate::server::store::live_events::{publish, Topic};
use crate::server::store::refs::Ref;
use crate::server::store::{locations, staff, txn};

/// A series as asked for: checked, with each date's time in UTC (`None` where the clocks skip it).
struct Draft {
    organization_id: i32,
    client_id: i32,
    valid: ValidAppointment,
    repeat: ValidRepeat,
    tz: chrono_tz::Tz,
    dates: Vec<(NaiveDate, Option<DateTime<Utc>>)>,
}

impl Draft {
    fn end(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        start + Duration::minutes(self.valid.duration_minutes)
    }
}

/// Checks the form and who asks: staff who see the client; a therapist for themselves only,
/// an administrator for any active therapist; an active location or telehealth.
async fn draft(
    ctx: &Ctx,
    client_id: i32,
    input: &AppointmentInput,
    repeat: &RepeatInput,
) -> Result<Draft, AppError> {
    let (member, client) = ctx.staff_client(client_id).await?;
    let (valid, repeat) = match (input.validate(), repeat.validate(first_date(input))) {
        (Ok(valid), Ok(repeat)) => (valid, repeat),
        (a, b) => {
            let mut errors = FieldErrors::default();
            errors.0.extend(a.err().map(|e| e.0).unwrap_or_default());
            errors.0.extend(b.err().map(|e| e.0).unwrap_or_default());
            return Err(errors.into());
        }
    };
    if !member.is_admin && valid.staff_id != member.id {
        return Err(AppError::invalid(
            "staff_id",
            "You can make appointments for yourself only.",
        ));
    }
    let db = ctx.db();
    staff::active_therapist(db, member.organization_id, valid.staff_id).await?;
    if let Some(id) = valid.location_id {
        locations::active(db, member.organization_id, id).await?;
    }
    let tz = ctx.organization().await?.zone();
    let dates = repeat
        .dates(valid.date)
        .into_iter()
        .map(|d| (d, local_start(&tz, d, valid.time)))
        .collect();
    Ok(Draft {
        organization_id: member.organization_id,
        client_id: client.id,
        valid,
        repeat,
        tz,
        dates,
    })
}

/// The first date as typed (the repeat's own checks need it; a bad one is the date field's error).
fn first_date(input: &AppointmentInput) -> NaiveDate {
    NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").unwrap_or_default()
}

/// Why each date of `draft` cannot be made, if it cannot: two queries whatever the number of dates.
async fn conflicts(
    db: &impl ConnectionTrait,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Vec<Option<String>>, AppError> {
    let starts = draft.dates.iter().filter_map(|(_, s)| *s);
    let (Some(first), Some(last)) = (starts.clone().min(), starts.max()) else {
        return Ok(draft.dates.iter().map(|_| Some(CLOCKS.into())).collect());
    };
    let staff_id = draft.valid.staff_id;
    let held = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(staff_id))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.gt(first - LONGEST_BOOKING))
        .filter(booking::Column::StartsAt.lt(draft.end(last)))
        .all(db)
        .await?;
    let first_day = draft.dates.first().map(|(d, _)| *d).unwrap_or_default();
    let last_day = draft.dates.last().map(|(d, _)| *d).unwrap_or_default();
    let time_off = availability_exception::Entity::find()
        .filter(availability_exception::Column::StaffId.eq(staff_id))
        .filter(availability_exception::Column::Kind.eq(ExceptionKind::TimeOff))
        .filter(availability_exception::Column::Date.between(first_day, last_day))
        .all(db)
        .await?;
    let local = |t: DateTime<Utc>| t.with_timezone(&draft.tz).format("%H:%M").to_string();
    let minutes = |m: i32| NaiveTime::from_num_seconds_from_midnight_opt(m as u32 * 60, 0);
    Ok(draft
        .dates
        .iter()
        .map(|(date, start)| {
            let Some(start) = *start else {
                return Some(CLOCKS.into());
            };
            if start <= now {
                return Some("This time has passed.".into());
            }
            let end = draft.end(start);
            if let Some(b) = held.iter().find(|b| b.starts_at < end && b.ends_at > start) {
                return Some(format!(
                    "Another appointment {}–{}.",
                    local(b.starts_at),
                    local(b.ends_at)
                ));
            }
            let (from, to) = (
                date.and_time(draft.valid.time),
                date.and_time(draft.valid.time) + Duration::minutes(draft.valid.duration_minutes),
            );
            time_off
                .iter()
                .filter(|off| off.date == *date)
                .find(|off| {
                    let at = |m: i32| -> NaiveDateTime {
                        match minutes(m) {
                            Some(t) => date.and_time(t),
                            // 24:00, the end of the day.
                            None => (*date + Duration::days(1)).and_time(NaiveTime::MIN),
                        }
                    };
                    at(off.start_minute) < to && at(off.end_minute) > from
                })
                .map(|_| "Time off.".into())
        })
        .collect())
}

const CLOCKS: &str = "This time does not exist on this day: the clocks change.";

/// Every date of the series the form describes, with those that cannot be made marked.
pub async fn plan(
    ctx: &Ctx,
    client_id: i32,
    input: &AppointmentInput,
    repeat: &RepeatInput,
    now: DateTime<Utc>,
) -> Result<SeriesPlan, AppError> {
    let draft = draft(ctx, client_id, input, repeat).await?;
    let reasons = conflicts(ctx.db(), &draft, now).await?;
    let dates = draft
        .dates
        .iter()
        .zip(reasons)
        .map(|((date, start), conflict)| PlannedDate {
            date: *date,
            when: match start {
                Some(s) => when_label(&draft.tz, *s, draft.end(*s)),
                None => date.format("%a %-d %b %Y").to_string(),
            },
            conflict,
        })
        .collect();
    Ok(SeriesPlan {
        input: input.clone(),
        repeat: RepeatInput {
            skip: String::new(),
            ..repeat.clone()
        },
        pattern: pattern_label(&draft.repeat.weekday_keys(), draft.valid.time),
        dates,
    })
}

/// Makes the series: every date but the skipped ones, in one write transaction. When a chosen
/// date is no longer free (taken since the check, or by a concurrent request: PostgreSQL's
/// exclusion constraint), nothing is made and the answer names the dates.
pub async fn create(
    ctx: &Ctx,
    client_id: i32,
    input: &AppointmentInput,
    repeat: &RepeatInput,
    now: DateTime<Utc>,
) -> Result<SeriesMade, AppError> {
    let draft = draft(ctx, client_id, input, repeat).await?;
    let db = ctx.db();
    let txn = txn::begin(db).await?;
    // Checked inside the write transaction: on SQLite no other write runs meanwhile.
    let reasons = conflicts(&*txn, &draft, now).await?;
    let chosen: Vec<(NaiveDate, DateTime<Utc>, bool)> = draft
        .dates
        .iter()
        .zip(&reasons)
        .filter(|((date, _), _)| !draft.repeat.skip.contains(date))
        .map(|((date, start), reason)| (*date, start.unwrap_or(now), reason.is_some()))
        .collect();
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "weeks",
            "No date is left to make: every date of the series is skipped.",
        ));
    }
    let not_free: Vec<String> = chosen
        .iter()
        .filter(|(_, _, conflict)| *conflict)
        .map(|(date, _, _)| date.format("%a %-d %b").to_string())
        .collect();
    if !not_free.is_empty() {
        return Err(not_free_any_more(&not_free));
    }
    let valid = &draft.valid;
    let series = appointment_series::ActiveModel {
        id: NotSet,
        organization_id: Set(draft.organization_id),
        client_id: Set(draft.client_id),
        staff_id: Set(valid.staff_id),
        weekdays: Set(draft.repeat.weekday_keys()),
        start_minute: Set((valid.time.num_seconds_from_midnight() / 60) as i32),
        duration_minutes: Set(valid.duration_minutes as i32),
        first_date: Set(chosen[0].0),
        last_date: Set(chosen[chosen.len() - 1].0),
        created_by: Set(ctx.actor_label()),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    for (_, start, _) in &chosen {
        let new = NewBooking {
            organization_id: draft.organization_id,
            staff_id: valid.staff_id,
            client_id: draft.client_id,
            status: BookingStatus::Booked,
            starts_at: *start,
            ends_at: draft.end(*start),
            location_id: valid.location_id,
            telehealth: valid.location_id.is_none(),
            service: valid.service.clone(),
            price_cents: valid.price_cents,
            note: None,
            last_minute: false,
            video_link: valid.video_link.clone(),
            series_id: Some(series.id),
        };
        match bookings::row(new, ctx.actor_label(), now)
            .insert(&*txn)
            .await
        {
            Ok(_) => {}
            Err(e) if is_overlap(&e) => return Err(taken_meanwhile()),
            Err(e) => return Err(e.into()),
        }
    }
    publish(&*txn, Topic::Calendar(valid.staff_id), now).await?;
    let skipped = draft.dates.len() - chosen.len();
    let entry = ctx.entry(
        "appointment.series_created",
        Ref::Client(draft.client_id),
        None,
        Some(format!(
            "{} {} {} {} appointments {} to {}{}",
            Ref::Series(series.id),
            Ref::Staff(valid.staff_id),
            pattern_label(&series.weekdays, valid.time),
            chosen.len(),
            series.first_date,
            series.last_date,
            if skipped > 0 {
                format!(", {skipped} dates skipped")
            } else {
                String::new()
            }
        )),
    );
    match txn.commit_audited(entry).await {
        Ok(()) => {}
        Err(e) if is_overlap(&e) => return Err(taken_meanwhile()),
        Err(e) => return Err(e.into()),
    }
    Ok(SeriesMade {
        series_id: series.id,
        made: chosen.len(),
        skipped,
    })
}

fn not_free_any_more(dates: &[String]) -> AppError {
    AppError::Conflict(format!(
        "Not free any more: {}. Nothing was saved; check the dates again.",
        dates.join(", ")
    ))
}

fn taken_meanwhile() -> AppError {
    AppError::Conflict(
        "A date of the series was just taken. Nothing was saved; check the dates again.".into(),
    )
}
