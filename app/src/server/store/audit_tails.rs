//! The newest hash of each audit chain that this process has committed, per SQLite database: a
//! hint that spares reading the chain's tail inside the writer's turn (see `audit`). It is never
//! trusted. An entry written with it is inserted only if it is still the chain's tail, which the
//! INSERT itself checks. When it is not (another process or a bare transaction wrote), or
//! nothing is remembered (after a restart), the tail is read as before. A hint changes only
//! after its transaction commits. It holds no truth of its own, so several processes on one
//! database stay correct.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{DatabaseConnection, DbBackend};

/// Chains remembered at most; beyond that the hints start again empty (one tail read each).
const MAX_CHAINS: usize = 10_000;

/// Which database a hint belongs to: the address of its pool's connect options, unique while
/// the pool lives (a later pool at the same address only finds hints that fail the check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DbKey(usize);

impl DbKey {
    /// The key of `db`'s pool on SQLite; none on PostgreSQL, where the checked INSERT measured
    /// slower than reading the tail and inserting (README, `bench/settings-toggle`).
    pub fn of(db: &DatabaseConnection) -> Option<DbKey> {
        match db.get_database_backend() {
            DbBackend::Sqlite => Some(DbKey(Arc::as_ptr(
                &db.get_sqlite_connection_pool().connect_options(),
            ) as *const () as usize)),
            _ => None,
        }
    }
}

type Chain = (DbKey, Option<i32>);

static TAILS: LazyLock<Mutex<HashMap<Chain, String>>> = LazyLock::new(Default::default);

/// The hash this process last committed at the end of `organization_id`'s chain in `db`.
pub fn hint(db: Option<DbKey>, organization_id: Option<i32>) -> Option<String> {
    let db = db?;
    TAILS.lock().ok()?.get(&(db, organization_id)).cloned()
}

/// Remembers the chains' new tails once the transaction that appended them has committed.
pub fn committed(db: Option<DbKey>, tails: impl IntoIterator<Item = (Option<i32>, String)>) {
    let (Some(db), Ok(mut map)) = (db, TAILS.lock()) else {
        return;
    };
    if map.len() >= MAX_CHAINS {
        map.clear();
    }
    for (organization_id, hash) in tails {
        map.insert((db, organization_id), hash);
    }
}
