//! Bookings that hold time: the no-double-booking write and the calendar badge's count.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use crate::domain::schedule::BookingStatus;
use crate::domain::series::SeriesScope;
use crate::error::AppError;
use crate::server::store::audit::Entry;
use crate::server::store::entities::booking;
use crate::server::store::live_events::{publish, Topic};
use crate::server::store::refs::Ref;
use crate::server::store::txn;

/// Requests a client may have waiting for an answer at once.
pub const MAX_PENDING_REQUESTS: u64 = 5;

/// `cancelled_by` of a cancellation by the client (in the portal, or staff on their behalf).
pub const CANCELLED_BY_CLIENT: &str = "client";
/// `cancelled_by` of a cancellation by the practice.
pub const CANCELLED_BY_STAFF: &str = "staff";

/// Statuses that hold a staff member's time.
pub const HOLDING: [&str; 2] = ["requested", "booked"];

/// No appointment is longer than this (staff choose up to 8 hours; a slot is shorter), so an
/// overlap search only reads the bookings that start within this much before a time: a range of
/// the `(staff_id, starts_at)` index rather than the staff member's whole history.
pub const LONGEST_BOOKING: chrono::Duration = chrono::Duration::hours(24);

/// Whether `err` is PostgreSQL refusing an overlapping booking.
pub fn is_overlap(err: &DbErr) -> bool {
    err.to_string().contains("bookings_no_overlap")
}

/// Whether staff member `staff_id` holds no time between `starts` and `ends`, not counting
/// booking `except` (the one being moved).
pub async fn is_free(
    db: &impl ConnectionTrait,
    staff_id: i32,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
    except: Option<i32>,
) -> Result<bool, DbErr> {
    let mut overlapping = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(staff_id))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.lt(ends))
        .filter(booking::Column::StartsAt.gt(starts - LONGEST_BOOKING))
        .filter(booking::Column::EndsAt.gt(starts));
    if let Some(id) = except {
        overlapping = overlapping.filter(booking::Column::Id.ne(id));
    }
    Ok(overlapping.count(db).await? == 0)
}

/// A booking about to be made: a request from the portal or an appointment made by staff.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub organization_id: i32,
    pub staff_id: i32,
    pub client_id: i32,
    /// Requested or booked.
    pub status: BookingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location_id: Option<i32>,
    pub telehealth: bool,
    pub service: String,
    pub price_cents: Option<i32>,
    pub note: Option<String>,
    pub last_minute: bool,
    /// Telehealth: the appointment's own video link, if set.
    pub video_link: Option<String>,
    /// The recurring series it belongs to, if any.
    pub series_id: Option<i32>,
}

