//! This process's open live streams as the listener sees them: what each one watches and what it
//! has yet to send. After each change the listener answers for all the streams it concerns at
//! once ([`deliver`]): one query for their sessions, one for their unread counts and one for
//! their calendar icons, however many streams are open. A stream's events wait in its
//! [`Pending`], merged, until the stream sends them, so a slow reader costs no memory growth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use tokio::sync::Notify;

use super::Changes;
use crate::domain::messages::UnreadCounts;
use crate::error::AppError;
use crate::server::store::{bookings, messages, sessions};
use crate::server::SessionConfig;

/// What an open stream watches, worked out when it opens and again every minute.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The digest of its session's token.
    pub session: String,
    /// The reader key of the person (`staff:3`, `portal:7`).
    pub reader: String,
    /// The clients whose conversation the person takes part in.
    pub conversations: Vec<i32>,
    /// For staff, whose calendar icon it shows.
    pub calendar: Option<i32>,
    /// The unread counts as last sent.
    pub unread: UnreadCounts,
}

/// What a stream has yet to send: the latest counts, and every conversation that changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The session has ended: the stream closes.
    pub ended: bool,
    pub unread: Option<UnreadCounts>,
    pub conversations: BTreeSet<i32>,
    pub calendar: Option<u64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        *self == Pending::default()
    }
}

/// One open stream, shared by its handler and the listener.
#[derive(Debug)]
pub(super) struct Watcher {
    pub(super) session: String,
    state: Mutex<(Watch, Pending)>,
    wake: Notify,
}

