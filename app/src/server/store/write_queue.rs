//! This process's SQLite write queue: one writer turn, first come first served, taken by every
//! write transaction (`txn::begin`) and by every single statement written outside one
//! ([`Writer::single_write`]), so that the process's writes never collide in SQLite's busy
//! handler. On PostgreSQL the turn is empty. It holds no data, so several processes stay correct.

use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, MutexGuard};

use super::audit_tails::DbKey;

static SQLITE_WRITER: Mutex<()> = Mutex::const_new(());
/// The longest a single write waits for the turn before writing anyway (and then waiting in
/// SQLite's busy handler, as it did before the queue).
const SINGLE_WRITE_WAIT: Duration = Duration::from_secs(10);

/// This process's writer turn on SQLite, given back when dropped; empty on PostgreSQL.
pub struct Turn {
    _guard: Option<MutexGuard<'static, ()>>,
}

impl Turn {
    /// No turn: PostgreSQL, or a write inside a transaction that holds it.
    pub fn none() -> Turn {
        Turn { _guard: None }
    }
}

/// The turn of a write transaction, waited for as long as it takes.
pub async fn transaction_turn() -> Turn {
    Turn {
        _guard: Some(SQLITE_WRITER.lock().await),
    }
}

/// Where a single statement can be written: the connection pool, whose writes take the writer
/// turn first, or an open transaction, which holds it already.
pub trait Writer: ConnectionTrait + Sync {
    /// The writer turn for one statement, held until the returned value is dropped.
    fn single_write(&self) -> impl std::future::Future<Output = Turn> + Send;

    /// A transaction for a read-then-append (the audit chain's tail and the new entry): on the
    /// pool a new one ([`immediate_txn`]); inside a transaction `None`, because the surrounding
    /// transaction already makes the read, the append and the change one (a savepoint would
    /// only add two statements to every audited change).
    fn append_txn(
        &self,
    ) -> impl std::future::Future<Output = Result<Option<DatabaseTransaction>, DbErr>> + Send;

    /// The database whose remembered chain tails (`audit_tails`) an append may use: the pool's;
    /// none inside a bare transaction, whose commit the tails would not hear of.
    fn db_key(&self) -> Option<DbKey>;
}

/// A new transaction on the pool that will write: `IMMEDIATE` on SQLite, so it takes the write
/// lock at `BEGIN` instead of failing to upgrade a read later.
pub async fn immediate_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = match db.get_database_backend() {
        DbBackend::Sqlite => TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        },
        _ => TransactionOptions::default(),
    };
    db.begin_with_options(options).await
}

impl Writer for DatabaseConnection {
    async fn single_write(&self) -> Turn {
        if self.get_database_backend() != DbBackend::Sqlite {
            return Turn { _guard: None };
        }
        match tokio::time::timeout(SINGLE_WRITE_WAIT, SQLITE_WRITER.lock()).await {
            Ok(guard) => Turn {
                _guard: Some(guard),
            },
            Err(_) => Turn { _guard: None },
        }
    }

    async fn append_txn(&self) -> Result<Option<DatabaseTransaction>, DbErr> {
        immediate_txn(self).await.map(Some)
    }

    fn db_key(&self) -> Option<DbKey> {
        DbKey::of(self)
    }
}

impl Writer for DatabaseTransaction {
    async fn single_write(&self) -> Turn {
        Turn { _guard: None }
    }

    async fn append_txn(&self) -> Result<Option<DatabaseTransaction>, DbErr> {
        Ok(None)
    }

    fn db_key(&self) -> Option<DbKey> {
        None
    }
}
