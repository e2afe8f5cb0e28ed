//! Live updates across server processes. The services publish a row to `live_events` for every
//! change that open pages should learn about: a client's conversation (a message, a read) or a
//! staff member's calendar requests (a request, an answer, a cancellation). Each process runs
//! one poller that reads the new rows every half second and broadcasts them to this process's
//! open event streams. Nothing is shared in memory between processes: each learns every change
//! from the database, PostgreSQL or SQLite alike. Each poll also reads the last 3 seconds again,
//! because ids are handed out before commit and a row may become visible after a newer one.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::broadcast;

use crate::server::store::entities::live_event;

/// How often the poller asks the database for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
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

/// This process's hub; the poller starts with the first subscriber.
#[derive(Clone, Default)]
pub struct LiveHub {
    sender: Arc<OnceLock<broadcast::Sender<Changed>>>,
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveHub")
    }
}

impl LiveHub {
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
    loop {
        tokio::time::sleep(POLL_INTERVAL).await;
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
