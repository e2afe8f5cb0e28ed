//! Session rows read in bulk: which of many sessions are still live (for the live streams), by
//! the same rule as a single request's check.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::server::store::entities::session;

/// Neither idle for `idle_timeout` nor past its absolute end at `now`.
pub fn alive(row: &session::Model, idle_timeout: Duration, now: DateTime<Utc>) -> bool {
    let idle = chrono::Duration::from_std(idle_timeout).unwrap_or(chrono::Duration::hours(12));
    now < row.expires_at && now < row.last_seen_at + idle
}

/// Which of the sessions stored under `digests` are still live at `now`: one query per 500
/// sessions, for the live streams a change concerns.
pub async fn live_among(
    db: &impl ConnectionTrait,
    digests: &[String],
    idle_timeout: Duration,
    now: DateTime<Utc>,
) -> Result<HashSet<String>, AppError> {
    let mut live = HashSet::new();
    for chunk in digests.chunks(500) {
        let rows = session::Entity::find()
            .filter(session::Column::Id.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        live.extend(
            rows.into_iter()
                .filter(|row| alive(row, idle_timeout, now))
                .map(|row| row.id),
        );
    }
    Ok(live)
}