impl Watcher {
    pub(super) fn new(watch: Watch) -> Watcher {
        Watcher {
            session: watch.session.clone(),
            state: Mutex::new((watch, Pending::default())),
            wake: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, (Watch, Pending)> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the stream watches from now on (after its minute's refresh).
    pub(super) fn rewatch(&self, watch: Watch) {
        self.state().0 = watch;
    }

    /// The next events to send, once there are some.
    pub(super) async fn next(&self) -> Pending {
        loop {
            let pending = std::mem::take(&mut self.state().1);
            if !pending.is_empty() {
                return pending;
            }
            // `notify_one` keeps a permit when nobody waits, so no wake-up is lost here.
            self.wake.notified().await;
        }
    }

    /// The conversations and calendar among `changes` that this stream watches. No query.
    fn concerned(&self, changes: &Changes) -> Option<(String, Vec<i32>, Option<i32>)> {
        let state = self.state();
        let watch = &state.0;
        let conversations: Vec<i32> = changes
            .conversations
            .iter()
            .copied()
            .filter(|id| watch.conversations.contains(id))
            .collect();
        let calendar = watch.calendar.filter(|id| changes.calendars.contains(id));
        (!conversations.is_empty() || calendar.is_some())
            .then(|| (watch.reader.clone(), conversations, calendar))
    }
}

/// The counts of `unread` with those of `changed` replaced by `fresh` (`reader`'s new counts).
fn patched(
    unread: &UnreadCounts,
    reader: &str,
    changed: &[i32],
    fresh: &HashMap<(String, i32), u32>,
) -> UnreadCounts {
    let mut by_client: Vec<(i32, u32)> = unread
        .by_client
        .iter()
        .copied()
        .filter(|(client, _)| !changed.contains(client))
        .collect();
    by_client.extend(changed.iter().filter_map(|&client| {
        fresh
            .get(&(reader.to_owned(), client))
            .map(|&n| (client, n))
    }));
    by_client.sort_unstable();
    UnreadCounts {
        total: by_client
            .iter()
            .fold(0u32, |t, (_, n)| t.saturating_add(*n)),
        by_client,
    }
}

/// Tells every open stream that `changes` concern what it has to send: a fixed number of
/// queries, whatever the number of streams (the sessions, the unread counts, the calendars).
pub(super) async fn deliver(
    db: &impl ConnectionTrait,
    config: &SessionConfig,
    watchers: &[Arc<Watcher>],
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let concerned: Vec<_> = watchers
        .iter()
        .filter_map(|w| w.concerned(changes).map(|c| (w, c)))
        .collect();
    if concerned.is_empty() {
        return Ok(());
    }
    let sessions: BTreeSet<String> = concerned.iter().map(|(w, _)| w.session.clone()).collect();
    let sessions: Vec<String> = sessions.into_iter().collect();
    let live = sessions::live_among(db, &sessions, config.idle_timeout, now).await?;
    let mut readers: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
    let mut calendars = BTreeSet::new();
    for (w, (reader, conversations, calendar)) in &concerned {
        if live.contains(&w.session) {
            if !conversations.is_empty() {
                readers
                    .entry(reader.clone())
                    .or_default()
                    .extend(conversations);
            }
            calendars.extend(calendar);
        }
    }
    let readers: Vec<(String, Vec<i32>)> = readers
        .into_iter()
        .map(|(reader, clients)| (reader, clients.into_iter().collect()))
        .collect();
    let unread = messages::unread_of(db, &readers).await?;
    let calendars: Vec<i32> = calendars.into_iter().collect();
    let badges = bookings::badges(db, &calendars, now).await?;
    for (w, (reader, conversations, calendar)) in concerned {
        {
            let mut state = w.state();
            let (watch, pending) = &mut *state;
            if !live.contains(&w.session) {
                pending.ended = true;
            } else {
                if !conversations.is_empty() {
                    watch.unread = patched(&watch.unread, &reader, &conversations, &unread);
                    pending.unread = Some(watch.unread.clone());
                    pending.conversations.extend(conversations);
                }
                if let Some(staff) = calendar {
                    pending.calendar = Some(badges.get(&staff).copied().unwrap_or(0));
                }
            }
        }
        w.wake.notify_one();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watcher(conversations: Vec<i32>, calendar: Option<i32>) -> Watcher {
        Watcher::new(Watch {
            session: "s".into(),
            reader: "portal:1".into(),
            conversations,
            calendar,
            unread: UnreadCounts {
                total: 5,
                by_client: vec![(1, 2), (2, 3)],
            },
        })
    }

    #[test]
    fn a_stream_is_concerned_only_by_what_it_watches() {
        let changes = Changes {
            conversations: vec![2, 9],
            calendars: vec![4],
        };
        let w = watcher(vec![1, 2], None);
        assert_eq!(
            w.concerned(&changes),
            Some(("portal:1".into(), vec![2], None))
        );
        assert_eq!(watcher(vec![1], None).concerned(&changes), None);
        assert_eq!(
            watcher(vec![], Some(4)).concerned(&changes),
            Some(("portal:1".into(), vec![], Some(4)))
        );
        assert_eq!(watcher(vec![], Some(5)).concerned(&changes), None);
    }

    #[test]
    fn only_the_changed_conversations_counts_are_replaced() {
        let unread = UnreadCounts {
            total: 5,
            by_client: vec![(1, 2), (2, 3)],
        };
        let fresh = HashMap::from([(("portal:1".to_string(), 3), 4)]);
        // Client 2 was read (no entry now), client 3 has 4 new messages, client 1 is untouched.
        let counts = patched(&unread, "portal:1", &[2, 3], &fresh);
        assert_eq!(counts.by_client, vec![(1, 2), (3, 4)]);
        assert_eq!(counts.total, 6);
        // Another reader's counts are not this one's.
        let counts = patched(&unread, "staff:1", &[3], &fresh);
        assert_eq!(counts.by_client, vec![(1, 2), (2, 3)]);
    }

    #[tokio::test]
    async fn pending_events_merge_until_the_stream_takes_them() {
        let w = watcher(vec![1, 2], None);
        {
            let mut state = w.state();
            state.1.conversations.insert(1);
            state.1.conversations.insert(2);
            state.1.calendar = Some(3);
        }
        w.wake.notify_one();
        let first = w.next().await;
        assert_eq!(first.conversations, BTreeSet::from([1, 2]));
        assert_eq!(first.calendar, Some(3));
        // Taken: nothing is sent twice; the next call waits for a new change.
        let again = tokio::time::timeout(std::time::Duration::from_millis(50), w.next()).await;
        assert!(again.is_err(), "nothing new to send");
    }
}
