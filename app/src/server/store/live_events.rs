//! The `live_events` rows that tell every server process what changed: written in the
//! transaction of the change (or just after it), read by [`crate::server::live`]'s poller, and
//! pruned after an hour.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, NotSet,
    QueryFilter, Set,
};

use crate::server::store::entities::live_event;
use crate::server::store::write_queue::Writer;

/// The PostgreSQL channel that wakes every process's listener when a row is written.
pub const CHANNEL: &str = "cp_live_events";

/// Something open pages watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A client's conversation (its messages and read receipts), by client id.
    Conversation(i32),
    /// A staff member's calendar requests (the calendar icon's badge), by staff id.
    Calendar(i32),
}

impl Topic {
    pub fn key(self) -> (&'static str, i32) {
        match self {
            Topic::Conversation(client) => ("conversation", client),
            Topic::Calendar(staff) => ("calendar", staff),
        }
    }
}

/// Tells every server process that `topic` changed.
pub async fn publish(db: &impl Writer, topic: Topic, now: DateTime<Utc>) -> Result<(), DbErr> {
    let (name, subject) = topic.key();
    let _turn = db.single_write().await;
    live_event::ActiveModel {
        id: NotSet,
        topic: Set(name.to_owned()),
        subject_id: Set(subject),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Wakes every process's listener, at commit when inside a transaction.
        db.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

/// [`publish`] after the change itself is stored: a failure is logged, not returned, because
/// the change stands and open pages show it on their next load anyway.
pub async fn announce(db: &impl Writer, topic: Topic, now: DateTime<Utc>) {
    if let Err(e) = publish(db, topic, now).await {
        tracing::warn!(error = %e, ?topic, "live updates: a change could not be announced");
    }
}

/// Forgets changes older than an hour (every open page has long since heard of them).
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    live_event::Entity::delete_many()
        .filter(live_event::Column::CreatedAt.lt(now - chrono::Duration::hours(1)))
        .exec(db)
        .await?;
    Ok(())
}
