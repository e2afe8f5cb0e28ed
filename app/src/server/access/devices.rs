//! Known devices, so that a stranger cannot keep an account locked. A browser that signs in to
//! an account gets a device cookie; so does one that follows the unlock email sent to the
//! account's owner when its sign-ins are locked. A known device's attempts are counted apart
//! from everyone else's ([`rate_limit`](super::rate_limit) keys them by device), so the owner
//! still signs in, with the right password, while a stranger's guesses keep the lock on for
//! strangers. A known device is still limited to its own five failures per window.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, PaginatorTrait, QueryFilter, Set,
};

use crate::error::AppError;
use crate::server::access::context::{set_cookie, Ctx};
use crate::server::access::rate_limit::WINDOW_MINUTES;
use crate::server::access::session;
use crate::server::mail::emails;
use crate::server::mail::retry::send_or_retry_later;
use crate::server::store::audit::Entry;
use crate::server::store::entities::known_device::{self, Column};
use crate::server::store::logins::{find_login, greeting_name};
use crate::server::store::{organizations, txn};
use crate::server::{AppState, SessionConfig};

/// How long a browser stays known after it signed in or was unlocked.
pub const KNOWN_DAYS: i64 = 90;
/// How long the unlock email's link works.
pub const UNLOCK_LINK_MINUTES: i64 = 60;

const COOKIE: &str = "cp_device";
const SECURE_COOKIE: &str = "__Host-cp_device";

fn cookie_name(config: &SessionConfig) -> &'static str {
    if config.secure_cookie {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// The `Set-Cookie` value that makes this browser known, for [`KNOWN_DAYS`].
pub fn cookie(token: &str, config: &SessionConfig) -> String {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    let max_age = KNOWN_DAYS * 24 * 3600;
    let name = cookie_name(config);
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Sets the cookies of a new sign-in: the session's, and the known device's when it is new.
pub fn set_sign_in_cookies(signed_in: &session::SignedIn, config: &SessionConfig) {
    set_cookie(&session::cookie(&signed_in.token, config));
    if let Some(device) = &signed_in.new_device {
        set_cookie(&cookie(device, config));
    }
}

/// The known-device token the current request's browser sent, if any.
pub fn device_token(config: &SessionConfig) -> Option<String> {
    use leptos::prelude::use_context;
    let parts = use_context::<axum::http::request::Parts>()?;
    let header = parts
        .headers
        .get(axum::http::header::COOKIE)?
        .to_str()
        .ok()?;
    token_from_cookie_header(header, config).map(str::to_owned)
}

/// The device token in a `Cookie` header, if any.
pub fn token_from_cookie_header<'a>(header: &'a str, config: &SessionConfig) -> Option<&'a str> {
    session::cookie_value(header, cookie_name(config))
}

