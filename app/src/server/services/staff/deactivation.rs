//! Deactivating a staff member and reactivating them. Deactivation ends their sessions at once,
//! stops their calendar feed and invitation, takes them out of the booking pickers, and moves or
//! declines their open requests as the administrator chose; their history, assignments and
//! messages stay. One transaction, audited per request.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{ensure_another_admin, lock_roster, member};
use crate::domain::schedule::BookingStatus;
use crate::domain::staff::{Deactivated, OpenRequests};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::access::session::{self, Owner};
use crate::server::mail::notices;
use crate::server::store::bookings::is_free;
use crate::server::store::entities::{booking, client_staff, portal_link, staff_user};
use crate::server::store::live_events::{publish, Topic};
use crate::server::store::refs::Ref;
use crate::server::store::txn;

/// Why a deactivated therapist's request was declined, as the family reads it in the portal.
pub const DECLINED_REASON: &str =
    "This therapist is no longer available. Please request another time.";

/// Deactivates staff member `staff_id`, doing `open` with their upcoming requests.
pub async fn deactivate(
    ctx: &Ctx,
    staff_id: i32,
    open: OpenRequests,
) -> Result<Deactivated, AppError> {
    let admin = ctx.admin().await?;
    let row = member(ctx, admin, staff_id).await?;
    if row.id == admin.id {
        return Err(AppError::Conflict(
            "You cannot deactivate yourself. Ask another administrator.".into(),
        ));
    }
    let takes_over = match open {
        OpenRequests::Decline => None,
        OpenRequests::ReassignTo(id) => {
            let other = member(ctx, admin, id).await?;
            if other.id == row.id || !other.is_active() || !other.is_therapist {
                return Err(AppError::invalid(
                    "open_requests",
                    "Choose an active therapist of this practice to take over the requests.",
                ));
            }
            Some(other.id)
        }
    };
    let now = Utc::now();
    let txn = txn::begin(ctx.db()).await?;
    let row = lock_roster(&txn, admin.organization_id, row.id).await?;
    if !row.is_active() {
        return Err(AppError::Conflict(format!(
            "{} is already deactivated.",
            row.name
        )));
    }
    if row.is_admin {
        ensure_another_admin(&txn, &row).await?;
    }
    let mut active: staff_user::ActiveModel = row.clone().into();
    active.deactivated_at = Set(Some(now));
    active.calendar_feed_hash = Set(None);
    active.update(&*txn).await?;
    // Every open link goes: an invitation, and a password reset sent before.
    portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(portal_link::Column::StaffUserId.eq(row.id))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    let sessions_ended = session::end_all(&*txn, Owner::Staff(row.id)).await? as u32;
    let requests = booking::Entity::find()
        .filter(booking::Column::StaffId.eq(row.id))
        .filter(booking::Column::Status.eq(BookingStatus::Requested))
        .filter(booking::Column::StartsAt.gt(now))
        .all(&*txn)
        .await?;
    let mut outcome = Deactivated {
        name: row.name.clone(),
        sessions_ended,
        ..Default::default()
    };
    let mut entries = Vec::new();
    let mut declined = Vec::new();
    for request in requests {
        let slot = (request.starts_at, request.ends_at);
        let mut change: booking::ActiveModel = request.clone().into();
        match takes_over {
            Some(other) if is_free(&*txn, other, slot, Some(request.id)).await? => {
                change.staff_id = Set(other);
                change.update(&*txn).await?;
                // Whoever takes the request over sees the client.
                client_staff::Entity::insert(client_staff::ActiveModel {
                    client_id: Set(request.client_id),
                    staff_id: Set(other),
                })
                .on_conflict_do_nothing_on([
                    client_staff::Column::ClientId,
                    client_staff::Column::StaffId,
                ])
                .exec(&*txn)
                .await?;
                outcome.reassigned += 1;
                entries.push(ctx.entry(
                    "appointment.reassigned",
                    Ref::Client(request.client_id),
                    Some(format!(
                        "{} {}",
                        Ref::Booking(request.id),
                        Ref::Staff(row.id)
                    )),
                    Some(format!(
                        "{} {}",
                        Ref::Booking(request.id),
                        Ref::Staff(other)
                    )),
                ));
            }
            _ => {
                change.status = Set(BookingStatus::Declined);
                change.decided_by = Set(Some(ctx.actor_label()));
                change.decided_at = Set(Some(now));
                change.decision_reason = Set(Some(DECLINED_REASON.into()));
                let declined_row = change.update(&*txn).await?;
                outcome.declined += 1;
                entries.push(ctx.entry(
                    "appointment.declined",
                    Ref::Client(request.client_id),
                    Some("requested".into()),
                    Some(Ref::Booking(request.id).to_string()),
                ));
                declined.push(declined_row);
            }
        }
    }
    publish(&*txn, Topic::Calendar(row.id), now).await?;
    if let Some(other) = takes_over.filter(|_| outcome.reassigned > 0) {
        publish(&*txn, Topic::Calendar(other), now).await?;
    }
    entries.insert(
        0,
        ctx.entry(
            "staff.deactivated",
            Ref::Staff(row.id),
            None,
            Some(format!(
                "sessions ended {}, requests reassigned {}, declined {}",
                outcome.sessions_ended, outcome.reassigned, outcome.declined
            )),
        ),
    );
    txn.commit_audited_all(entries).await?;
    for row in &declined {
        notices::request_answered(&ctx.state.mailer, ctx.db(), row).await?;
    }
    Ok(outcome)
}

/// Gives a deactivated staff member their sign-in back (with their old password; their calendar
/// feed must be created again).
pub async fn reactivate(ctx: &Ctx, staff_id: i32) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let row = member(ctx, admin, staff_id).await?;
    if row.is_active() {
        return Err(AppError::Conflict(format!("{} is active.", row.name)));
    }
    let txn = txn::begin(ctx.db()).await?;
    let mut active: staff_user::ActiveModel = row.clone().into();
    active.deactivated_at = Set(None);
    active.update(&*txn).await?;
    txn.commit_audited(ctx.entry("staff.reactivated", Ref::Staff(row.id), None, None))
        .await?;
    Ok(())
}
