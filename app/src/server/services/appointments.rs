//! Appointments after a request: the portal's Appointments tab and client cancellations (with
//! the 24-hour rule), and the therapist's calendar icon, where requests are accepted or
//! declined and last-minute changes show. Decisions are emailed, without health information.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::schedule::{
    can_join, check_cancel, when_label, AppointmentView, BookingStatus, CalendarInbox, RequestView,
};
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::checks::{Ability, Permit};
use crate::server::access::context::Ctx;
use crate::server::mail::notices;
use crate::server::store;
use crate::server::store::bookings::CANCELLED_BY_CLIENT;
use crate::server::store::entities::{booking, client, staff_user};
use crate::server::store::live_events::{announce, Topic};
use crate::server::store::organizations::zone;
use crate::server::store::refs::Ref;
use crate::server::store::{txn, waitlist};

/// Longest reason given with a decision.
const MAX_REASON: usize = 500;

/// The appointments ability for the client, or 403 (audited).
async fn require_appointments(ctx: &Ctx, client_id: i32) -> Result<Permit, AppError> {
    ctx.permit_for(client_id, Ability::Appointments).await
}

/// The client's appointments and requests, soonest first.
pub async fn portal_list(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<AppointmentView>, AppError> {
    let may_schedule = require_appointments(ctx, client_id)
        .await?
        .acting
        .scopes
        .scheduling;
    let db = ctx.db();
    let rows = booking::Entity::find()
        .filter(booking::Column::ClientId.eq(client_id))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let (tz, _) = zone(db, first.organization_id).await?;
    let names = store::staff::names(db, rows.iter().map(|r| r.staff_id)).await?;
    // "Join" only around a booked telehealth appointment's time; the therapist's own link is
    // read (one query) only when such an appointment lacks its own.
    let joinable = |r: &booking::Model| {
        r.status == BookingStatus::Booked && r.telehealth && can_join(r.starts_at, r.ends_at, now)
    };
    let wanted: Vec<i32> = rows
        .iter()
        .filter(|r| joinable(r) && r.video_link.is_none())
        .map(|r| r.staff_id)
        .collect();
    let staff_links: std::collections::HashMap<i32, String> = if wanted.is_empty() {
        Default::default()
    } else {
        staff_user::Entity::find()
            .filter(staff_user::Column::Id.is_in(wanted))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|s| s.video_link.map(|l| (s.id, l)))
            .collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let join = joinable(&row)
            .then(|| {
                row.video_link
                    .clone()
                    .or_else(|| staff_links.get(&row.staff_id).cloned())
            })
            .flatten();
        out.push(AppointmentView {
            id: row.id,
            staff_name: names.of(row.staff_id),
            when: when_label(&tz, row.starts_at, row.ends_at),
            status: row.status,
            last_minute: row.last_minute,
            note: row.note.clone(),
            decision_reason: row.decision_reason.clone(),
            upcoming: row.starts_at > now,
            can_cancel: may_schedule
                && row.starts_at > now
                && matches!(row.status, BookingStatus::Requested | BookingStatus::Booked),
            telehealth: row.telehealth && row.status == BookingStatus::Booked,
            join,
        });
    }
    Ok(out)
}

/// The client (or a contact) cancels a request or an appointment; within 24 hours only while
/// the 24-hour setting is effective, and then it is marked last-minute for the therapist.
pub async fn portal_cancel(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let permit = require_appointments(ctx, client_id).await?;
    let within_24 =
        permit.settings.get(Setting::SelfScheduling) && permit.settings.get(Setting::Within24Hours);
    // Seeing appointments comes with the payments scope too; changing them needs scheduling.
    if !permit.acting.scopes.scheduling {
        let area = Ref::Client(client_id).area("scheduling");
        return Err(ctx.deny(area, AppError::Forbidden).await);
    }
    let row = booking::Entity::find_by_id(booking_id)
        .filter(booking::Column::ClientId.eq(client_id))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(row.status, BookingStatus::Requested | BookingStatus::Booked) {
        return Err(AppError::Conflict(
            "This appointment is no longer active.".into(),
        ));
    }
    let last_minute = check_cancel(row.starts_at, now, within_24).map_err(AppError::Conflict)?;
    let mut active: booking::ActiveModel = row.clone().into();
    active.status = Set(BookingStatus::Cancelled);
    active.cancelled_by = Set(Some(CANCELLED_BY_CLIENT.into()));
    active.last_minute = Set(row.last_minute || last_minute);
    active.decided_by = Set(ctx.actor.as_ref().map(|a| a.label().to_string()));
    active.decided_at = Set(Some(now));
    let txn = txn::begin(ctx.db()).await?;
    active.update(&*txn).await?;
    waitlist::time_freed(&*txn, row.staff_id, (row.starts_at, row.ends_at), now).await?;
    let cancelled = format!(
        "{}{}",
        Ref::Booking(booking_id),
        if last_minute { " (last-minute)" } else { "" }
    );
    let old = Some(row.status.key().to_owned());
    let entry = ctx.entry(
        "appointment.cancelled",
        Ref::Client(client_id),
        old,
        Some(cancelled),
    );
    txn.commit_audited(entry).await?;
    announce(ctx.db(), Topic::Calendar(row.staff_id), now).await;
    Ok(())
}

