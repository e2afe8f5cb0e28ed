//! Sign-in, sign-out and "who am I".

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::rules::normalize_email;
use crate::domain::viewer::{SignInInput, Viewer, ViewerKind};
use crate::error::AppError;
use crate::server::actor::Actor;
use crate::server::audit::{self, Entry};
use crate::server::context::Ctx;
use crate::server::entities::{organization, portal_account, staff_user};
use crate::server::session::{self, Owner};
use crate::server::{password, rate_limit};

/// A successful sign-in: the new session token and where to go.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub home: &'static str,
}

/// The login behind a normalized email: a staff member's, else a portal account's.
pub async fn find_login(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
) -> Result<(Option<staff_user::Model>, Option<portal_account::Model>), AppError> {
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await?;
    let portal = match staff {
        Some(_) => None,
        None => {
            portal_account::Entity::find()
                .filter(portal_account::Column::Email.eq(email))
                .one(db)
                .await?
        }
    };
    Ok((staff, portal))
}

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
        audit::record(
            db,
            Entry {
                organization_id: org,
                actor: "anonymous",
                action: "sign_in.failed",
                object: &format!("login:{email}"),
                ip: Some(&ip),
                ..Default::default()
            },
        )
        .await?;
        return Err(AppError::BadCredentials);
    };
    let token = session::create(db, &ctx.state.sessions, owner, Some(&ip), now).await?;
    let (actor, home) = match owner {
        Owner::Staff(id) => (format!("staff:{id}"), "/admin"),
        Owner::Portal(id) => (format!("portal:{id}"), "/portal"),
    };
    audit::record(
        db,
        Entry {
            organization_id: org,
            actor: &actor,
            action: "sign_in",
            object: &actor,
            ip: Some(&ip),
            ..Default::default()
        },
    )
    .await?;
    Ok(SignedIn { token, home })
}

/// Ends the current session, if any.
pub async fn sign_out(ctx: &Ctx) -> Result<(), AppError> {
    if let Some(token) = &ctx.token {
        session::end(ctx.db(), token).await?;
        if let Some(actor) = &ctx.actor {
            ctx.audit("sign_out", &actor.label(), None, None).await?;
        }
    }
    Ok(())
}

/// The signed-in person as the browser may see them, or `None` when signed out.
pub async fn viewer(ctx: &Ctx) -> Result<Option<Viewer>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(None);
    };
    let organization = organization::Entity::find_by_id(actor.organization_id())
        .one(ctx.db())
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Some(match actor {
        Actor::Staff(s) => Viewer {
            name: s.name.clone(),
            email: s.email.clone(),
            organization,
            kind: ViewerKind::Staff {
                is_admin: s.is_admin,
                is_therapist: s.is_therapist,
                calendar_badge: super::appointments::badge(ctx.db(), s.id, Utc::now()).await?,
                messages_badge: super::messages::unread(ctx).await?.total,
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
