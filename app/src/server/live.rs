//! Live updates across server processes. The services publish a row to `live_events` for every
//! change that open pages should learn about: a client's conversation (a message, a read) or a
//! staff member's calendar requests (a request, an answer, a cancellation). Each process runs
//! one listener that reads the new rows and broadcasts them to this process's open event
//! streams, which keep only what concerns them. On PostgreSQL the listener wakes on a
//! `NOTIFY` sent with each row (delivered at commit), and polls every 2 seconds besides; on
//! SQLite it polls every half second. Nothing is shared in memory between processes: each
//! learns every change from the database. Each read also covers the last 3 seconds again,
//! because ids are handed out before commit and a row may become visible after a newer one.
//!
//! The hub also caps the open streams: 5 per session and 2,000 per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::broadcast;

use crate::server::store::entities::live_event;
use crate::server::store::live_events::CHANNEL;

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

/// The changes of one tick, shared by this process's streams.
pub type Changed = Arc<Changes>;

/// This process's hub; the listener starts with the first subscriber.
#[derive(Clone, Default)]
pub struct LiveHub {
    sender: Arc<OnceLock<broadcast::Sender<Changed>>>,
    /// Open streams by session (the digest of its token).
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// An open stream's place under the caps, given back when the stream ends.
pub struct StreamSlot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    session: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.open.lock() {
            if let Some(n) = open.get_mut(&self.session) {
                *n -= 1;
                if *n == 0 {
                    open.remove(&self.session);
                }
            }
        }
    }
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveHub")
    }
}

impl LiveHub {
    /// A place for one more stream of `session`, or `None` when the session or this process
    /// already has as many as allowed.
    pub fn open_stream(&self, session: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().ok()?;
        let total: usize = open.values().sum();
        let mine = open.get(session).copied().unwrap_or(0);
        if mine >= STREAMS_PER_SESSION || total >= STREAMS_PER_PROCESS {
            return None;
        }
        open.insert(session.to_owned(), mine + 1);
        Some(StreamSlot {
            open: self.open.clone(),
            session: session.to_owned(),
        })
    }

    /// Changes from now on.
    pub fn subscribe(&self, db: &DatabaseConnection) -> broadcast::Receiver<Changed> {
        self.sender
            .get_or_init(|| {
                let (sender, _) = broadcast::channel(256);
                tokio::spawn(poll(db.clone(), sender.clone()));
                sender
            })
            .subscribe()
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

async fn poll(db: DatabaseConnection, sender: broadcast::Sender<Changed>) {
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
        // No listener in this process right now is fine: nobody to tell.
        let _ = sender.send(Arc::new(Changes::of(fresh)));
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

    #[test]
    fn a_session_gets_five_streams_and_gets_them_back_when_they_close() {
        let hub = LiveHub::default();
        let slots: Vec<_> = (0..STREAMS_PER_SESSION)
            .map(|_| hub.open_stream("a").expect("within the cap"))
            .collect();
        assert!(
            hub.open_stream("a").is_none(),
            "a sixth stream of one session"
        );
        assert!(
            hub.open_stream("b").is_some(),
            "another session is not affected"
        );
        drop(slots);
        assert!(hub.open_stream("a").is_some());
    }
}
