//! Write transactions. SQLite allows one writer at a time: concurrent writers that collide back
//! off in SQLite's busy handler, which sleeps from 1 to 100 ms and makes the slowest requests far
//! slower than the rest. On SQLite, write transactions of this process therefore queue
//! (`write_queue`), first come first served, and never collide. PostgreSQL runs them concurrently, unchanged. The
//! queue holds no data: several processes on one PostgreSQL database stay correct.
//!
//! On SQLite a write transaction also starts `IMMEDIATE`: it takes the write lock at `BEGIN`
//! (waiting in the busy handler if another process or a single-statement write holds it), so it
//! never reads first and then fails to upgrade to a writer with "database is locked".
//!
//! Writes of a single statement outside a transaction (a session's last-seen time, an audit entry
//! of a denial, a live event, a read pointer, a sign-in attempt) take the same turn
//! ([`Writer::single_write`], in `write_queue`), so on SQLite every write of this process goes
//! through one queue.
//!
//! A change and its audit entry commit together, through [`WriteTxn::commit_audited`].

use std::ops::Deref;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
};

use super::audit::{self, Entry};
use super::audit_tails::{self, DbKey};
pub use super::write_queue::Writer;
use super::write_queue::{immediate_txn, transaction_turn, Turn};

/// A transaction that may write; on SQLite it holds this process's writer turn until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    /// The database, for the audit chain's remembered tails (`audit_tails`).
    db: Option<DbKey>,
    _turn: Turn,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    /// Commits, then gives the writer turn to the next in line. For a change that is audited
    /// (nearly every change), use [`WriteTxn::commit_audited`].
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Writes the audit entry of the change made in this transaction, then commits both: a
    /// change is never stored without its entry, nor an entry without its change.
    pub async fn commit_audited(self, entry: Entry) -> Result<(), DbErr> {
        self.commit_audited_all(vec![entry]).await
    }

    /// [`WriteTxn::commit_audited`] for a change made of several audited parts (three forms
    /// sent at once; a payer added with the policy that names it).
    pub async fn commit_audited_all(self, entries: Vec<Entry>) -> Result<(), DbErr> {
        let tails = audit::append_all(&self.txn, self.db, entries).await?;
        self.txn.commit().await?;
        audit_tails::committed(self.db, tails);
        Ok(())
    }
}

/// Makes the rest of `txn` wait for any other transaction serialized on the same `key` (a
/// check-then-write that must not race: sign-in attempts per account, pending requests per
/// client). On PostgreSQL an advisory lock held until the transaction ends; SQLite already runs
/// one write transaction at a time. Take several keys in the same order everywhere.
pub async fn serialize_on(txn: &WriteTxn, key: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Whether `err` is a unique index refusing a row (a concurrent duplicate, a replayed key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Starts a write transaction on `db`, waiting for the writer turn on SQLite.
pub async fn begin(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => transaction_turn().await,
        _ => Turn::none(),
    };
    Ok(WriteTxn {
        txn: immediate_txn(db).await?,
        db: DbKey::of(db),
        _turn: turn,
    })
}
