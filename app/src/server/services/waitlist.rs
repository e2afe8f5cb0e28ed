//! The waitlist. While self-scheduling is effective, a client (or a contact with the scheduling
//! scope) joins a therapist of the care team's list with preferred weekdays and parts of the day,
//! and leaves it by hand or once booked. Staff see and manage each therapist's list. When time
//! frees up (a cancellation, a move, a declined request, time off removed, extra hours added),
//! the minute's pass offers each freed slot to the matching clients, oldest first, three at a
//! time; the next three get it if it is still free two hours later. The first request wins,
//! through the usual request path and the therapist's acceptance.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::schedule::{is_last_minute, slot_key, when_label};
use crate::domain::settings::Setting;
use crate::domain::waitlist::{
    suits, PortalWaitlist, Preferences, StaffWaitlistEntry, WaitlistEntryView, WaitlistInput,
    NEXT_BATCH_AFTER_MINUTES, OFFER_BATCH,
};
use crate::error::AppError;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::mail::{emails, Mailer};
use crate::server::store::audit::Entry;
use crate::server::store::bookings::is_free;
use crate::server::store::entities::{
    freed_time, organization, staff_user, waitlist_entry, waitlist_offer,
};
use crate::server::store::refs::Ref;
use crate::server::store::waitlist::{LEFT_BY_FAMILY, REMOVED_BY_STAFF};
use crate::server::store::{clients, portal_recipients, slots, staff, txn};

/// Freed times one pass takes on at most.
const PASS: u64 = 100;

fn since(at: DateTime<Utc>, tz: &chrono_tz::Tz) -> String {
    format!("since {}", at.with_timezone(tz).format("%-d %b %Y"))
}

fn preferences(row: &waitlist_entry::Model) -> Preferences {
    Preferences {
        weekdays: row.weekdays.clone(),
        parts_of_day: row.parts_of_day.clone(),
    }
}

