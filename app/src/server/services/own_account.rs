//! A signed-in person's own account: their sessions (listed and signed out one by one), a
//! password change that ends every other session, and a staff member's calendar feed and
//! two-step status.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::own_account::{AccountView, PasswordChange, SessionSummary};
use crate::domain::two_step::TwoStepStatus;
use crate::error::AppError;
use crate::server::access::actor::Actor;
use crate::server::access::context::Ctx;
use crate::server::access::session::{self, Owner};
use crate::server::access::{password, rate_limit};
use crate::server::store::entities::{portal_account, recovery_code, staff_user};
use crate::server::store::{organizations, txn};

/// Whose sessions and password these are, with the stored hash.
struct Login {
    owner: Owner,
    email: String,
    name: String,
    organization_id: i32,
    password_hash: String,
    calendar_feed: Option<bool>,
    /// Staff: whether two-step sign-in is set up.
    two_step: Option<bool>,
    /// Portal logins: whether they want appointment reminders.
    reminders: Option<bool>,
}

async fn login(ctx: &Ctx) -> Result<Login, AppError> {
    let db = ctx.db();
    match &ctx.actor {
        Some(Actor::Staff(s)) => {
            let row = staff_user::Entity::find_by_id(s.id)
                .one(db)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            Ok(Login {
                owner: Owner::Staff(s.id),
                email: row.email,
                name: row.name,
                organization_id: row.organization_id,
                password_hash: row.password_hash,
                calendar_feed: Some(row.calendar_feed_hash.is_some()),
                two_step: Some(row.totp_secret.is_some()),
                reminders: None,
            })
        }
        Some(Actor::Portal(p)) => {
            let row = portal_account::Entity::find_by_id(p.account_id)
                .one(db)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            Ok(Login {
                owner: Owner::Portal(p.account_id),
                email: row.email,
                name: p.name.clone(),
                organization_id: row.organization_id,
                password_hash: row.password_hash,
                calendar_feed: None,
                two_step: None,
                reminders: Some(row.appointment_reminders),
            })
        }
        None => Err(AppError::Unauthenticated),
    }
}

/// The Account page: name, email, the live sessions and (staff) whether a feed is live.
pub async fn view(ctx: &Ctx) -> Result<AccountView, AppError> {
    let me = login(ctx).await?;
    let db = ctx.db();
    let org = organizations::get(db, me.organization_id).await?;
    let zone = org.zone();
    let at = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .format("%a %-d %b %Y, %H:%M %Z")
            .to_string()
    };
    let token = ctx.token.as_deref().unwrap_or_default();
    let sessions = session::of_owner(db, &ctx.state.sessions, me.owner, Utc::now())
        .await?
        .into_iter()
        .map(|row| SessionSummary {
            handle: session::handle(&row),
            device: row
                .device
                .clone()
                .unwrap_or_else(|| "Unknown device".into()),
            signed_in: at(row.created_at),
            last_used: at(row.last_seen_at),
            current: session::is_token_of(&row, token),
        })
        .collect();
    let two_step = match (me.two_step, me.owner) {
        (Some(enrolled), Owner::Staff(id)) => Some(TwoStepStatus {
            enrolled,
            required: org.require_two_step,
            recovery_codes_left: recovery_code::Entity::find()
                .filter(recovery_code::Column::StaffUserId.eq(id))
                .filter(recovery_code::Column::UsedAt.is_null())
                .count(db)
                .await? as u32,
        }),
        _ => None,
    };
    Ok(AccountView {
        name: me.name,
        email: me.email,
        sessions,
        calendar_feed: me.calendar_feed,
        two_step,
        reminders: me.reminders,
    })
}

/// Changes the caller's password: the current one is checked within the sign-in limits (a
/// borrowed, unlocked screen cannot guess it), and every other session of theirs ends.
pub async fn change_password(ctx: &Ctx, input: &PasswordChange) -> Result<(), AppError> {
    input.validate()?;
    let me = login(ctx).await?;
    let db = ctx.db();
    let now = Utc::now();
    let ip = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let attempt = rate_limit::reserve(db, &me.email, &ip, now).await?;
    let matches = match password::verify(input.current.clone(), Some(me.password_hash)).await {
        Ok(matches) => matches,
        Err(e) => {
            rate_limit::release(db, attempt).await?;
            return Err(e);
        }
    };
    if !matches {
        ctx.record_event("password.change_refused", me.owner.label(), None)
            .await?;
        return Err(AppError::invalid(
            "current",
            "Your current password is not correct.",
        ));
    }
    rate_limit::succeeded(db, &me.email, &ip, now).await?;
    let hash = password::hash(input.password.clone()).await?;
    let txn = txn::begin(db).await?;
    match me.owner {
        Owner::Staff(id) => {
            staff_user::Entity::update_many()
                .col_expr(staff_user::Column::PasswordHash, Expr::value(hash))
                .filter(staff_user::Column::Id.eq(id))
                .exec(&*txn)
                .await?;
        }
        Owner::Portal(id) => {
            portal_account::Entity::update_many()
                .col_expr(portal_account::Column::PasswordHash, Expr::value(hash))
                .filter(portal_account::Column::Id.eq(id))
                .exec(&*txn)
                .await?;
        }
    }
    txn.commit_audited(ctx.entry("password.changed", me.owner.label(), None, None))
        .await?;
    let keep = ctx.token.as_deref().unwrap_or_default();
    let ended = session::end_others(db, me.owner, keep).await?;
    if ended > 0 {
        ctx.record_event(
            "session.ended_by_password_change",
            me.owner.label(),
            Some(ended.to_string()),
        )
        .await?;
    }
    Ok(())
}

/// Signs out one of the caller's own sessions (another device, or this one).
pub async fn end_session(ctx: &Ctx, handle: &str) -> Result<(), AppError> {
    let me = login(ctx).await?;
    if !session::end_by_handle(ctx.db(), me.owner, handle).await? {
        return Err(AppError::NotFound);
    }
    ctx.record_event("session.ended", me.owner.label(), None)
        .await
}

/// Revokes the staff member's calendar feed URL: calendars subscribed to it stop updating.
pub async fn revoke_calendar_feed(ctx: &Ctx) -> Result<(), AppError> {
    let staff = ctx.staff().await?;
    let txn = txn::begin(ctx.db()).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::CalendarFeedHash,
            Expr::value(Option::<String>::None),
        )
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&*txn)
        .await?;
    txn.commit_audited(ctx.entry("calendar.feed_revoked", staff.label(), None, None))
        .await?;
    Ok(())
}
