//! Staff manage a client's appointments from the client's page: the list (upcoming and past, with
//! status and payment state), a change (reschedule and edit at once, to a free time: the
//! no-double-booking guarantee holds on both databases), a cancellation with its reason (by the
//! practice or on the client's behalf, late or not), and acknowledging a last-minute cancellation
//! from the calendar. The client and the contacts with the scheduling scope are emailed (no
//! health information); every change is audited.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::domain::client_appointments::{
    price_text, CancelInput, ClientAppointment, ClientAppointments, PaymentState,
};
use crate::domain::payments::PaymentStatus;
use crate::domain::schedule::{when_label, AppointmentInput, BookingStatus, LAST_MINUTE_HOURS};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::mail::emails;
use crate::server::store::bookings::{
    is_free, is_overlap, CANCELLED_BY_CLIENT, CANCELLED_BY_STAFF,
};
use crate::server::store::entities::{booking, location, payment, staff_user};
use crate::server::store::live_events::{announce, publish, Topic};
use crate::server::store::refs::Ref;
use crate::server::store::{portal_recipients, staff, txn};

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
/// and in the future; two changes racing for one time: exactly one wins.
pub async fn change(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    input: &AppointmentInput,
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
        staff_user::Entity::find_by_id(valid.staff_id)
            .filter(staff_user::Column::OrganizationId.eq(member.organization_id))
            .filter(staff_user::Column::IsTherapist.eq(true))
            .filter(staff_user::Column::DeactivatedAt.is_null())
            .one(db)
            .await?
            .ok_or_else(|| {
                AppError::invalid("staff_id", "Choose an active therapist of this practice.")
            })?;
    }
    if valid.location_id.is_some() && valid.location_id != row.location_id {
        location::Entity::find_by_id(valid.location_id.unwrap_or_default())
            .filter(location::Column::OrganizationId.eq(member.organization_id))
            .filter(location::Column::ArchivedAt.is_null())
            .one(db)
            .await?
            .ok_or_else(|| {
                AppError::invalid("location", "Choose an active location of this practice.")
            })?;
    }
    let org = ctx.organization().await?;
    let Some(start) = valid
        .date
        .and_time(valid.time)
        .and_local_timezone(org.zone())
        .earliest()
    else {
        return Err(AppError::invalid(
            "time",
            "That time does not exist on that day: the clocks change.",
        ));
    };
    let start = start.with_timezone(&Utc);
    if start <= now {
        return Err(AppError::invalid("date", "Choose a time in the future."));
    }
    let end = start + Duration::minutes(valid.duration_minutes);
    let old = describe(&row);
    let mut active: booking::ActiveModel = row.clone().into();
    active.staff_id = Set(valid.staff_id);
    active.starts_at = Set(start);
    active.ends_at = Set(end);
    active.location_id = Set(valid.location_id);
    active.telehealth = Set(valid.location_id.is_none());
    active.service = Set(valid.service);
    active.price_cents = Set(valid.price_cents);
    active.video_link = Set(valid.video_link);
    if start != row.starts_at {
        // The new time gets a reminder of its own.
        active.reminded_at = Set(None);
    }
    let txn = txn::begin(db).await?;
    // SQLite runs one writer at a time, so this check and the update cannot interleave with
    // another move; on PostgreSQL the exclusion constraint refuses the second of two racing moves.
    if !is_free(&*txn, valid.staff_id, (start, end), Some(row.id)).await? {
        return Err(AppError::Conflict(TAKEN.into()));
    }
    let saved = match active.update(&*txn).await {
        Ok(saved) => saved,
        Err(e) if is_overlap(&e) => return Err(AppError::Conflict(TAKEN.into())),
        Err(e) => return Err(e.into()),
    };
    for staff_id in [row.staff_id, saved.staff_id] {
        publish(&*txn, Topic::Calendar(staff_id), now).await?;
    }
    let entry = ctx.entry(
        "appointment.changed",
        Ref::Client(client_id),
        Some(old),
        Some(describe(&saved)),
    );
    match txn.commit_audited(entry).await {
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
/// late when it starts within [`LAST_MINUTE_HOURS`].
pub async fn cancel(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    input: &CancelInput,
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
    let late = row.starts_at - now < Duration::hours(LAST_MINUTE_HOURS);
    let by = if input.by_client {
        CANCELLED_BY_CLIENT
    } else {
        CANCELLED_BY_STAFF
    };
    let mut active: booking::ActiveModel = row.clone().into();
    active.status = Set(BookingStatus::Cancelled);
    active.cancelled_by = Set(Some(by.into()));
    active.last_minute = Set(row.last_minute || late);
    active.decided_by = Set(Some(ctx.actor_label()));
    active.decided_at = Set(Some(now));
    active.decision_reason = Set(Some(reason.clone()));
    // Staff cancelled it: nobody needs to acknowledge it on the calendar.
    active.acknowledged_at = Set(Some(now));
    let txn = txn::begin(ctx.db()).await?;
    active.update(&*txn).await?;
    publish(&*txn, Topic::Calendar(row.staff_id), now).await?;
    let entry = ctx.entry(
        "appointment.cancelled",
        Ref::Client(client_id),
        Some(row.status.key().to_owned()),
        Some(format!(
            "{} by {by}{}: {reason}",
            Ref::Booking(row.id),
            if late { " (late)" } else { "" }
        )),
    );
    txn.commit_audited(entry).await?;
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
