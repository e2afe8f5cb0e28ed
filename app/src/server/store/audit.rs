//! The append-only audit log: who did what to which object, old and new value, when (UTC) and from where.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DbErr, NotSet, Set};

use super::entities::audit_log;
use super::write_queue::Writer;

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

/// Appends `entry` to the log. Rows are only ever inserted, never updated or deleted.
pub async fn record(db: &impl Writer, entry: Entry) -> Result<(), DbErr> {
    let _turn = db.single_write().await;
    audit_log::ActiveModel {
        id: NotSet,
        organization_id: Set(entry.organization_id),
        actor: Set(entry.actor),
        action: Set(entry.action),
        object: Set(entry.object),
        old_value: Set(entry.old_value),
        new_value: Set(entry.new_value),
        at: Set(Utc::now()),
        ip: Set(entry.ip),
    }
    .insert(db)
    .await?;
    Ok(())
}