async fn request_view(
    db: &impl ConnectionTrait,
    tz: &chrono_tz::Tz,
    row: booking::Model,
) -> Result<RequestView, AppError> {
    let client_name = client::Entity::find_by_id(row.client_id)
        .one(db)
        .await?
        .map(|c| c.full_name())
        .unwrap_or_default();
    Ok(RequestView {
        id: row.id,
        client_name,
        when: when_label(tz, row.starts_at, row.ends_at),
        status: row.status,
        last_minute: row.last_minute,
        note: row.note,
    })
}

/// The signed-in staff member's pending requests and last-minute changes.
pub async fn inbox(ctx: &Ctx, now: DateTime<Utc>) -> Result<CalendarInbox, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let (tz, _) = zone(db, staff.organization_id).await?;
    let upcoming = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(staff.id))
        .filter(booking::Column::StartsAt.gt(now))
        .order_by_asc(booking::Column::StartsAt);
    let mut pending = Vec::new();
    for row in upcoming
        .clone()
        .filter(booking::Column::Status.eq(BookingStatus::Requested))
        .all(db)
        .await?
    {
        pending.push(request_view(db, &tz, row).await?);
    }
    let mut last_minute_changes = Vec::new();
    for row in upcoming
        .filter(booking::Column::Status.eq(BookingStatus::Cancelled))
        .filter(booking::Column::LastMinute.eq(true))
        .filter(booking::Column::AcknowledgedAt.is_null())
        .all(db)
        .await?
    {
        last_minute_changes.push(request_view(db, &tz, row).await?);
    }
    Ok(CalendarInbox {
        pending,
        last_minute_changes,
    })
}

/// Accepts or declines a request of the signed-in therapist (or, for an administrator, any
/// request of the organization), with an optional reason; the requester is emailed.
pub async fn decide(
    ctx: &Ctx,
    booking_id: i32,
    accept: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let staff = ctx.staff().await?;
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            &format!("Keep the reason to {MAX_REASON} characters."),
        ));
    }
    let db = ctx.db();
    let row = booking::Entity::find_by_id(booking_id)
        .filter(booking::Column::OrganizationId.eq(staff.organization_id))
        .one(db)
        .await?
        .filter(|b| b.staff_id == staff.id || staff.is_admin)
        .ok_or(AppError::NotFound)?;
    if row.status != BookingStatus::Requested {
        return Err(AppError::Conflict(
            "This request has already been answered or cancelled.".into(),
        ));
    }
    let status = if accept {
        BookingStatus::Booked
    } else {
        BookingStatus::Declined
    };
    let mut active: booking::ActiveModel = row.clone().into();
    active.status = Set(status);
    active.decided_by = Set(Some(Ref::Staff(staff.id).to_string()));
    active.decided_at = Set(Some(now));
    active.decision_reason = Set(Some(reason.trim().to_owned()).filter(|r| !r.is_empty()));
    let txn = txn::begin(db).await?;
    active.update(&*txn).await?;
    if accept {
        waitlist::booked(&*txn, row.client_id, row.staff_id, now).await?;
    } else {
        waitlist::time_freed(&*txn, row.staff_id, (row.starts_at, row.ends_at), now).await?;
    }
    let action = if accept {
        "appointment.accepted"
    } else {
        "appointment.declined"
    };
    let booking = Some(Ref::Booking(booking_id).to_string());
    let entry = ctx.entry(
        action,
        Ref::Client(row.client_id),
        Some("requested".into()),
        booking,
    );
    txn.commit_audited(entry).await?;
    announce(db, Topic::Calendar(row.staff_id), now).await;
    notices::request_answered(&ctx.state.mailer, db, &row).await
}

