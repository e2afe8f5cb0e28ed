//! The append-only audit log: who did what to which object, old and new value, when (UTC) and
//! from where, each entry chained to the one before it (see `audit_chain`; `audit_tails` spares
//! reading the chain's tail when this process wrote it).

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, NotSet, QueryFilter, QueryOrder, Set, Statement, Value,
};

use super::audit_chain::Content;
use super::audit_tails::{self, DbKey};
use super::entities::audit_log;
use super::write_queue::{immediate_txn, Writer};

/// One audit entry to write.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub organization_id: Option<i32>,
    /// Who acted: a [`Ref`](super::refs::Ref) such as `staff:3`, or `anonymous`.
    pub actor: String,
    pub action: String,
    /// What was acted on: a [`Ref`](super::refs::Ref), an area of one, or a name such as `organization`.
    pub object: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub ip: Option<String>,
}

/// Appends `entry` to the log, chained to the newest entry of its organization (see
/// [`audit_chain`](super::audit_chain)). Rows are only ever inserted, never updated or deleted.
/// The tail is checked (or read) and the entry written under the organization's lock (an
/// advisory lock on PostgreSQL, held until the surrounding transaction ends; SQLite writes one
/// at a time), so concurrent entries never fork the chain.
pub async fn record(db: &impl Writer, entry: Entry) -> Result<(), DbErr> {
    let _turn = db.single_write().await;
    let key = db.db_key();
    match db.append_txn().await? {
        Some(txn) => {
            let tails = append_all(&txn, key, vec![entry]).await?;
            txn.commit().await?;
            audit_tails::committed(key, tails);
            Ok(())
        }
        None => append_all(db, None, vec![entry]).await.map(drop),
    }
}

/// Appends `entries` in order inside `txn`, each after the one before it in its chain, and
/// returns each chain's new tail, for [`audit_tails::committed`] once `txn` has committed.
/// `db` names the database whose remembered tails may spare reading them (see `audit_tails`).
pub async fn append_all(
    txn: &impl ConnectionTrait,
    db: Option<DbKey>,
    entries: Vec<Entry>,
) -> Result<Vec<(Option<i32>, String)>, DbErr> {
    let mut tails: Vec<(Option<i32>, String)> = Vec::new();
    for entry in entries {
        let organization_id = entry.organization_id;
        let known = match tails.iter().rev().find(|(o, _)| *o == organization_id) {
            Some((_, hash)) => Some(hash.clone()),
            None => audit_tails::hint(db, organization_id),
        };
        let hash = append(txn, entry, known).await?;
        tails.retain(|(o, _)| *o != organization_id);
        tails.push((organization_id, hash));
    }
    Ok(tails)
}

/// Appends `entry` after the tail of its chain inside a transaction and returns its hash. With
/// `known`, the tail this process last wrote, one statement inserts the entry only if that is
/// still the tail; otherwise the tail is read first.
async fn append(
    txn: &impl ConnectionTrait,
    entry: Entry,
    known: Option<String>,
) -> Result<String, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let key = format!("audit:{}", entry.organization_id.unwrap_or(0));
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    // Both databases keep microseconds: the hash is over what is stored.
    let at = Utc::now().trunc_subsecs(6);
    if let Some(prev) = known {
        let hash = content(&entry, at).hash(&prev);
        if insert_if_tail(txn, &entry, at, &prev, &hash).await? {
            return Ok(hash);
        }
    }
    let tail = audit_log::Entity::find()
        .filter(match entry.organization_id {
            Some(id) => audit_log::Column::OrganizationId.eq(id),
            None => audit_log::Column::OrganizationId.is_null(),
        })
        .order_by_desc(audit_log::Column::Id)
        .one(txn)
        .await?;
    let prev = tail.and_then(|t| t.hash).unwrap_or_default();
    let hash = content(&entry, at).hash(&prev);
    audit_log::ActiveModel {
        id: NotSet,
        organization_id: Set(entry.organization_id),
        actor: Set(entry.actor),
        action: Set(entry.action),
        object: Set(entry.object),
        old_value: Set(entry.old_value),
        new_value: Set(entry.new_value),
        at: Set(at),
        ip: Set(entry.ip),
        prev_hash: Set(Some(prev)),
        hash: Set(Some(hash.clone())),
    }
    .insert(txn)
    .await?;
    Ok(hash)
}

