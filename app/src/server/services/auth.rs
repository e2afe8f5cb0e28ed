//! Sign-in, sign-out and "who am I".

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, QuerySelect, QueryTrait};

use crate::domain::validation::normalize_email;
use crate::domain::viewer::{SignInInput, Viewer, ViewerKind};
use crate::error::AppError;
use crate::server::access::actor::{Actor, Staff};
use crate::server::access::context::Ctx;
use crate::server::access::session::{self, Owner};
use crate::server::access::session::{SignInResult, SignedIn};
use crate::server::access::{devices, password, rate_limit, two_step};
use crate::server::store::audit::{self, Entry};
use crate::server::store::entities::{booking, message, organization};
use crate::server::store::logins::find_login;
use crate::server::store::refs::Ref;
use crate::server::store::{bookings, messages, subqueries};

/// What a deactivated staff member reads after giving the right password.
pub const DEACTIVATED: &str =
    "This login has been deactivated. Ask your practice's administrator if you need access again.";

/// Checks the credentials, within the rate limits, and starts a new session. `device` is the
/// browser's known-device token, if it has one: its attempts are counted apart from strangers'.
pub async fn sign_in(
    ctx: &Ctx,
    input: &SignInInput,
    device: Option<&str>,
) -> Result<SignInResult, AppError> {
    input.validate()?;
    let db = ctx.db();
    let email = normalize_email(&input.email);
    let ip = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let now = Utc::now();
    let known = devices::recognized(db, &email, device, now).await?;
    let counted_as = match known {
        Some(id) => format!("{email} device {id}"),
        None => email.clone(),
    };
    // Counted as a failure before the (slow) check, so parallel guesses cannot race the limit.
    let attempt = match rate_limit::reserve(db, &counted_as, &ip, now).await {
        Ok(attempt) => attempt,
        Err(locked @ AppError::RateLimited { .. }) => {
            if known.is_none() {
                // The owner gets a way in that the stranger does not.
                devices::offer_unlock(&ctx.state, &email, Some(ip.clone()));
            }
            let (staff, portal) = find_login(db, &email).await?;
            let entry = Entry {
                organization_id: staff
                    .map(|s| s.organization_id)
                    .or(portal.map(|p| p.organization_id)),
                actor: "anonymous".into(),
                action: "sign_in.rate_limited".into(),
                object: format!("login:{email}"),
                ip: Some(ip),
                ..Default::default()
            };
            audit::record(db, entry).await?;
            return Err(locked);
        }
        Err(e) => return Err(e),
    };

    let (staff, portal) = find_login(db, &email).await?;
    let (owner, org, stored) = match (&staff, &portal) {
        (Some(s), _) => (
            Some(Owner::Staff(s.id)),
            Some(s.organization_id),
            Some(s.password_hash.clone()),
        ),
        (None, Some(p)) => (
            Some(Owner::Portal(p.id)),
            Some(p.organization_id),
            Some(p.password_hash.clone()),
        ),
        (None, None) => (None, None, None),
    };
    let matches = match password::verify(input.password.clone(), stored).await {
        Ok(matches) => matches,
        Err(e) => {
            // Not checked (too many sign-ins at once): this one does not count against anyone.
            rate_limit::release(db, attempt).await?;
            return Err(e);
        }
    };
    if matches {
        rate_limit::succeeded(db, &counted_as, &ip, now).await?;
    }

    if let (true, Some(s)) = (matches, &staff) {
        if s.is_active() {
            if let Some(token) = two_step::begin(db, &ctx.state.payments.secrets, s, now).await? {
                let entry = Entry {
                    organization_id: org,
                    actor: "anonymous".into(),
                    action: "sign_in.second_step".into(),
                    object: Ref::Staff(s.id).to_string(),
                    ip: Some(ip),
                    ..Default::default()
                };
                audit::record(db, entry).await?;
                return Ok(SignInResult::SecondStep(token));
            }
        }
    }
    if matches && staff.as_ref().is_some_and(|s| !s.is_active()) {
        let entry = Entry {
            organization_id: org,
            actor: "anonymous".into(),
            action: "sign_in.deactivated".into(),
            object: format!("login:{email}"),
            ip: Some(ip),
            ..Default::default()
        };
        audit::record(db, entry).await?;
        return Err(AppError::Conflict(DEACTIVATED.into()));
    }
    let (Some(owner), true) = (owner, matches) else {
        let entry = Entry {
            organization_id: org,
            actor: "anonymous".into(),
            action: "sign_in.failed".into(),
            object: format!("login:{email}"),
            ip: Some(ip),
            ..Default::default()
        };
        audit::record(db, entry).await?;
        return Err(AppError::BadCredentials);
    };
    let origin = session::Origin {
        ip: Some(&ip),
        device: ctx.device.as_deref(),
    };
    let token = session::create_from(db, &ctx.state.sessions, owner, origin, now).await?;
    let new_device = match known {
        Some(_) => None,
        None => Some(devices::remember(db, &email, now).await?),
    };
    let entry = Entry {
        organization_id: org,
        actor: owner.label().to_string(),
        action: "sign_in".into(),
        object: owner.label().to_string(),
        // The device ("Chrome on Android"), shown in the client's access log.
        new_value: ctx.device.clone(),
        ip: Some(ip),
        ..Default::default()
    };
    audit::record(db, entry).await?;
    Ok(SignInResult::Done(SignedIn {
        token,
        home: Actor::landing(db, owner).await?,
        new_device,
    }))
}