/// Staff make an appointment for a client they can see: administrators for any therapist of
/// the organization, therapists for themselves. The time must be free (see `scheduling::hold`).
pub async fn create_by_staff(
    ctx: &Ctx,
    client_id: i32,
    input: &crate::domain::schedule::AppointmentInput,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    use crate::server::store::bookings::{hold, NewBooking};
    let (staff, client) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let valid = input.validate()?;
    if !staff.is_admin && valid.staff_id != staff.id {
        return Err(AppError::invalid(
            "staff_id",
            "You can make appointments for yourself only.",
        ));
    }
    let member = store::staff::active_therapist(db, staff.organization_id, valid.staff_id).await?;
    if let Some(id) = valid.location_id {
        store::locations::active(db, staff.organization_id, id).await?;
    }
    let (tz, _) = zone(db, staff.organization_id).await?;
    let Some(start) =
        chrono::TimeZone::from_local_datetime(&tz, &valid.date.and_time(valid.time)).earliest()
    else {
        return Err(AppError::invalid(
            "time",
            "That time does not exist on that day: the clocks change.",
        ));
    };
    let start = start.with_timezone(&Utc);
    let row = hold(
        ctx.db(),
        NewBooking {
            organization_id: staff.organization_id,
            staff_id: member.id,
            client_id: client.id,
            status: BookingStatus::Booked,
            starts_at: start,
            ends_at: start + chrono::Duration::minutes(valid.duration_minutes),
            location_id: valid.location_id,
            telehealth: valid.location_id.is_none(),
            service: valid.service,
            price_cents: valid.price_cents,
            note: None,
            last_minute: false,
            video_link: valid.video_link.clone(),
            series_id: None,
        },
        ctx.entry("appointment.created", "", None, None),
        now,
    )
    .await?;
    Ok(row.id)
}

/// One appointment of a client as an iCalendar file, for the portal's download; the location's
/// address only while Hide Location Address on Intake Forms is off for the client.
pub async fn portal_ics(ctx: &Ctx, client_id: i32, booking_id: i32) -> Result<String, AppError> {
    let permit = require_appointments(ctx, client_id).await?;
    // The address follows Hide Location Address on Intake Forms, as on the forms themselves.
    let show_address = !permit.settings.get(Setting::HideLocationAddress);
    let db = ctx.db();
    let row = booking::Entity::find_by_id(booking_id)
        .filter(booking::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, practice) = zone(db, row.organization_id).await?;
    store::appointment_files::appointment_file(db, &row, &practice, show_address, Utc::now()).await
}

/// Creates (or replaces) the signed-in staff member's private feed URL; the secret is shown
/// once and stored only as its SHA-256. Audited.
pub async fn create_feed(ctx: &Ctx) -> Result<String, AppError> {
    use crate::server::access::session;
    let staff = ctx.staff().await?;
    let token = session::new_token();
    let txn = txn::begin(ctx.db()).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::CalendarFeedHash,
            Some(session::digest(&token)).into(),
        )
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&*txn)
        .await?;
    txn.commit_audited(ctx.entry("calendar.feed_created", staff.label(), None, None))
        .await?;
    Ok(ctx.state.mailer.link(&format!("/calendar/{token}.ics")))
}

/// The private feed behind `token`: the staff member's appointments and requests from a month
/// ago to half a year ahead, named by the client's first name only. `None` for an unknown token.
pub async fn feed(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    use crate::domain::ics::{calendar, IcsEvent};
    use crate::server::access::session;
    let Some(staff) = staff_user::Entity::find()
        .filter(staff_user::Column::CalendarFeedHash.eq(session::digest(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rows = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(staff.id))
        .filter(booking::Column::Status.is_in(crate::server::store::bookings::HOLDING))
        .filter(booking::Column::StartsAt.gt(now - chrono::Duration::days(30)))
        .filter(booking::Column::StartsAt.lt(now + chrono::Duration::days(180)))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    let clients = store::clients::by_ids(db, rows.iter().map(|r| r.client_id)).await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let first_name = clients
            .get(&row.client_id)
            .map(|c| c.first_name.clone())
            .unwrap_or_default();
        let requested = row.status == BookingStatus::Requested;
        events.push(IcsEvent {
            uid: format!("booking-{}@client-portal", row.id),
            start: row.starts_at,
            end: row.ends_at,
            summary: format!(
                "{first_name}{}",
                if requested { " (requested)" } else { "" }
            ),
            location: None,
            cancelled: false,
        });
    }
    let (_, practice) = zone(db, staff.organization_id).await?;
    Ok(Some(calendar(
        &format!("{practice}: {}", staff.name),
        &events,
        now,
    )))
}