fn content(entry: &Entry, at: DateTime<Utc>) -> Content<'_> {
    Content {
        organization_id: entry.organization_id,
        actor: &entry.actor,
        action: &entry.action,
        object: &entry.object,
        old_value: entry.old_value.as_deref(),
        new_value: entry.new_value.as_deref(),
        at,
        ip: entry.ip.as_deref(),
    }
}

/// Inserts `entry` after `prev` in one statement, only if `prev` is still its chain's tail (as
/// the tail is read otherwise: "" for no entry or one without a hash). Whether it did.
async fn insert_if_tail(
    txn: &impl ConnectionTrait,
    entry: &Entry,
    at: DateTime<Utc>,
    prev: &str,
    hash: &str,
) -> Result<bool, DbErr> {
    let backend = txn.get_database_backend();
    let mark = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let mut values: Vec<Value> = vec![
        entry.organization_id.into(),
        entry.actor.clone().into(),
        entry.action.clone().into(),
        entry.object.clone().into(),
        entry.old_value.clone().into(),
        entry.new_value.clone().into(),
        at.into(),
        entry.ip.clone().into(),
        prev.into(),
        hash.into(),
    ];
    let row = (1..=values.len()).map(mark).collect::<Vec<_>>().join(", ");
    let chain = match entry.organization_id {
        Some(id) => {
            values.push(id.into());
            format!("organization_id = {}", mark(values.len()))
        }
        None => "organization_id IS NULL".to_owned(),
    };
    values.push(prev.into());
    let sql = format!(
        "INSERT INTO audit_log (organization_id, actor, action, object, old_value, new_value, \
         at, ip, prev_hash, hash) SELECT {row} WHERE COALESCE((SELECT hash FROM audit_log \
         WHERE {chain} ORDER BY id DESC LIMIT 1), '') = {}",
        mark(values.len())
    );
    let done = txn
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Seals the entries written before the chain existed (no hash yet), in id order, each after
/// the entry before it in its organization; run at start-up, after the migrations. Returns how
/// many it sealed. On PostgreSQL the append-only trigger allows exactly this update.
pub async fn seal_legacy(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let unsealed = audit_log::Entity::find()
        .filter(audit_log::Column::Hash.is_null())
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    if unsealed.is_empty() {
        return Ok(0);
    }
    let _turn = db.single_write().await;
    let txn = immediate_txn(db).await?;
    let mut tails: std::collections::HashMap<Option<i32>, String> = Default::default();
    let mut sealed = 0;
    for row in unsealed {
        let prev = match tails.get(&row.organization_id) {
            Some(hash) => hash.clone(),
            None => audit_log::Entity::find()
                .filter(match row.organization_id {
                    Some(id) => audit_log::Column::OrganizationId.eq(id),
                    None => audit_log::Column::OrganizationId.is_null(),
                })
                .filter(audit_log::Column::Id.lt(row.id))
                .order_by_desc(audit_log::Column::Id)
                .one(&txn)
                .await?
                .and_then(|t| t.hash)
                .unwrap_or_default(),
        };
        let hash = Content::of(&row).hash(&prev);
        audit_log::Entity::update_many()
            .col_expr(audit_log::Column::PrevHash, Expr::value(Some(prev)))
            .col_expr(audit_log::Column::Hash, Expr::value(Some(hash.clone())))
            .filter(audit_log::Column::Id.eq(row.id))
            .filter(audit_log::Column::Hash.is_null())
            .exec(&txn)
            .await?;
        tails.insert(row.organization_id, hash);
        sealed += 1;
    }
    txn.commit().await?;
    Ok(sealed)
}
