//! Live updates across server processes. The services publish a row to `live_events` for every
//! change that open pages should learn about: a client's conversation (a message, a read) or a
//! staff member's calendar requests (a request, an answer, a cancellation). Each process runs
//! one listener that reads the new rows and answers for all of this process's open streams that
//! they concern at once ([`streams`]). On PostgreSQL the listener wakes on a `NOTIFY` sent with
//! each row (delivered at commit), and polls every 2 seconds besides; on SQLite it polls every
//! half second. Nothing is shared in memory between processes: each learns every change from
//! the database. Each read also covers the last 3 seconds again, because ids are handed out
//! before commit and a row may become visible after a newer one.
//!
//! The hub also caps the open streams: 5 per session and 2,000 per process.

pub mod streams;

pub use streams::{Pending, Watch};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::error::AppError;
use crate::server::store::entities::live_event;
use crate::server::store::live_events::CHANNEL;
use crate::server::SessionConfig;
use streams::Watcher;

/// How often the listener asks SQLite for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How often the listener asks PostgreSQL for changes when no `NOTIFY` woke it.
const PG_FALLBACK_INTERVAL: Duration = Duration::from_secs(2);
/// Open streams allowed per session, and per process.
pub const STREAMS_PER_SESSION: usize = 5;
pub const STREAMS_PER_PROCESS: usize = 2000;
/// How far back each poll reads again, for rows whose transaction committed late.
const LOOKBACK: chrono::Duration = chrono::Duration::seconds(3);

/// What changed since the last tick, each list sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Clients whose conversation changed.
    pub conversations: Vec<i32>,
    /// Staff members whose calendar requests changed.
    pub calendars: Vec<i32>,
}

impl Changes {
    fn of(rows: Vec<live_event::Model>) -> Changes {
        let mut out = Changes::default();
        for row in rows {
            match row.topic.as_str() {
                "conversation" => out.conversations.push(row.subject_id),
                "calendar" => out.calendars.push(row.subject_id),
                _ => {}
            }
        }
        for list in [&mut out.conversations, &mut out.calendars] {
            list.sort_unstable();
            list.dedup();
        }
        out
    }
}

/// This process's open streams, by a number of their own.
type Registry = Arc<Mutex<HashMap<u64, Arc<Watcher>>>>;

/// This process's hub: its open streams, and its listener once started.
#[derive(Clone, Default)]
pub struct LiveHub {
    listening: Arc<OnceLock<()>>,
    streams: Registry,
    next_id: Arc<AtomicU64>,
}

/// An open stream: its place under the caps and in the listener's list, given back when it ends.
pub struct Stream {
    streams: Registry,
    id: u64,
    watcher: Arc<Watcher>,
}

impl Stream {
    /// The next events to send, once a change concerns this stream.
    pub async fn next(&self) -> Pending {
        self.watcher.next().await
    }

    /// What the stream watches from now on (its minute's refresh).
    pub fn rewatch(&self, watch: Watch) {
        self.watcher.rewatch(watch);
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Ok(mut streams) = self.streams.lock() {
            streams.remove(&self.id);
        }
    }
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveHub")
    }
}

impl LiveHub {
    /// Starts this process's listener, once; later calls do nothing.
    pub fn listen(&self, db: &DatabaseConnection, config: &SessionConfig) {
        self.listening.get_or_init(|| {
            tokio::spawn(poll(db.clone(), config.clone(), self.clone()));
        });
    }

    /// Opens a stream for `watch`, or `None` when its session or this process already has as
    /// many as allowed.
    pub fn open(&self, watch: Watch) -> Option<Stream> {
        let mut streams = self.streams.lock().ok()?;
        let mine = streams
            .values()
            .filter(|w| w.session == watch.session)
            .count();
        if mine >= STREAMS_PER_SESSION || streams.len() >= STREAMS_PER_PROCESS {
            return None;
        }
        let watcher = Arc::new(Watcher::new(watch));
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        streams.insert(id, watcher.clone());
        Some(Stream {
            streams: self.streams.clone(),
            id,
            watcher,
        })
    }

    /// Tells this process's open streams what `changes` mean for them (the listener's work
    /// after each read): the same few queries however many streams are open.
    pub async fn deliver(
        &self,
        db: &impl ConnectionTrait,
        config: &SessionConfig,
        changes: &Changes,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let watchers: Vec<Arc<Watcher>> = match self.streams.lock() {
            Ok(streams) => streams.values().cloned().collect(),
            Err(_) => return Err(AppError::internal("the live streams' lock is poisoned")),
        };
        streams::deliver(db, config, &watchers, changes, now).await
    }
}