/// Ends the current session, if any.
pub async fn sign_out(ctx: &Ctx) -> Result<(), AppError> {
    end_session(ctx, "sign_out").await
}

/// Ends the current session because its page saw nobody for the idle timeout (the browser's
/// own logoff, recorded apart from a person's sign-out).
pub async fn idle_sign_out(ctx: &Ctx) -> Result<(), AppError> {
    end_session(ctx, "sign_out.idle").await
}

async fn end_session(ctx: &Ctx, action: &str) -> Result<(), AppError> {
    if let Some(token) = &ctx.token {
        session::end(ctx.db(), token).await?;
        if let Some(actor) = &ctx.actor {
            ctx.record_event(action, actor.label(), None).await?;
        }
    }
    Ok(())
}

/// The whole seconds the caller's session has left, read without moving its idle timer (the
/// context must be resolved as the machine's); `None` when signed out.
pub async fn session_left(ctx: &Ctx) -> Result<Option<u32>, AppError> {
    let (Some(token), Some(_)) = (&ctx.token, &ctx.actor) else {
        return Ok(None);
    };
    let left = session::time_left(ctx.db(), &ctx.state.sessions, token, Utc::now()).await?;
    Ok(left.map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)))
}

/// Restarts the caller's idle timer ("Stay signed in"); returns the seconds now left, or
/// `None` when the session had already ended.
pub async fn stay_signed_in(ctx: &Ctx) -> Result<Option<u32>, AppError> {
    let (Some(token), Some(_)) = (&ctx.token, &ctx.actor) else {
        return Ok(None);
    };
    session::renew(ctx.db(), token, Utc::now()).await?;
    session_left(ctx).await
}

/// The signed-in person as the browser may see them, or `None` when signed out. For staff, the
/// organization's name and both badges are one query after the session's.
pub async fn viewer(ctx: &Ctx) -> Result<Option<Viewer>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(None);
    };
    let idle_seconds = u32::try_from(ctx.state.sessions.idle_timeout.as_secs()).unwrap_or(u32::MAX);
    Ok(Some(match actor {
        Actor::Staff(s) => {
            let (organization, calendar_badge, messages_badge) = staff_shell(ctx, s).await?;
            Viewer {
                name: s.name.clone(),
                email: s.email.clone(),
                organization,
                idle_seconds,
                kind: ViewerKind::Staff {
                    is_admin: s.is_admin,
                    is_therapist: s.is_therapist,
                    calendar_badge,
                    messages_badge,
                },
            }
        }
        Actor::Portal(p) => Viewer {
            name: p.name.clone(),
            email: p.email.clone(),
            organization: p.organization.name.clone(),
            idle_seconds,
            kind: ViewerKind::Portal {
                is_contact: p.is_contact,
                clients: p.client_refs(),
                practice_email: p.organization.contact_email.clone(),
                practice_phone: p.organization.contact_phone.clone(),
            },
        },
    }))
}

/// The admin bar's figures: the organization's name, the calendar icon's number and the unread
/// messages of the staff member's clients, in one query of sub-queries.
async fn staff_shell(ctx: &Ctx, staff: &Staff) -> Result<(String, u64, u32), AppError> {
    let name = Query::select()
        .column(organization::Column::Name)
        .from(organization::Entity)
        .and_where(organization::Column::Id.eq(staff.organization_id))
        .to_owned();
    let badge = bookings::badge_rows(staff.id, Utc::now())
        .select_only()
        .column_as(booking::Column::Id.count(), "n")
        .into_query();
    let unread = messages::unread_by_staff(staff.id)
        .select_only()
        .column_as(message::Column::Id.count(), "n")
        .into_query();
    let select = Query::select()
        .expr_as(subqueries::value(name), "organization")
        .expr_as(subqueries::or_zero(badge), "badge")
        .expr_as(subqueries::or_zero(unread), "unread")
        .to_owned();
    let row = ctx
        .db()
        .query_one(&select)
        .await?
        .ok_or_else(|| AppError::internal("the admin bar query returned no row"))?;
    let organization: Option<String> = row.try_get("", "organization")?;
    let badge: i64 = row.try_get("", "badge")?;
    let unread: i64 = row.try_get("", "unread")?;
    Ok((
        organization
            .ok_or_else(|| AppError::internal("the staff member's organization is missing"))?,
        u64::try_from(badge).unwrap_or(0),
        u32::try_from(unread).unwrap_or(u32::MAX),
    ))
}
