//! Staff manage a client's appointments from the client's page: the list (upcoming and past, with
//! status and payment state), a change (reschedule and edit at once, to a free time: the
//! no-double-booking guarantee holds on both databases), a cancellation with its reason (by the
//! practice or on the client's behalf, late or not), and acknowledging a last-minute cancellation
//! from the calendar. The client and the contacts with the scheduling scope are emailed (no
//! health information); every change is audited.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::domain::client_appointments::{
    price_text, CancelInput, ClientAppointment, ClientAppointments, PaymentState,
};
use crate::domain::payments::PaymentStatus;
use crate::domain::schedule::{when_label, AppointmentInput, BookingStatus, LAST_MINUTE_HOURS};
use crate::domain::series::{local_start, pattern_label, SeriesScope};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::mail::emails;
use crate::server::store::bookings::{
    is_free, is_overlap, series_members, CANCELLED_BY_CLIENT, CANCELLED_BY_STAFF,
};
use crate::server::store::entities::{appointment_series, booking, location, payment};
use crate::server::store::live_events::{announce, publish, Topic};
use crate::server::store::refs::Ref;
use crate::server::store::{locations, portal_recipients, staff, txn, waitlist};

const TAKEN: &str = "That time is taken. Choose another time.";

/// The client's appointments and requests (declined requests left out); a fixed number of
/// queries whatever their number.
pub async fn list(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<ClientAppointments, AppError> {
    let (member, client) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let tz = ctx.organization().await?.zone();
    let rows = booking::Entity::find()
        .filter(booking::Column::ClientId.eq(client.id))
        .filter(booking::Column::Status.ne(BookingStatus::Declined))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    let names = staff::names(db, rows.iter().map(|r| r.staff_id)).await?;
    let places: HashMap<i32, String> = location::Entity::find()
        .filter(location::Column::OrganizationId.eq(member.organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let paid: HashSet<i32> = payment::Entity::find()
        .filter(payment::Column::ClientId.eq(client.id))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.booking_id)
        .collect();
    let series: HashMap<i32, String> = appointment_series::Entity::find()
        .filter(appointment_series::Column::ClientId.eq(client.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let start = NaiveTime::MIN + Duration::minutes(s.start_minute.into());
            (s.id, pattern_label(&s.weekdays, start))
        })
        .collect();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for row in rows {
        let local = row.starts_at.with_timezone(&tz);
        let payment = match (row.price_cents, row.status) {
            (Some(c), BookingStatus::Booked) if c > 0 && paid.contains(&row.id) => {
                PaymentState::Paid
            }
            (Some(c), BookingStatus::Booked) if c > 0 => PaymentState::Owed,
            _ if paid.contains(&row.id) => PaymentState::Paid,
            _ => PaymentState::NoCharge,
        };
        let cancellation = (row.status == BookingStatus::Cancelled).then(|| {
            let by = match row.cancelled_by.as_deref() {
                Some(CANCELLED_BY_CLIENT) => "Cancelled by the client",
                _ => "Cancelled by the practice",
            };
            match &row.decision_reason {
                Some(reason) => format!("{by}: {reason}"),
                None => by.to_owned(),
            }
        });
        let item = ClientAppointment {
            id: row.id,
            staff_id: row.staff_id,
            staff_name: names.of(row.staff_id),
            when: when_label(&tz, row.starts_at, row.ends_at),
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            duration_minutes: (row.ends_at - row.starts_at).num_minutes(),
            location: row
                .location_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| "telehealth".into()),
            place: match row.location_id {
                Some(id) => places.get(&id).cloned().unwrap_or_default(),
                None => "Telehealth".into(),
            },
            service: row.service,
            price: price_text(row.price_cents),
            video_link: row.video_link.unwrap_or_default(),
            status: row.status,
            payment,
            cancellation,
            last_minute: row.last_minute,
            series: row.series_id.and_then(|id| series.get(&id).cloned()),
        };
        if row.ends_at > now {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    past.reverse();
    Ok(ClientAppointments { upcoming, past })
}

/// An active appointment of the client that `member` may change: an administrator any, a
/// therapist their own; 404 (audited) otherwise.
async fn active_booking(
    ctx: &Ctx,
    member: &Staff,
    client_id: i32,
    booking_id: i32,
) -> Result<booking::Model, AppError> {
    let row = booking::Entity::find_by_id(booking_id)
        .filter(booking::Column::ClientId.eq(client_id))
        .one(ctx.db())
        .await?
        .filter(|b| member.is_admin || b.staff_id == member.id);
    let Some(row) = row else {
        return Err(ctx.deny(Ref::Booking(booking_id), AppError::NotFound).await);
    };
    if !matches!(row.status, BookingStatus::Booked | BookingStatus::Requested) {
        return Err(AppError::Conflict(
            "This appointment is no longer active.".into(),
        ));
    }
    Ok(row)
}

/// Reschedules and edits an appointment at once: therapist (administrators only, among active
/// therapists), place, date and time, duration, service and price. The new time must be free
/// and in the future; two changes racing for one time: exactly one wins. With a wider `scope`
/// the later (or all upcoming) appointments of its series change too, each on its own date at
/// the new local time, all of them or none.
pub async fn change(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    input: &AppointmentInput,
    scope: SeriesScope,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (member, _) = ctx.staff_client(client_id).await?;
    let row = active_booking(ctx, member, client_id, booking_id).await?;
    let valid = input.validate()?;
    let db = ctx.db();
    if valid.staff_id != row.staff_id {
        if !member.is_admin {
            return Err(AppError::invalid(
                "staff_id",
                "Only an administrator moves an appointment to another therapist.",
            ));
        }
        staff::active_therapist(db, member.organization_id, valid.staff_id).await?;
    }
    if let Some(id) = valid.location_id.filter(|id| Some(*id) != row.location_id) {
        locations::active(db, member.organization_id, id).await?;
    }
    let tz = ctx.organization().await?.zone();
    let members = series_members(db, &row, scope, now).await?;
    let local_date = |b: &booking::Model| b.starts_at.with_timezone(&tz).date_naive();
    if members.len() > 1 && valid.date != local_date(&row) {
        return Err(AppError::invalid(
            "date",
            "Each appointment of a series keeps its date: move one appointment at a time.",
        ));
    }
    let mut moves = Vec::with_capacity(members.len());
    for m in &members {
        let date = if m.id == row.id {
            valid.date
        } else {
            local_date(m)
        };
        let Some(start) = local_start(&tz, date, valid.time) else {
            return Err(AppError::invalid(
                "time",
                &format!(
                    "That time does not exist on {}: the clocks change.",
                    date.format("%a %-d %b")
                ),
            ));
        };
        if start <= now {
            return Err(AppError::invalid("date", "Choose a time in the future."));
        }
        moves.push((m, start, start + Duration::minutes(valid.duration_minutes)));
    }
    let txn = txn::begin(db).await?;
    // SQLite runs one writer at a time, so these checks and the updates cannot interleave with
    // another move; on PostgreSQL the exclusion constraint refuses the second of two racing moves.
    let mut taken = Vec::new();
    for (m, start, end) in &moves {
        if !is_free(&*txn, valid.staff_id, (*start, *end), Some(m.id)).await? {
            taken.push(start.with_timezone(&tz).format("%a %-d %b").to_string());
        }
    }
    let refused = || {
        if moves.len() == 1 {
            AppError::Conflict(TAKEN.into())
        } else {
            AppError::Conflict(format!(
                "Not free: {}. Nothing was changed.",
                taken.join(", ")
            ))
        }
    };
    if !taken.is_empty() {
        return Err(refused());
    }
    let mut entries = Vec::with_capacity(moves.len());
    for (m, start, end) in &moves {
        let mut active: booking::ActiveModel = (*m).clone().into();
        active.staff_id = Set(valid.staff_id);
        active.starts_at = Set(*start);
        active.ends_at = Set(*end);
        active.location_id = Set(valid.location_id);
        active.telehealth = Set(valid.location_id.is_none());
        active.service = Set(valid.service.clone());
        active.price_cents = Set(valid.price_cents);
        active.video_link = Set(valid.video_link.clone());
        if *start != m.starts_at {
            // The new time gets a reminder of its own.
            active.reminded_at = Set(None);
        }
        let saved = match active.update(&*txn).await {
            Ok(saved) => saved,
            Err(e) if is_overlap(&e) => return Err(AppError::Conflict(TAKEN.into())),
            Err(e) => return Err(e.into()),
        };
        if (saved.staff_id, saved.starts_at, saved.ends_at) != (m.staff_id, m.starts_at, m.ends_at)
        {
            waitlist::time_freed(&*txn, m.staff_id, (m.starts_at, m.ends_at), now).await?;
        }
        entries.push(ctx.entry(
            "appointment.changed",
            Ref::Client(client_id),
            Some(describe(m)),
            Some(describe(&saved)),
        ));
    }
    for staff_id in [row.staff_id, valid.staff_id] {
        publish(&*txn, Topic::Calendar(staff_id), now).await?;
    }
    match txn.commit_audited_all(entries).await {
        Ok(()) => {}
        Err(e) if is_overlap(&e) => return Err(AppError::Conflict(TAKEN.into())),
        Err(e) => return Err(e.into()),
    }
    tell_family(ctx, client_id, now).await
}

fn describe(row: &booking::Model) -> String {
    format!(
        "{} {} {}–{} {}{} {}",
        Ref::Booking(row.id),
        Ref::Staff(row.staff_id),
        row.starts_at.to_rfc3339(),
        row.ends_at.to_rfc3339(),
        row.location_id
            .map(|id| format!("location:{id}"))
            .unwrap_or_else(|| "telehealth".into()),
        row.price_cents
            .map(|c| format!(" ${}", price_text(Some(c))))
            .unwrap_or_default(),
        row.service
    )
}

/// Cancels an appointment or request with a reason, by the practice or on the client's behalf;
/// late when it starts within [`LAST_MINUTE_HOURS`]. With a wider `scope`, the later (or all
/// upcoming) appointments of its series are cancelled with it.
pub async fn cancel(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    input: &CancelInput,
    scope: SeriesScope,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (member, _) = ctx.staff_client(client_id).await?;
    let row = active_booking(ctx, member, client_id, booking_id).await?;
    let reason = input.validate()?;
    if row.ends_at <= now {
        return Err(AppError::Conflict(
            "This appointment is over: it cannot be cancelled.".into(),
        ));
    }
    let by = if input.by_client {
        CANCELLED_BY_CLIENT
    } else {
        CANCELLED_BY_STAFF
    };
    let members = series_members(ctx.db(), &row, scope, now).await?;
    let txn = txn::begin(ctx.db()).await?;
    let mut entries = Vec::with_capacity(members.len());
    for m in members {
        let late = m.starts_at - now < Duration::hours(LAST_MINUTE_HOURS);
        let mut active: booking::ActiveModel = m.clone().into();
        active.status = Set(BookingStatus::Cancelled);
        active.cancelled_by = Set(Some(by.into()));
        active.last_minute = Set(m.last_minute || late);
        active.decided_by = Set(Some(ctx.actor_label()));
        active.decided_at = Set(Some(now));
        active.decision_reason = Set(Some(reason.clone()));
        // Staff cancelled it: nobody needs to acknowledge it on the calendar.
        active.acknowledged_at = Set(Some(now));
        active.update(&*txn).await?;
        waitlist::time_freed(&*txn, m.staff_id, (m.starts_at, m.ends_at), now).await?;
        entries.push(ctx.entry(
            "appointment.cancelled",
            Ref::Client(client_id),
            Some(m.status.key().to_owned()),
            Some(format!(
                "{} by {by}{}: {reason}",
                Ref::Booking(m.id),
                if late { " (late)" } else { "" }
            )),
        ));
    }
    publish(&*txn, Topic::Calendar(row.staff_id), now).await?;
    txn.commit_audited_all(entries).await?;
    tell_family(ctx, client_id, now).await
}

/// Emails the client's own login and the contacts with the scheduling scope that an
/// appointment changed, with a link to the portal's Appointments tab.
async fn tell_family(ctx: &Ctx, client_id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let db = ctx.db();
    let org = ctx.organization().await?;
    let link = ctx
        .state
        .mailer
        .link(&format!("/portal/clients/{client_id}/appointments"));
    for email in portal_recipients::emails(db, &org, client_id, |s| s.scheduling, now).await? {
        let letter = emails::appointment_changed(&org.name, &link);
        ctx.state.mailer.send(db, letter.to(org.id, &email)).await?;
    }
    Ok(())
}

/// Acknowledges a last-minute cancellation on the calendar: it leaves the icon's count. The
/// appointment's therapist or an administrator.
pub async fn acknowledge(ctx: &Ctx, booking_id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let member = ctx.staff().await?;
    let row = booking::Entity::find_by_id(booking_id)
        .filter(booking::Column::OrganizationId.eq(member.organization_id))
        .one(ctx.db())
        .await?
        .filter(|b| member.is_admin || b.staff_id == member.id);
    let Some(row) = row else {
        return Err(ctx.deny(Ref::Booking(booking_id), AppError::NotFound).await);
    };
    if row.status != BookingStatus::Cancelled || !row.last_minute {
        return Err(AppError::Conflict(
            "Only a last-minute cancellation is acknowledged.".into(),
        ));
    }
    let mut active: booking::ActiveModel = row.clone().into();
    active.acknowledged_at = Set(Some(now));
    let txn = txn::begin(ctx.db()).await?;
    active.update(&*txn).await?;
    txn.commit_audited(ctx.entry(
        "appointment.acknowledged",
        Ref::Client(row.client_id),
        None,
        Some(Ref::Booking(row.id).to_string()),
    ))
    .await?;
    announce(ctx.db(), Topic::Calendar(row.staff_id), now).await;
    Ok(())
}
