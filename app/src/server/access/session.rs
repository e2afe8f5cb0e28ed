//! Database-backed sessions: an opaque random cookie token, stored only as its SHA-256, with an
//! idle timeout and an absolute lifetime. Any server process can resolve any session.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::server::store::entities::{portal_account, session, staff_user};
use crate::server::store::refs::Ref;
use crate::server::store::txn::Writer;
use crate::server::SessionConfig;

/// The cookie that carries the session token.
pub const COOKIE: &str = "cp_session";
/// Its name over https: browsers keep a `__Host-` cookie only when it is `Secure`, for this host
/// alone (no `Domain`) and for the whole site, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_COOKIE: &str = "__Host-cp_session";

/// The session cookie's name under `config`.
pub fn cookie_name(config: &SessionConfig) -> &'static str {
    if config.secure_cookie {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// Skip the `last_seen_at` write when the previous one is more recent than this.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Staff(i32),
    Portal(i32),
}

impl Owner {
    /// The owner as the audit log names them.
    pub fn label(self) -> Ref {
        match self {
            Owner::Staff(id) => Ref::Staff(id),
            Owner::Portal(id) => Ref::Portal(id),
        }
    }
}

/// The SHA-256 (hex) under which a token is stored.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 32 bytes from the OS, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Starts a new session (always a fresh id) and returns the cookie token.
pub async fn create(
    db: &impl Writer,
    config: &SessionConfig,
    owner: Owner,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    create_from(db, config, owner, Origin { ip, device: None }, now).await
}

/// Where a session is started from: the visitor's address and device.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub ip: Option<&'a str>,
    /// "Chrome on Android" (see [`crate::domain::own_account::device_label`]).
    pub device: Option<&'a str>,
}