async fn latest(db: &DatabaseConnection) -> Option<i64> {
    live_event::Entity::find()
        .order_by_desc(live_event::Column::Id)
        .one(db)
        .await
        .ok()
        .map(|row| row.map(|r| r.id).unwrap_or(0))
}

async fn poll(db: DatabaseConnection, config: SessionConfig, hub: LiveHub) {
    let mut last = loop {
        match latest(&db).await {
            Some(id) => break id,
            None => tokio::time::sleep(POLL_INTERVAL).await,
        }
    };
    // Rows already broadcast, by id, while they are young enough to be read again.
    let mut seen: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut wake = Wakeup::new(&db).await;
    loop {
        wake.wait().await;
        // Ids are handed out before commit: a row committed late may have an id below `last`.
        // Reading the last few seconds again catches it.
        let since = Utc::now() - LOOKBACK;
        let rows = match live_event::Entity::find()
            .filter(
                Condition::any()
                    .add(live_event::Column::Id.gt(last))
                    .add(live_event::Column::CreatedAt.gte(since)),
            )
            .order_by_asc(live_event::Column::Id)
            .limit(1000)
            .all(&db)
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "live updates: polling failed");
                continue;
            }
        };
        if let Some(newest) = rows.iter().map(|r| r.id).max() {
            last = last.max(newest);
        }
        let fresh: Vec<_> = rows
            .into_iter()
            .filter(|r| seen.insert(r.id, r.created_at).is_none())
            .collect();
        seen.retain(|_, at| *at >= since - LOOKBACK);
        if fresh.is_empty() {
            continue;
        }
        let changes = Changes::of(fresh);
        if let Err(e) = hub.deliver(&db, &config, &changes, Utc::now()).await {
            tracing::warn!(error = %e, "live updates: delivery failed");
        }
    }
}

/// What wakes the listener: a `NOTIFY` on PostgreSQL (or its fallback interval), the poll
/// interval on SQLite.
enum Wakeup {
    Notified(Box<PgListener>),
    Interval(Duration),
}

impl Wakeup {
    async fn new(db: &DatabaseConnection) -> Wakeup {
        if db.get_database_backend() != DbBackend::Postgres {
            return Wakeup::Interval(POLL_INTERVAL);
        }
        // A pool of its own, with the same settings: the listener keeps its connection for the
        // life of the process, which must not take one from the request pool (nor keep that
        // pool from closing).
        let options = (*db.get_postgres_connection_pool().connect_options()).clone();
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        let listener = async {
            let mut listener = PgListener::connect_with(&own).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        match listener.await {
            Ok(listener) => Wakeup::Notified(Box::new(listener)),
            Err(e) => {
                tracing::warn!(error = %e, "live updates: LISTEN failed, polling instead");
                Wakeup::Interval(POLL_INTERVAL)
            }
        }
    }

    async fn wait(&mut self) {
        match self {
            Wakeup::Interval(every) => tokio::time::sleep(*every).await,
            Wakeup::Notified(listener) => {
                tokio::select! {
                    received = listener.recv() => {
                        if let Err(e) = received {
                            // The listener reconnects on its next call; meanwhile, poll.
                            tracing::warn!(error = %e, "live updates: LISTEN connection lost");
                            tokio::time::sleep(POLL_INTERVAL).await;
                        }
                    }
                    _ = tokio::time::sleep(PG_FALLBACK_INTERVAL) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, topic: &str, subject_id: i32) -> live_event::Model {
        live_event::Model {
            id,
            topic: topic.into(),
            subject_id,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn changes_are_sorted_by_topic_without_repeats() {
        let changes = Changes::of(vec![
            row(1, "conversation", 7),
            row(2, "calendar", 3),
            row(3, "conversation", 2),
            row(4, "conversation", 7),
            row(5, "unknown", 9),
        ]);
        assert_eq!(changes.conversations, vec![2, 7]);
        assert_eq!(changes.calendars, vec![3]);
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;
    use crate::domain::messages::UnreadCounts;

    fn watch(session: &str) -> Watch {
        Watch {
            session: session.into(),
            reader: "portal:1".into(),
            conversations: vec![],
            calendar: None,
            unread: UnreadCounts::default(),
        }
    }

    #[test]
    fn a_session_gets_five_streams_and_gets_them_back_when_they_close() {
        let hub = LiveHub::default();
        let streams: Vec<_> = (0..STREAMS_PER_SESSION)
            .map(|_| hub.open(watch("a")).expect("within the cap"))
            .collect();
        assert!(
            hub.open(watch("a")).is_none(),
            "a sixth stream of one session"
        );
        assert!(
            hub.open(watch("b")).is_some(),
            "another session is not affected"
        );
        drop(streams);
        assert!(hub.open(watch("a")).is_some());
    }
}
