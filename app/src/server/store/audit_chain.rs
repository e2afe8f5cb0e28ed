//! The audit log's hash chain. Each entry stores `prev_hash`, the `hash` of the entry before it
//! in the same organization (entries without an organization form a chain of their own; the
//! first of a chain follows ""), and `hash`, the SHA-256 over `prev_hash` and a canonical
//! encoding of its content. [`verify`] walks the chains and names the first entry that was
//! changed, or that does not follow the one before it (an entry was removed or inserted out of
//! order). Removing the newest entries is visible only against a head recorded elsewhere, so
//! the report gives each chain's head.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use super::entities::audit_log;

/// The version tag of the canonical encoding, hashed with every entry.
const ENCODING: &str = "audit-v1";
/// Entries read at a time while verifying.
const PAGE: u64 = 1000;

/// What an entry's hash covers, besides `prev_hash`.
pub struct Content<'a> {
    pub organization_id: Option<i32>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub ip: Option<&'a str>,
}

impl<'a> Content<'a> {
    /// The content of a stored entry.
    pub fn of(row: &'a audit_log::Model) -> Content<'a> {
        Content {
            organization_id: row.organization_id,
            actor: &row.actor,
            action: &row.action,
            object: &row.object,
            old_value: row.old_value.as_deref(),
            new_value: row.new_value.as_deref(),
            at: row.at,
            ip: row.ip.as_deref(),
        }
    }

    /// SHA-256 (lowercase hex) over the JSON array of the tag, `prev` and every field in a fixed
    /// order, the time as RFC 3339 in UTC with microseconds (what both databases keep).
    pub fn hash(&self, prev: &str) -> String {
        let canonical = serde_json::json!([
            ENCODING,
            prev,
            self.organization_id,
            self.actor,
            self.action,
            self.object,
            self.old_value,
            self.new_value,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.ip,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The newest entry of one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub organization_id: Option<i32>,
    pub id: i64,
    pub hash: String,
}

/// The first entry that breaks its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub organization_id: Option<i32>,
    pub reason: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub entries: u64,
    pub heads: Vec<Head>,
    pub broken: Option<Broken>,
}

/// Walks every chain (or only `organization`'s) in id order and stops at the first bad entry.
pub async fn verify(db: &impl ConnectionTrait, organization: Option<i32>) -> Result<Report, DbErr> {
    let mut tails: HashMap<Option<i32>, (i64, String)> = HashMap::new();
    let mut entries = 0;
    let mut after = 0i64;
    loop {
        let mut query = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(PAGE);
        if let Some(org) = organization {
            query = query.filter(audit_log::Column::OrganizationId.eq(org));
        }
        let rows = query.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            entries += 1;
            let before = tails.get(&row.organization_id);
            if let Some(reason) = check(row, before) {
                return Ok(Report {
                    entries,
                    heads: heads(tails),
                    broken: Some(Broken {
                        id: row.id,
                        organization_id: row.organization_id,
                        reason,
                    }),
                });
            }
            let hash = row.hash.clone().unwrap_or_default();
            tails.insert(row.organization_id, (row.id, hash));
        }
    }
    Ok(Report {
        entries,
        heads: heads(tails),
        broken: None,
    })
}

/// Why `row` breaks its chain after `before` (the previous entry's id and hash), if it does.
fn check(row: &audit_log::Model, before: Option<&(i64, String)>) -> Option<String> {
    let (Some(prev), Some(hash)) = (&row.prev_hash, &row.hash) else {
        return Some(format!(
            "entry {} has no hash: it was not written by Client Portal",
            row.id
        ));
    };
    let expected = before.map_or("", |(_, h)| h.as_str());
    if prev != expected {
        return Some(match before {
            Some((id, _)) => format!(
                "entry {} does not follow entry {id}: an entry between them was removed, or \
                 this one was inserted out of order",
                row.id
            ),
            None => format!(
                "entry {} does not start its chain: the entries before it were removed",
                row.id
            ),
        });
    }
    if &Content::of(row).hash(prev) != hash {
        return Some(format!("entry {} was changed after it was written", row.id));
    }
    None
}

fn heads(tails: HashMap<Option<i32>, (i64, String)>) -> Vec<Head> {
    let mut heads: Vec<Head> = tails
        .into_iter()
        .map(|(organization_id, (id, hash))| Head {
            organization_id,
            id,
            hash,
        })
        .collect();
    heads.sort_by_key(|h| (h.organization_id, h.id));
    heads
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: i64, prev: &str, action: &str) -> audit_log::Model {
        let mut row = audit_log::Model {
            id,
            organization_id: Some(1),
            actor: "staff:1".into(),
            action: action.into(),
            object: "client:2".into(),
            old_value: None,
            new_value: Some("Jordan".into()),
            at: Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap(),
            ip: Some("203.0.113.9".into()),
            prev_hash: Some(prev.into()),
            hash: None,
        };
        row.hash = Some(Content::of(&row).hash(prev));
        row
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let a = row(1, "", "client.created");
        let hash = a.hash.clone().unwrap();
        assert_eq!(hash.len(), 64);
        let mut changed = a.clone();
        changed.new_value = Some("Jordan ".into());
        assert_ne!(Content::of(&changed).hash(""), hash);
        changed = a.clone();
        changed.at += chrono::Duration::microseconds(1);
        assert_ne!(Content::of(&changed).hash(""), hash);
        assert_ne!(Content::of(&a).hash("x"), hash);
        // A field's text cannot be shifted into its neighbour.
        changed = a.clone();
        changed.actor = "staff:1client:2".into();
        changed.object = String::new();
        assert_ne!(Content::of(&changed).hash(""), hash);
    }

    #[test]
    fn each_kind_of_break_is_named() {
        let a = row(1, "", "a");
        let b = row(2, a.hash.as_deref().unwrap(), "b");
        let tail_a = (1, a.hash.clone().unwrap());
        assert_eq!(check(&a, None), None);
        assert_eq!(check(&b, Some(&tail_a)), None);
        let mut edited = b.clone();
        edited.action = "c".into();
        assert!(check(&edited, Some(&tail_a))
            .unwrap()
            .contains("was changed"));
        assert!(check(&b, None)
            .unwrap()
            .contains("does not start its chain"));
        let c = row(3, b.hash.as_deref().unwrap(), "c");
        assert!(check(&c, Some(&tail_a))
            .unwrap()
            .contains("does not follow entry 1"));
    }
}
