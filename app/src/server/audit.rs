//! The append-only audit log: who did what to which object, old and new value, when (UTC) and from where.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, NotSet, Set};

use super::entities::audit_log;
use crate::error::AppError;

/// One audit entry to write.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub organization_id: Option<i32>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object: &'a str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub ip: Option<&'a str>,
}

/// Appends `entry` to the log. Rows are only ever inserted, never updated or deleted.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<(), AppError> {
    audit_log::ActiveModel {
        id: NotSet,
        organization_id: Set(entry.organization_id),
        actor: Set(entry.actor.to_owned()),
        action: Set(entry.action.to_owned()),
        object: Set(entry.object.to_owned()),
        old_value: Set(entry.old_value),
        new_value: Set(entry.new_value),
        at: Set(Utc::now()),
        ip: Set(entry.ip.map(str::to_owned)),
    }
    .insert(db)
    .await?;
    Ok(())
}
