//! Background emails that nobody waits on (the "new secure message" notices): when the mail
//! server refuses one or cannot be reached, it is kept in `mail_retries` and tried again after
//! growing waits, by whichever server process gets to it first, until it goes out or
//! [`MAX_ATTEMPTS`] have failed. Emails that a person waits on (invitations, password resets)
//! still fail at once with a clear error, so that they can be sent again by hand. Emails decided
//! inside a transaction (appointment reminders) are [`queue`]d here and sent by the same pass.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{Email, Mailer};
use crate::error::AppError;
use crate::server::store::entities::mail_retry;

/// Emails read at a time.
const BATCH: u64 = 100;

/// Attempts in all (the first one included) before an email is given up.
pub const MAX_ATTEMPTS: i32 = 6;

/// The wait after the `failures`-th failed attempt: 1, 5, 15, 60, then 180 minutes.
pub fn retry_delay(failures: i32) -> Duration {
    Duration::minutes(match failures {
        ..=1 => 1,
        2 => 5,
        3 => 15,
        4 => 60,
        _ => 180,
    })
}

/// Sends `email`; if the mail server refuses it or cannot be reached, keeps it to be tried
/// again (see [`retry_due`]) instead of failing.
pub async fn send_or_retry_later(
    mailer: &Mailer,
    db: &impl ConnectionTrait,
    email: Email,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match mailer.send(db, email.clone()).await {
        Err(AppError::EmailFailed) => {
            keep(db, email, 1, now + retry_delay(1), now).await?;
            tracing::warn!("an email could not be sent; it will be tried again");
            Ok(())
        }
        other => other,
    }
}

/// Queues `email` to be sent by the next pass of [`retry_due`] (within a minute), with its
/// retries: for emails decided inside a transaction (a reminder and its claim), so that the
/// decision and the email commit together and a crash loses neither.
pub async fn queue(
    db: &impl ConnectionTrait,
    email: Email,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    keep(db, email, 0, now, now).await
}

/// Stores `email` in `mail_retries` with `attempts` made so far and the next one at `next`.
async fn keep(
    db: &impl ConnectionTrait,
    email: Email,
    attempts: i32,
    next: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    mail_retry::ActiveModel {
        id: NotSet,
        organization_id: Set(email.organization_id),
        recipient: Set(email.to),
        subject: Set(email.subject),
        body: Set(email.body),
        attachment_name: Set(email.attachment.as_ref().map(|a| a.name.clone())),
        attachment: Set(email.attachment.map(|a| a.content)),
        attempts: Set(attempts),
        next_attempt_at: Set(next),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tries the kept emails that are due at `now` again; returns how many went out.
pub async fn retry_due(
    mailer: &Mailer,
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut sent = 0;
    // In batches until none is due: a claimed or failed email is no longer due, so this ends.
    loop {
        let due = mail_retry::Entity::find()
            .filter(mail_retry::Column::NextAttemptAt.lte(now))
            .order_by_asc(mail_retry::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let last_batch = (due.len() as u64) < BATCH;
        sent += send_batch(mailer, db, due, now).await?;
        if last_batch {
            return Ok(sent);
        }
    }
}

/// Claims and sends `due`; returns how many went out.
async fn send_batch(
    mailer: &Mailer,
    db: &impl ConnectionTrait,
    due: Vec<mail_retry::Model>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for row in due {
        // The claim: counting this attempt and setting the next one, if no other process did.
        let failures = row.attempts + 1;
        let claimed = mail_retry::Entity::update_many()
            .col_expr(mail_retry::Column::Attempts, Expr::value(failures))
            .col_expr(
                mail_retry::Column::NextAttemptAt,
                Expr::value(now + retry_delay(failures)),
            )
            .filter(mail_retry::Column::Id.eq(row.id))
            .filter(mail_retry::Column::Attempts.eq(row.attempts))
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let email = Email {
            organization_id: row.organization_id,
            to: row.recipient,
            subject: row.subject,
            body: row.body,
            attachment: row
                .attachment_name
                .zip(row.attachment)
                .map(|(name, content)| super::Attachment { name, content }),
        };
        match mailer.send(db, email).await {
            Ok(()) => {
                sent += 1;
                mail_retry::Entity::delete_by_id(row.id).exec(db).await?;
            }
            Err(_) if failures >= MAX_ATTEMPTS => {
                tracing::error!(
                    attempts = failures,
                    "an email could not be sent and is given up"
                );
                mail_retry::Entity::delete_by_id(row.id).exec(db).await?;
            }
            // Counted and scheduled by the claim.
            Err(_) => {}
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        let minutes: Vec<i64> = (1..=7).map(|n| retry_delay(n).num_minutes()).collect();
        assert_eq!(minutes, vec![1, 5, 15, 60, 180, 180, 180]);
    }
}
