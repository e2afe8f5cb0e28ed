//! Sign-in, sign-out and "who am I".

use chrono::Utc;

use crate::domain::validation::normalize_email;
use crate::domain::viewer::{SignInInput, Viewer, ViewerKind};
use crate::error::AppError;
use crate::server::access::actor::Actor;
use crate::server::access::context::Ctx;
use crate::server::access::session::SignedIn;
use crate::server::access::session::{self, Owner};
use crate::server::access::{password, rate_limit};
use crate::server::store::audit::{self, Entry};
use crate::server::store::logins::find_login;

/// Checks the credentials, within the rate limits, and starts a new session.
pub async fn sign_in(ctx: &Ctx, input: &SignInInput) -> Result<SignedIn, AppError> {
    input.validate()?;
    let db = ctx.db();
    let email = normalize_email(&input.email);
    let ip = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let now = Utc::now();
    rate_limit::check(db, &email, &ip, now).await?;

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
    let matches = password::verify(input.password.clone(), stored).await?;
    rate_limit::record(db, &email, &ip, matches, now).await?;

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
    let token = session::create(db, &ctx.state.sessions, owner, Some(&ip), now).await?;
    let entry = Entry {
        organization_id: org,
        actor: owner.label().to_string(),
        action: "sign_in".into(),
        object: owner.label().to_string(),
        ip: Some(ip),
        ..Default::default()
    };
    audit::record(db, entry).await?;
    Ok(SignedIn {
        token,
        home: Actor::landing(db, owner).await?,
    })
}

/// Ends the current session, if any.
pub async fn sign_out(ctx: &Ctx) -> Result<(), AppError> {
    if let Some(token) = &ctx.token {
        session::end(ctx.db(), token).await?;
        if let Some(actor) = &ctx.actor {
            ctx.record_event("sign_out", actor.label(), None).await?;
        }
    }
    Ok(())
}

/// The signed-in person as the browser may see them, or `None` when signed out.
pub async fn viewer(ctx: &Ctx) -> Result<Option<Viewer>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(None);
    };
    let organization = ctx.organization().await?.name;
    Ok(Some(match actor {
        Actor::Staff(s) => Viewer {
            name: s.name.clone(),
            email: s.email.clone(),
            organization,
            kind: ViewerKind::Staff {
                is_admin: s.is_admin,
                is_therapist: s.is_therapist,
                calendar_badge: crate::server::store::bookings::badge(ctx.db(), s.id, Utc::now())
                    .await?,
                messages_badge: ctx.unread().await?.total,
            },
        },
        Actor::Portal(p) => Viewer {
            name: p.name.clone(),
            email: p.email.clone(),
            organization,
            kind: ViewerKind::Portal {
                is_contact: p.is_contact,
                clients: p.client_refs(),
            },
        },
    }))
}