/// The client's open entries, and whom this login may wait for (the client's active therapists),
/// `None` when it may not join (self-scheduling not effective, or no scheduling scope).
pub async fn portal_view(ctx: &Ctx, client_id: i32) -> Result<PortalWaitlist, AppError> {
    let permit = ctx.permit_for(client_id, Ability::Appointments).await?;
    let db = ctx.db();
    let tz = ctx.organization().await?.zone();
    let rows = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::ClientId.eq(client_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .order_by_asc(waitlist_entry::Column::CreatedAt)
        .all(db)
        .await?;
    let names = staff::names(db, rows.iter().map(|r| r.staff_id)).await?;
    let entries = rows
        .iter()
        .map(|r| WaitlistEntryView {
            id: r.id,
            staff_name: names.of(r.staff_id),
            preferences: preferences(r).label(),
            since: since(r.created_at, &tz),
        })
        .collect();
    let therapists = if permit.abilities.scheduling {
        let team = slots::assigned_therapists(db, client_id).await?;
        Some(team.into_iter().map(|s| (s.id, s.name)).collect())
    } else {
        None
    };
    Ok(PortalWaitlist {
        entries,
        therapists,
    })
}

/// Puts the client on a therapist's list (one of the client's active therapists); once per
/// therapist while on it. Audited.
pub async fn join(
    ctx: &Ctx,
    client_id: i32,
    input: &WaitlistInput,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    ctx.permit_for(client_id, Ability::Scheduling).await?;
    let prefs = input.validate()?;
    let db = ctx.db();
    let Some(therapist) = slots::assigned_therapists(db, client_id)
        .await?
        .into_iter()
        .find(|s| s.id == input.staff_id)
    else {
        return Err(AppError::invalid(
            "staff_id",
            "Choose one of the client's care team.",
        ));
    };
    let on_list = || {
        AppError::Conflict(format!(
            "Already on {}'s waitlist. Leave it first to change the days or times.",
            therapist.name
        ))
    };
    let txn = txn::begin(db).await?;
    let inserted = waitlist_entry::ActiveModel {
        id: NotSet,
        organization_id: Set(therapist.organization_id),
        client_id: Set(client_id),
        staff_id: Set(therapist.id),
        weekdays: Set(prefs.weekdays.clone()),
        parts_of_day: Set(prefs.parts_of_day.clone()),
        joined_by: Set(ctx.actor_label()),
        created_at: Set(now),
        left_at: Set(None),
        left_reason: Set(None),
    }
    .insert(&*txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if txn::is_unique_violation(&e) => return Err(on_list()),
        Err(e) => return Err(e.into()),
    };
    let entry = ctx.entry(
        "waitlist.joined",
        Ref::Client(client_id),
        None,
        Some(format!("{} {}", Ref::Staff(therapist.id), prefs.label())),
    );
    match txn.commit_audited(entry).await {
        Ok(()) => Ok(row.id),
        Err(e) if txn::is_unique_violation(&e) => Err(on_list()),
        Err(e) => Err(e.into()),
    }
}

/// Takes the client off one of their lists (the family). Audited.
pub async fn leave(
    ctx: &Ctx,
    client_id: i32,
    entry_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    ctx.permit_for(client_id, Ability::Scheduling).await?;
    let row = waitlist_entry::Entity::find_by_id(entry_id)
        .filter(waitlist_entry::Column::ClientId.eq(client_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    close(ctx, row, LEFT_BY_FAMILY, "waitlist.left", now).await
}

/// Marks `row` left for `reason`, audited as `action`.
async fn close(
    ctx: &Ctx,
    row: waitlist_entry::Model,
    reason: &str,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut active: waitlist_entry::ActiveModel = row.clone().into();
    active.left_at = Set(Some(now));
    active.left_reason = Set(Some(reason.to_owned()));
    let txn = txn::begin(ctx.db()).await?;
    active.update(&*txn).await?;
    let entry = ctx.entry(
        action,
        Ref::Client(row.client_id),
        Some(Ref::Staff(row.staff_id).to_string()),
        None,
    );
    Ok(txn.commit_audited(entry).await?)
}

/// The waiting clients of a therapist (`staff`: an id, or blank for oneself; administrators any
/// therapist of the organization, or `all`), oldest first.
pub async fn staff_list(ctx: &Ctx, staff_param: &str) -> Result<Vec<StaffWaitlistEntry>, AppError> {
    let member = ctx.staff().await?;
    let db = ctx.db();
    let mut rows = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::OrganizationId.eq(member.organization_id))
        .filter(waitlist_entry::Column::LeftAt.is_null());
    if !(member.is_admin && staff_param == "all") {
        let wanted = staff_param.parse::<i32>().unwrap_or(member.id);
        if wanted != member.id && !member.is_admin {
            return Err(ctx
                .deny(Ref::Staff(wanted).area("waitlist"), AppError::NotFound)
                .await);
        }
        rows = rows.filter(waitlist_entry::Column::StaffId.eq(wanted));
    }
    let rows = rows
        .order_by_asc(waitlist_entry::Column::CreatedAt)
        .order_by_asc(waitlist_entry::Column::Id)
        .all(db)
        .await?;
    let tz = ctx.organization().await?.zone();
    let names = staff::names(db, rows.iter().map(|r| r.staff_id)).await?;
    let people = clients::by_ids(db, rows.iter().map(|r| r.client_id)).await?;
    let offered: Vec<(i32, i64)> = waitlist_offer::Entity::find()
        .select_only()
        .column(waitlist_offer::Column::EntryId)
        .column_as(waitlist_offer::Column::Id.count(), "n")
        .filter(waitlist_offer::Column::EntryId.is_in(rows.iter().map(|r| r.id)))
        .group_by(waitlist_offer::Column::EntryId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|r| StaffWaitlistEntry {
            id: r.id,
            client_id: r.client_id,
            client_name: people
                .get(&r.client_id)
                .map(|c| c.full_name())
                .unwrap_or_default(),
            staff_name: names.of(r.staff_id),
            preferences: preferences(r).label(),
            since: since(r.created_at, &tz),
            offers: offered
                .iter()
                .find(|(id, _)| *id == r.id)
                .map(|(_, n)| *n as u64)
                .unwrap_or(0),
        })
        .collect())
}

/// Staff take a client off a list: the therapist their own, an administrator any. Audited.
pub async fn remove(ctx: &Ctx, entry_id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let member = ctx.staff().await?;
    let row = waitlist_entry::Entity::find_by_id(entry_id)
        .filter(waitlist_entry::Column::OrganizationId.eq(member.organization_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .one(ctx.db())
        .await?
        .filter(|r| member.is_admin || r.staff_id == member.id);
    let Some(row) = row else {
        let object = Ref::Staff(member.id).area(&format!("waitlist:{entry_id}"));
        return Err(ctx.deny(object, AppError::NotFound).await);
    };
    close(ctx, row, REMOVED_BY_STAFF, "waitlist.removed", now).await
}

/// The minute's pass: offers newly freed time (each freed time claimed once, whatever the number
/// of processes), then the next three clients for offered slots still free after two hours.
/// Returns how many offers were sent.
pub async fn offer_freed(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut sent = 0;
    let freed = freed_time::Entity::find()
        .filter(freed_time::Column::ClaimedAt.is_null())
        .order_by_asc(freed_time::Column::Id)
        .limit(PASS)
        .all(db)
        .await?;
    for time in freed {
        let claimed = freed_time::Entity::update_many()
            .col_expr(freed_time::Column::ClaimedAt, Expr::value(Some(now)))
            .filter(freed_time::Column::Id.eq(time.id))
            .filter(freed_time::Column::ClaimedAt.is_null())
            .exec(db)
            .await?
            .rows_affected;
        if claimed == 0 {
            continue;
        }
        match offer_window(
            db,
            mailer,
            time.staff_id,
            (time.starts_at, time.ends_at),
            now,
        )
        .await
        {
            Ok(n) => sent += n,
            Err(e) => tracing::warn!(freed = time.id, error = %e, "freed time not offered"),
        }
    }
    // Offered slots ahead whose last batch had its time.
    let waiting: Vec<(i32, DateTime<Utc>, DateTime<Utc>)> = waitlist_offer::Entity::find()
        .select_only()
        .column(waitlist_offer::Column::StaffId)
        .column(waitlist_offer::Column::StartsAt)
        .column(waitlist_offer::Column::EndsAt)
        .filter(waitlist_offer::Column::StartsAt.gt(now))
        .group_by(waitlist_offer::Column::StaffId)
        .group_by(waitlist_offer::Column::StartsAt)
        .group_by(waitlist_offer::Column::EndsAt)
        .having(
            Expr::expr(Func::max(Expr::col(waitlist_offer::Column::SentAt)))
                .lte(now - Duration::minutes(NEXT_BATCH_AFTER_MINUTES)),
        )
        .limit(PASS)
        .into_tuple()
        .all(db)
        .await?;
    for (staff_id, start, end) in waiting {
        match offer_slot(db, mailer, staff_id, (start, end), now).await {
            Ok(n) => sent += n,
            Err(e) => tracing::warn!(staff = staff_id, error = %e, "next waitlist batch not sent"),
        }
    }
    Ok(sent)
}

/// Offers the open slots of staff member `staff_id` inside a freed window.
async fn offer_window(
    db: &DatabaseConnection,
    mailer: &Mailer,
    staff_id: i32,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(therapist) = staff_user::Entity::find_by_id(staff_id).one(db).await? else {
        return Ok(0);
    };
    let active = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::StaffId.eq(staff_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .count(db)
        .await?;
    if active == 0 || therapist.deactivated_at.is_some() {
        return Ok(0);
    }
    let tz = organization_of(db, therapist.organization_id).await?.zone();
    // Local days from today's to the freed time's end, both counted.
    let today = now.with_timezone(&tz).date_naive();
    let last = to.with_timezone(&tz).date_naive();
    let days = ((last - today).num_days() + 1).clamp(1, i64::from(slots::DAYS_AHEAD)) as u32;
    let mut sent = 0;
    for (start, end) in slots::open_slots_of(db, &therapist, &tz, now, days, true).await? {
        if start >= from && end <= to {
            sent += offer_slot(db, mailer, staff_id, (start, end), now).await?;
        }
    }
    Ok(sent)
}

async fn organization_of(
    db: &DatabaseConnection,
    organization_id: i32,
) -> Result<organization::Model, AppError> {
    organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Offers one free slot to the next (up to) three matching clients not offered it yet, unless
/// the last batch was sent less than two hours ago; serialized per slot, so two processes never
/// send the same batch. Each offer is audited (actor `system`) and emailed to the client's own
/// login and the contacts with the scheduling scope.
async fn offer_slot(
    db: &DatabaseConnection,
    mailer: &Mailer,
    staff_id: i32,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    // Read first: a slot that everyone suited was offered already costs no write transaction
    // (the minute's pass comes back to offered slots until they start).
    if !anyone_left(db, staff_id, start).await? {
        return Ok(0);
    }
    let txn = txn::begin(db).await?;
    txn::serialize_on(
        &txn,
        &format!("waitlist slot {staff_id} {}", start.timestamp()),
    )
    .await?;
    let previous = waitlist_offer::Entity::find()
        .filter(waitlist_offer::Column::StaffId.eq(staff_id))
        .filter(waitlist_offer::Column::StartsAt.eq(start))
        .all(&*txn)
        .await?;
    let last_sent = previous.iter().map(|o| o.sent_at).max();
    if last_sent.is_some_and(|t| t > now - Duration::minutes(NEXT_BATCH_AFTER_MINUTES))
        || start <= now
        || !is_free(&*txn, staff_id, (start, end), None).await?
    {
        return Ok(0);
    }
    let offered: HashSet<i32> = previous.iter().map(|o| o.entry_id).collect();
    let batch = previous.iter().map(|o| o.batch).max().unwrap_or(0) + 1;
    let entries = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::StaffId.eq(staff_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .order_by_asc(waitlist_entry::Column::CreatedAt)
        .order_by_asc(waitlist_entry::Column::Id)
        .all(&*txn)
        .await?;
    let Some(first) = entries.first() else {
        return Ok(0);
    };
    let org = organization_of(db, first.organization_id).await?;
    let tz = org.zone();
    let local = start.with_timezone(&tz).naive_local();
    let mut chosen = Vec::new();
    for entry in entries {
        if offered.contains(&entry.id) || !suits(&entry.weekdays, &entry.parts_of_day, local) {
            continue;
        }
        let found =
            portal_recipients::recipients(&*txn, &org, entry.client_id, |s| s.scheduling, now)
                .await?;
        // The offer is a self-scheduling one: the client's settings decide, 24-hour rule included.
        if !found.settings.get(Setting::SelfScheduling)
            || (is_last_minute(start, now) && !found.settings.get(Setting::Within24Hours))
        {
            continue;
        }
        chosen.push((entry, found.logins));
        if chosen.len() == OFFER_BATCH {
            break;
        }
    }
    if chosen.is_empty() {
        return Ok(0);
    }
    let mut entries = Vec::with_capacity(chosen.len());
    for (entry, _) in &chosen {
        waitlist_offer::ActiveModel {
            id: NotSet,
            entry_id: Set(entry.id),
            staff_id: Set(staff_id),
            starts_at: Set(start),
            ends_at: Set(end),
            batch: Set(batch),
            sent_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        entries.push(Entry {
            organization_id: Some(org.id),
            actor: "system".into(),
            action: "waitlist.offered".into(),
            object: Ref::Client(entry.client_id).to_string(),
            old_value: None,
            new_value: Some(format!(
                "{} {} batch {batch}",
                Ref::Staff(staff_id),
                start.to_rfc3339()
            )),
            ip: None,
        });
    }
    txn.commit_audited_all(entries).await?;
    let when = when_label(&tz, start, end);
    let slot = slot_key(staff_id, start).replace('+', "%2B");
    for (entry, logins) in &chosen {
        let link = mailer.link(&format!(
            "/portal/clients/{}/appointments?slot={slot}",
            entry.client_id
        ));
        for login in logins {
            let letter = emails::waitlist_offer(&org.name, &when, &link);
            mailer.send(db, letter.to(org.id, &login.email)).await?;
        }
    }
    Ok(chosen.len())
}

/// Whether someone on staff member `staff_id`'s list whom the slot starting at `start` suits
/// has not been offered it yet (settings aside, which the offer itself checks).
async fn anyone_left(
    db: &DatabaseConnection,
    staff_id: i32,
    start: DateTime<Utc>,
) -> Result<bool, AppError> {
    let offered: HashSet<i32> = waitlist_offer::Entity::find()
        .filter(waitlist_offer::Column::StaffId.eq(staff_id))
        .filter(waitlist_offer::Column::StartsAt.eq(start))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.entry_id)
        .collect();
    let waiting: Vec<waitlist_entry::Model> = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::StaffId.eq(staff_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter(|e| !offered.contains(&e.id))
        .collect();
    let Some(first) = waiting.first() else {
        return Ok(false);
    };
    let local = start
        .with_timezone(&organization_of(db, first.organization_id).await?.zone())
        .naive_local();
    Ok(waiting
        .iter()
        .any(|e| suits(&e.weekdays, &e.parts_of_day, local)))
}
