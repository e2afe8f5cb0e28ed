//! Live updates across server processes. Each process runs one poller that reads new rows of
//! `message_events` (appended on every message and read) every half second and broadcasts the
//! changed conversations to this process's open event streams. Nothing is shared in memory
//! between processes: each learns every change from the database, PostgreSQL or SQLite alike.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::broadcast;

use super::entities::message_event;

/// How often the poller asks the database for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Conversations (client ids) that changed since the last tick.
pub type Changed = Arc<Vec<i32>>;

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
    message_event::Entity::find()
        .order_by_desc(message_event::Column::Id)
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
    loop {
        tokio::time::sleep(POLL_INTERVAL).await;
        let rows = match message_event::Entity::find()
            .filter(message_event::Column::Id.gt(last))
            .order_by_asc(message_event::Column::Id)
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
        let Some(newest) = rows.last().map(|r| r.id) else {
            continue;
        };
        last = newest;
        let mut changed: Vec<i32> = rows.into_iter().map(|r| r.client_id).collect();
        changed.sort_unstable();
        changed.dedup();
        // No listener in this process right now is fine: nobody to tell.
        let _ = sender.send(Arc::new(changed));
    }
}
