//! The append-only audit log: who did what to which object, old and new value, when (UTC) and
//! from where, each entry chained to the one before it (see `audit_chain`).

use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, NotSet, QueryFilter, QueryOrder, Set, Statement,
};

use super::audit_chain::Content;
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
/// The tail is read and the entry written under the organization's lock (an advisory lock on
/// PostgreSQL, held until the surrounding transaction ends; SQLite writes one at a time), so
/// concurrent entries never fork the chain.
pub async fn record(db: &impl Writer, entry: Entry) -> Result<(), DbErr> {
    let _turn = db.single_write().await;
    match db.append_txn().await? {
        Some(txn) => {
            append(&txn, entry).await?;
            txn.commit().await
        }
        None => append(db, entry).await,
    }
}

/// Reads the tail of `entry`'s chain and appends `entry` after it, inside a transaction.
async fn append(txn: &impl ConnectionTrait, entry: Entry) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let key = format!("audit:{}", entry.organization_id.unwrap_or(0));
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
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
    // Both databases keep microseconds: the hash is over what is stored.
    let at = Utc::now().trunc_subsecs(6);
    let hash = Content {
        organization_id: entry.organization_id,
        actor: &entry.actor,
        action: &entry.action,
        object: &entry.object,
        old_value: entry.old_value.as_deref(),
        new_value: entry.new_value.as_deref(),
        at,
        ip: entry.ip.as_deref(),
    }
    .hash(&prev);
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
        hash: Set(Some(hash)),
    }
    .insert(txn)
    .await?;
    Ok(())
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
