//! Sign-in rate limits per account (email) and per IP, kept in the database so that every
//! server process sees the same counts. Limits are windows, never a permanent lock-out.
//!
//! An attempt is counted before its password is checked ([`reserve`]), in a transaction that
//! holds the account's and the address's turn (PostgreSQL advisory locks; SQLite has one
//! writer at a time), so a burst of parallel guesses cannot all pass the check before any of
//! them is recorded: at most [`MAX_FAILURES_PER_ACCOUNT`] passwords are ever checked per window.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::error::AppError;
use crate::server::store::entities::sign_in_attempt::{self, Column};
use crate::server::store::txn::{self, Writer};

/// The window over which failures are counted.
pub const WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins allowed per email within the window.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
/// Failed sign-ins allowed per IP within the window (a shared office may have several users).
pub const MAX_FAILURES_PER_IP: u64 = 30;

/// Refuses with [`AppError::RateLimited`] while `email` or `ip` has too many recent failures.
pub async fn check(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (column, value, max) in [
        (Column::Email, email, MAX_FAILURES_PER_ACCOUNT),
        (Column::Ip, ip, MAX_FAILURES_PER_IP),
    ] {
        let since = now - Duration::minutes(WINDOW_MINUTES);
        let recent = sign_in_attempt::Entity::find()
            .filter(column.eq(value))
            .filter(Column::Succeeded.eq(false))
            .filter(Column::At.gt(since));
        if recent.clone().count(db).await? < max {
            continue;
        }
        // The limit lifts when enough of the failures have aged out of the window.
        let oldest_counted = recent
            .order_by_desc(Column::At)
            .offset(max - 1)
            .one(db)
            .await?
            .map(|a| a.at)
            .unwrap_or(now);
        let wait = oldest_counted + Duration::minutes(WINDOW_MINUTES) - now;
        let minutes = (wait.num_seconds().max(1) + 59) / 60;
        return Err(AppError::RateLimited {
            minutes: minutes as u32,
        });
    }
    Ok(())
}

/// Counts one attempt of `email` from `ip` as failed before its password is checked, or refuses
/// with [`AppError::RateLimited`]: the check and the count are one transaction, which waits
/// for any other attempt on the same account or address to be counted first.
pub async fn reserve(
    db: &DatabaseConnection,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Reserved, AppError> {
    let txn = txn::begin(db).await?;
    // Always the account first, then the address: no two attempts wait on each other.
    txn::serialize_on(&txn, &format!("sign-in email {email}")).await?;
    txn::serialize_on(&txn, &format!("sign-in ip {ip}")).await?;
    check(&*txn, email, ip, now).await?;
    let row = sign_in_attempt::ActiveModel {
        id: NotSet,
        email: Set(email.to_owned()),
        ip: Set(ip.to_owned()),
        succeeded: Set(false),
        at: Set(now),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(Reserved(row.id))
}

/// An attempt counted by [`reserve`], whose password is not checked yet.
#[derive(Debug)]
pub struct Reserved(i32);

/// Uncounts an attempt whose password was never checked (the server was too busy to hash it).
pub async fn release(db: &impl Writer, attempt: Reserved) -> Result<(), AppError> {
    let _turn = db.single_write().await;
    sign_in_attempt::Entity::delete_by_id(attempt.0)
        .exec(db)
        .await?;
    Ok(())
}

/// After the password matched: the account's failures (the reserved attempt among them) are
/// cleared, and the success is recorded. A failed attempt was already counted by [`reserve`].
pub async fn succeeded(
    db: &impl Writer,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let _turn = db.single_write().await;
    sign_in_attempt::Entity::delete_many()
        .filter(Column::Email.eq(email))
        .exec(db)
        .await?;
    sign_in_attempt::ActiveModel {
        id: NotSet,
        email: Set(email.to_owned()),
        ip: Set(ip.to_owned()),
        succeeded: Set(true),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Housekeeping: deletes the attempts that have left every window at `now`. Returns how many.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(sign_in_attempt::Entity::delete_many()
        .filter(Column::At.lte(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?
        .rows_affected)
}