/// [`create`] with the device the session starts on, for the person's Account page.
pub async fn create_from(
    db: &impl Writer,
    config: &SessionConfig,
    owner: Owner,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let Origin { ip, device } = origin;
    let token = new_token();
    let (staff, portal) = match owner {
        Owner::Staff(id) => (Some(id), None),
        Owner::Portal(id) => (None, Some(id)),
    };
    let _turn = db.single_write().await;
    session::ActiveModel {
        id: Set(digest(&token)),
        staff_user_id: Set(staff),
        portal_account_id: Set(portal),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + to_chrono(config.absolute_timeout)),
        ip: Set(ip.map(str::to_owned)),
        device: Set(device.map(str::to_owned)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Whose a live session is, with their row, read in the same query as the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    Staff(staff_user::Model),
    Portal(portal_account::Model),
}

impl Holder {
    /// The session owner this row belongs to.
    pub fn owner(&self) -> Owner {
        match self {
            Holder::Staff(s) => Owner::Staff(s.id),
            Holder::Portal(p) => Owner::Portal(p.id),
        }
    }
}

/// Who holds the live session behind `token`, read with the session in one query; its idle
/// timer is refreshed at most once a minute, so that reading pages does not write each time.
/// Expired sessions, and sessions whose account is gone or deactivated, are deleted and yield
/// `None`.
pub async fn resolve(
    db: &impl Writer,
    config: &SessionConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Holder>, AppError> {
    resolve_as(db, config, token, now, Activity::Person).await
}

/// Who is behind a request: a person's own (a page, a click), which keeps the session alive, or
/// the machine's (the live-update stream), which must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Person,
    Machine,
}

/// [`resolve`] for a request of `activity`: only a person's own requests move the idle timer.
pub async fn resolve_as(
    db: &impl Writer,
    config: &SessionConfig,
    token: &str,
    now: DateTime<Utc>,
    activity: Activity,
) -> Result<Option<Holder>, AppError> {
    let Some((row, staff, account)) = session::Entity::find_by_id(digest(token))
        .find_also_related(staff_user::Entity)
        .find_also_related(portal_account::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let idle_end = row.last_seen_at + to_chrono(config.idle_timeout);
    let holder = match (staff, account) {
        // A deactivated staff member's sessions end (deactivation deletes them too; this
        // covers a session made in the same instant).
        (Some(staff), _) if staff.is_active() => Some(Holder::Staff(staff)),
        (Some(_), _) => None,
        (None, Some(account)) => Some(Holder::Portal(account)),
        (None, None) => None,
    };
    let Some(holder) = holder.filter(|_| now < row.expires_at && now < idle_end) else {
        let _turn = db.single_write().await;
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    };
    // Under a short idle timeout (tests), the timer moves more often than once a minute.
    let every = TOUCH_EVERY_SECONDS.min(config.idle_timeout.as_secs() as i64 / 10);
    if activity == Activity::Person && (now - row.last_seen_at).num_seconds() >= every {
        let _turn = db.single_write().await;
        let mut active: session::ActiveModel = row.into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some(holder))
}

/// How long the session behind `token` has left before it ends (idle or absolute), read
/// without moving its timer; `None` when it has ended.
pub async fn time_left(
    db: &impl ConnectionTrait,
    config: &SessionConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<std::time::Duration>, AppError> {
    let row = session::Entity::find_by_id(digest(token)).one(db).await?;
    Ok(row.and_then(|row| {
        let end = (row.last_seen_at + to_chrono(config.idle_timeout)).min(row.expires_at);
        (end - now).to_std().ok()
    }))
}

/// Moves the idle timer of the session behind `token` to `now` (the person asked to stay
/// signed in).
pub async fn renew(db: &impl Writer, token: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let _turn = db.single_write().await;
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::Id.eq(digest(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends the session behind `token` (sign-out).
pub async fn end(db: &impl Writer, token: &str) -> Result<(), AppError> {
    let _turn = db.single_write().await;
    session::Entity::delete_many()
        .filter(session::Column::Id.eq(digest(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Housekeeping: deletes the sessions that ended at `now` (idle too long, or past their absolute
/// end), which nobody can use any more. Returns how many.
pub async fn prune(
    db: &impl ConnectionTrait,
    config: &SessionConfig,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - to_chrono(config.idle_timeout))),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// The live sessions of `owner`, most recently used first.
pub async fn of_owner(
    db: &impl ConnectionTrait,
    config: &SessionConfig,
    owner: Owner,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, AppError> {
    use sea_orm::QueryOrder;
    let rows = session::Entity::find()
        .filter(owner_column(owner))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| crate::server::store::sessions::alive(row, config.idle_timeout, now))
        .collect())
}

/// The public name of a session row: a prefix of its digest, enough to tell a person's
/// sessions apart, and never the token itself.
pub fn handle(row: &session::Model) -> String {
    row.id.chars().take(16).collect()
}

/// Whether `row` is the session behind `token`.
pub fn is_token_of(row: &session::Model, token: &str) -> bool {
    row.id == digest(token)
}

/// Ends the session of `owner` named `handle`; false when there is none.
pub async fn end_by_handle(db: &impl Writer, owner: Owner, handle: &str) -> Result<bool, AppError> {
    if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let _turn = db.single_write().await;
    let ended = session::Entity::delete_many()
        .filter(owner_column(owner))
        .filter(session::Column::Id.starts_with(handle))
        .exec(db)
        .await?
        .rows_affected;
    Ok(ended > 0)
}

/// Ends every session of `owner` but the one behind `keep` (after a password change).
pub async fn end_others(db: &impl Writer, owner: Owner, keep: &str) -> Result<u64, AppError> {
    let _turn = db.single_write().await;
    Ok(session::Entity::delete_many()
        .filter(owner_column(owner))
        .filter(session::Column::Id.ne(digest(keep)))
        .exec(db)
        .await?
        .rows_affected)
}

fn owner_column(owner: Owner) -> sea_orm::Condition {
    let column = match owner {
        Owner::Staff(id) => session::Column::StaffUserId.eq(id),
        Owner::Portal(id) => session::Column::PortalAccountId.eq(id),
    };
    sea_orm::Condition::all().add(column)
}

/// Ends every session of `owner` (after a password change).
pub async fn end_all(db: &impl Writer, owner: Owner) -> Result<u64, AppError> {
    let column = match owner {
        Owner::Staff(id) => session::Column::StaffUserId.eq(id),
        Owner::Portal(id) => session::Column::PortalAccountId.eq(id),
    };
    let _turn = db.single_write().await;
    Ok(session::Entity::delete_many()
        .filter(column)
        .exec(db)
        .await?
        .rows_affected)
}

/// The `Set-Cookie` value that stores `token`.
pub fn cookie(token: &str, config: &SessionConfig) -> String {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    let max_age = config.absolute_timeout.as_secs();
    let name = cookie_name(config);
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(config: &SessionConfig) -> String {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    let name = cookie_name(config);
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session token in a `Cookie` request header, if any, under the name `config` uses.
pub fn token_from_cookie_header<'a>(header: &'a str, config: &SessionConfig) -> Option<&'a str> {
    cookie_value(header, cookie_name(config))
}

/// The non-empty value of the cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

fn to_chrono(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::hours(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags() {
        let config = SessionConfig::default();
        let c = cookie("abc", &config);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        let secure = SessionConfig {
            secure_cookie: true,
            ..config
        };
        let c = cookie("abc", &secure);
        assert!(c.starts_with("__Host-cp_session=abc; Path=/;") && c.ends_with("; Secure"));
        assert!(!c.contains("Domain"));
        assert!(clear_cookie(&secure).starts_with("__Host-cp_session=;"));
        // Over https a plain-named cookie (planted by a sibling site, say) is not read.
        assert_eq!(
            token_from_cookie_header("cp_session=planted", &secure),
            None
        );
        assert_eq!(
            token_from_cookie_header("cp_session=planted; __Host-cp_session=mine", &secure),
            Some("mine")
        );
    }

    #[test]
    fn token_is_read_from_among_other_cookies() {
        let config = SessionConfig::default();
        assert_eq!(
            token_from_cookie_header("a=1; cp_session=xyz; b=2", &config),
            Some("xyz")
        );
        assert_eq!(token_from_cookie_header("cp_session=", &config), None);
        assert_eq!(token_from_cookie_header("other=1", &config), None);
    }
}

/// What a right password (or a used link) leads to: a session, or first the second step of a
/// staff member with two-step sign-in (its challenge token).
#[derive(Debug, Clone)]
pub enum SignInResult {
    Done(SignedIn),
    SecondStep(String),
}

/// A successful sign-in: the new session token and where to go.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub home: String,
    /// The token of the known device this sign-in made of the browser, for its cookie.
    pub new_device: Option<String>,
}