/// The known device `token` of the account `email` at `now`, if it is one.
pub async fn recognized(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<i32>, AppError> {
    let Some(token) = token else {
        return Ok(None);
    };
    Ok(known_device::Entity::find()
        .filter(Column::TokenHash.eq(session::digest(token)))
        .filter(Column::Email.eq(email))
        .filter(Column::Confirmed.eq(true))
        .filter(Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|d| d.id))
}

/// Makes the browser that just signed in to `email` known; returns its cookie's token.
pub async fn remember(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = session::new_token();
    let txn = txn::begin(db).await?;
    insert(
        &*txn,
        email,
        &token,
        true,
        now + Duration::days(KNOWN_DAYS),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

async fn insert(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
    token: &str,
    confirmed: bool,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    known_device::ActiveModel {
        id: NotSet,
        email: Set(email.to_owned()),
        token_hash: Set(session::digest(token)),
        confirmed: Set(confirmed),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Sends the owner of `email` a link that makes their browser known, when the account is
/// locked to strangers: at most one per lock window, in the background, so the answer's timing
/// does not tell whether the account exists.
pub fn offer_unlock(state: &AppState, email: &str, ip: Option<String>) {
    let (state, email) = (state.clone(), email.to_owned());
    tokio::spawn(async move {
        if let Err(e) = send_unlock(&state, &email, ip, Utc::now()).await {
            tracing::warn!(error = %e, "an unlock email was not sent");
        }
    });
}

async fn send_unlock(
    state: &AppState,
    email: &str,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let db = &state.db;
    let (staff, portal) = find_login(db, email).await?;
    let (org, name) = match (&staff, &portal) {
        (Some(s), _) => (s.organization_id, s.name.clone()),
        (None, Some(p)) => (p.organization_id, greeting_name(db, p).await?),
        (None, None) => return Ok(()),
    };
    let token = session::new_token();
    let txn = txn::begin(db).await?;
    txn::serialize_on(&txn, &format!("unlock {email}")).await?;
    let recent = known_device::Entity::find()
        .filter(Column::Email.eq(email))
        .filter(Column::Confirmed.eq(false))
        .filter(Column::CreatedAt.gt(now - Duration::minutes(WINDOW_MINUTES)))
        .count(&*txn)
        .await?;
    if recent > 0 {
        return Ok(());
    }
    let expires = now + Duration::minutes(UNLOCK_LINK_MINUTES);
    insert(&*txn, email, &token, false, expires, now).await?;
    txn.commit_audited(Entry {
        organization_id: Some(org),
        actor: "anonymous".into(),
        action: "sign_in.unlock_sent".into(),
        object: format!("login:{email}"),
        ip,
        ..Default::default()
    })
    .await?;
    let practice = organizations::get(db, org).await?.name;
    let link = state.mailer.link(&format!("/unlock?token={token}"));
    let letter = emails::unlock(&name, &practice, &link);
    send_or_retry_later(&state.mailer, db, letter.to(org, email), now).await
}

/// Follows an unlock link: once, within [`UNLOCK_LINK_MINUTES`], it makes this browser known
/// for the account (the link's token becomes the device's), audited. Returns the token to set
/// as the cookie; a used, expired or unknown link is a clear conflict.
pub async fn confirm(ctx: &Ctx, token: &str) -> Result<String, AppError> {
    let now = Utc::now();
    let db = ctx.db();
    let hash = session::digest(token);
    let txn = txn::begin(db).await?;
    let confirmed = known_device::Entity::update_many()
        .col_expr(Column::Confirmed, true.into())
        .col_expr(Column::ExpiresAt, (now + Duration::days(KNOWN_DAYS)).into())
        .filter(Column::TokenHash.eq(hash.as_str()))
        .filter(Column::Confirmed.eq(false))
        .filter(Column::ExpiresAt.gt(now))
        .exec(&*txn)
        .await?
        .rows_affected;
    if confirmed != 1 {
        return Err(AppError::Conflict(format!(
            "This link has been used or has expired. Sign-ins open again after the pause \
             ({WINDOW_MINUTES} minutes), or you can reset your password."
        )));
    }
    let email = known_device::Entity::find()
        .filter(Column::TokenHash.eq(hash.as_str()))
        .one(&*txn)
        .await?
        .map(|d| d.email)
        .unwrap_or_default();
    let (staff, portal) = find_login(&*txn, &email).await?;
    let organization_id = staff
        .map(|s| s.organization_id)
        .or(portal.map(|p| p.organization_id));
    txn.commit_audited(Entry {
        organization_id,
        actor: "anonymous".into(),
        action: "sign_in.device_unlocked".into(),
        object: format!("login:{email}"),
        ip: ctx.ip.clone(),
        ..Default::default()
    })
    .await?;
    Ok(token.to_owned())
}

/// Housekeeping: deletes the devices and links that have expired at `now`. Returns how many.
pub async fn prune(
    db: &impl sea_orm::ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(known_device::Entity::delete_many()
        .filter(Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_cookie_is_read_by_its_own_name() {
        let config = SessionConfig::default();
        let set = cookie("abc", &config);
        assert!(
            set.starts_with("cp_device=abc;") && set.contains("HttpOnly"),
            "{set}"
        );
        let header = "cp_session=s; cp_device=abc";
        assert_eq!(token_from_cookie_header(header, &config), Some("abc"));
        let secure = SessionConfig {
            secure_cookie: true,
            ..SessionConfig::default()
        };
        assert!(cookie("abc", &secure).starts_with("__Host-cp_device=abc;"));
        assert_eq!(token_from_cookie_header(header, &secure), None);
    }
}