/// Makes `new` if its staff member's time is free, with its audit entry `entry` (whose actor
/// is recorded as the requester; the booking fills in the object and the new value), in one
/// write transaction. "Just taken" when the time is held already, also when PostgreSQL's
/// exclusion constraint refuses a concurrent insert or commit.
pub async fn hold(
    db: &DatabaseConnection,
    new: NewBooking,
    mut entry: Entry,
    now: DateTime<Utc>,
) -> Result<booking::Model, AppError> {
    let taken = || AppError::Conflict("This time was just taken. Choose another slot.".into());
    let txn = txn::begin(db).await?;
    if new.status == BookingStatus::Requested {
        // A client's pending requests are capped; counted and added one request at a time.
        txn::serialize_on(&txn, &format!("requests of client {}", new.client_id)).await?;
        let pending = booking::Entity::find()
            .filter(booking::Column::ClientId.eq(new.client_id))
            .filter(booking::Column::Status.eq(BookingStatus::Requested))
            .filter(booking::Column::StartsAt.gt(now))
            .count(&*txn)
            .await?;
        if pending >= MAX_PENDING_REQUESTS {
            return Err(AppError::Conflict(format!(
                "There are already {MAX_PENDING_REQUESTS} requests waiting for an answer. \
                 Please wait for the practice to answer them, or cancel one first."
            )));
        }
    }
    if !is_free(&*txn, new.staff_id, (new.starts_at, new.ends_at), None).await? {
        return Err(taken());
    }
    let inserted = row(new, entry.actor.clone(), now).insert(&*txn).await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if is_overlap(&e) => return Err(taken()),
        Err(e) => return Err(e.into()),
    };
    entry.object = Ref::Client(row.client_id).to_string();
    entry.new_value = Some(format!(
        "{} {} {}{}",
        Ref::Booking(row.id),
        Ref::Staff(row.staff_id),
        row.starts_at.to_rfc3339(),
        if row.last_minute {
            " (last-minute)"
        } else {
            ""
        }
    ));
    if row.status == BookingStatus::Booked {
        super::waitlist::booked(&*txn, row.client_id, row.staff_id, now).await?;
    }
    // The staff member's calendar icon updates live, once the booking is committed.
    publish(&*txn, Topic::Calendar(row.staff_id), now).await?;
    match txn.commit_audited(entry).await {
        Ok(()) => Ok(row),
        Err(e) if is_overlap(&e) => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// The row of booking `new`, made by `requested_by` (an actor's label) at `now`.
pub fn row(new: NewBooking, requested_by: String, now: DateTime<Utc>) -> booking::ActiveModel {
    booking::ActiveModel {
        id: NotSet,
        organization_id: Set(new.organization_id),
        staff_id: Set(new.staff_id),
        client_id: Set(new.client_id),
        status: Set(new.status),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        location_id: Set(new.location_id),
        telehealth: Set(new.telehealth),
        service: Set(new.service),
        price_cents: Set(new.price_cents),
        note: Set(new.note),
        last_minute: Set(new.last_minute),
        requested_by: Set(requested_by),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        cancelled_by: Set(None),
        acknowledged_at: Set(None),
        video_link: Set(new.video_link),
        reminded_at: Set(None),
        series_id: Set(new.series_id),
        created_at: Set(now),
    }
}

/// The appointments an edit or a cancellation of `row` with `scope` applies to, soonest first:
/// `row` alone, or with the later (`Following`) or every upcoming (`All`) active appointment of
/// its series. Over and cancelled ones are left as they are.
pub async fn series_members(
    db: &impl ConnectionTrait,
    row: &booking::Model,
    scope: SeriesScope,
    now: DateTime<Utc>,
) -> Result<Vec<booking::Model>, DbErr> {
    let Some(series_id) = row.series_id.filter(|_| scope != SeriesScope::This) else {
        return Ok(vec![row.clone()]);
    };
    let from = match scope {
        SeriesScope::Following => row.starts_at,
        _ => now,
    };
    let mut rows = booking::Entity::find()
        .filter(booking::Column::SeriesId.eq(series_id))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.gte(from))
        .filter(booking::Column::Id.ne(row.id))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    rows.push(row.clone());
    rows.sort_by_key(|r| r.starts_at);
    Ok(rows)
}

/// The calendar icon's number for a staff member: upcoming pending requests and last-minute
/// cancellations (the same rows [`inbox`] lists), counted in one query.
pub async fn badge(
    db: &impl ConnectionTrait,
    staff_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(badge_rows(staff_id, now).count(db).await?)
}

/// The calendar icons' numbers of several staff members, in one query (the live streams'
/// counts after a change): no entry for a staff member with nothing to see.
pub async fn badges(
    db: &impl ConnectionTrait,
    staff_ids: &[i32],
    now: DateTime<Utc>,
) -> Result<HashMap<i32, u64>, AppError> {
    if staff_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i64)> = badge_rows_where(
        booking::Column::StaffId.is_in(staff_ids.iter().copied()),
        now,
    )
    .select_only()
    .column(booking::Column::StaffId)
    .column_as(booking::Column::Id.count(), "n")
    .group_by(booking::Column::StaffId)
    .into_tuple()
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(staff, n)| (staff, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The rows behind the calendar icon's number (to count, or to use as a sub-query).
pub fn badge_rows(staff_id: i32, now: DateTime<Utc>) -> Select<booking::Entity> {
    badge_rows_where(booking::Column::StaffId.eq(staff_id), now)
}

fn badge_rows_where(staff: SimpleExpr, now: DateTime<Utc>) -> Select<booking::Entity> {
    booking::Entity::find()
        .filter(staff)
        .filter(booking::Column::StartsAt.gt(now))
        .filter(
            Condition::any()
                .add(booking::Column::Status.eq(BookingStatus::Requested))
                .add(
                    Condition::all()
                        .add(booking::Column::Status.eq(BookingStatus::Cancelled))
                        .add(booking::Column::LastMinute.eq(true))
                        // Acknowledged by staff: seen, off the count.
                        .add(booking::Column::AcknowledgedAt.is_null()),
                ),
        )
}
