//! The audit log's hash chain on both databases: entries written by the app verify; a row
//! changed, deleted, or two rows swapped directly in the database are each caught, naming the
//! first bad entry; on PostgreSQL the trigger refuses UPDATE and DELETE (the tampering below
//! turns it off first, as a database owner could); entries written before the chain are sealed
//! at start-up; and `server audit verify` exits non-zero naming the entry.

use crate::common;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryOrder, Statement,
    TransactionTrait,
};

use app::server::store::audit::{self, Entry};
use app::server::store::audit_chain::verify;
use app::server::store::entities::audit_log;
use common::{call, each_database, sign_in};

async fn sql(db: &DatabaseConnection, text: &str) -> Result<u64, sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        text.to_owned(),
    ))
    .await
    .map(|r| r.rows_affected())
}

/// Runs `change` with the append-only trigger off (PostgreSQL), as a database owner could.
async fn tamper(db: &DatabaseConnection, change: &str) {
    let pg = db.get_database_backend() == DbBackend::Postgres;
    if pg {
        sql(
            db,
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        )
        .await
        .unwrap();
    }
    sql(db, change).await.unwrap();
    if pg {
        sql(
            db,
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only",
        )
        .await
        .unwrap();
    }
}

/// Swaps the content and hashes of entries `x` and `y` (their ids stay).
async fn swap(db: &DatabaseConnection, x: i64, y: i64) {
    let row = |id| async move {
        audit_log::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
    };
    let (rx, ry) = (row(x).await, row(y).await);
    let text = |v: &Option<String>| match v {
        Some(v) => format!("'{}'", v.replace('\'', "''")),
        None => "NULL".into(),
    };
    for (id, from) in [(x, &ry), (y, &rx)] {
        tamper(
            db,
            &format!(
                "UPDATE audit_log SET actor = {}, action = {}, object = {}, old_value = {}, \
                 new_value = {}, prev_hash = {}, hash = {} WHERE id = {id}",
                text(&Some(from.actor.clone())),
                text(&Some(from.action.clone())),
                text(&Some(from.object.clone())),
                text(&from.old_value),
                text(&from.new_value),
                text(&from.prev_hash),
                text(&from.hash),
            ),
        )
        .await;
    }
}

/// The ids of organization 1's entries, oldest first.
async fn ids(db: &DatabaseConnection) -> Vec<i64> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.organization_id == Some(1))
        .map(|r| r.id)
        .collect()
}

async fn first_bad(db: &DatabaseConnection) -> Option<(i64, String)> {
    verify(db, None)
        .await
        .unwrap()
        .broken
        .map(|b| (b.id, b.reason))
}

#[tokio::test]
async fn tampering_is_caught_and_named() {
    each_database(
        true,
        body!(|t| {
            let db = &t.db;
            // Entries of several kinds, written through the app, some at once.
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            call(&app, "list_clients", "query=", Some(&admin)).await;
            let client = sign_in(&app, "client@brightpath.example").await;
            call(&app, "list_clients", "query=", Some(&client)).await;
            // Of no organization: a chain of its own.
            call(
                &app,
                "sign_in",
                "email=nobody%40example.com&password=wrong",
                None,
            )
            .await;
            common::futures_join(6, |k| {
                let db = db.clone();
                async move {
                    audit::record(
                        &db,
                        Entry {
                            organization_id: Some(1),
                            actor: "staff:1".into(),
                            action: "test.concurrent".into(),
                            object: format!("client:{k}"),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap()
                }
            })
            .await;
            let report = verify(db, None).await.unwrap();
            assert_eq!(report.broken, None, "{}", t.kind);
            assert!(report.entries >= 10, "{report:?}");
            assert!(report.heads.iter().any(|h| h.organization_id.is_none()));
            assert!(report.heads.iter().any(|h| h.organization_id == Some(1)));
            let org1 = verify(db, Some(1)).await.unwrap();
            assert!(org1.broken.is_none() && org1.entries < report.entries);

            let all = ids(db).await;
            let (a, b, c) = (all[3], all[4], all[5]);

            // On PostgreSQL the database itself refuses changes.
            if t.kind == "postgres" {
                let refused = sql(
                    db,
                    &format!("UPDATE audit_log SET actor = 'x' WHERE id = {a}"),
                )
                .await;
                assert!(refused.unwrap_err().to_string().contains("append-only"));
                let refused = sql(db, &format!("DELETE FROM audit_log WHERE id = {a}")).await;
                assert!(refused.unwrap_err().to_string().contains("append-only"));
                assert!(sql(db, "TRUNCATE audit_log").await.is_err());
            }

            // A changed row.
            let original: audit_log::Model = audit_log::Entity::find_by_id(b)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            tamper(
                db,
                &format!("UPDATE audit_log SET new_value = 'edited' WHERE id = {b}"),
            )
            .await;
            let (id, reason) = first_bad(db).await.expect("a changed row is caught");
            assert_eq!(id, b, "{reason}");
            assert!(reason.contains("was changed"), "{reason}");
            let put_back = match &original.new_value {
                Some(v) => format!("'{}'", v.replace('\'', "''")),
                None => "NULL".into(),
            };
            tamper(
                db,
                &format!("UPDATE audit_log SET new_value = {put_back} WHERE id = {b}"),
            )
            .await;
            assert_eq!(first_bad(db).await, None);

            // Two rows swapped: their contents and hashes change places.
            swap(db, b, c).await;
            let (id, reason) = first_bad(db).await.expect("a swap is caught");
            assert_eq!(id, b, "{reason}");
            swap(db, b, c).await;
            assert_eq!(first_bad(db).await, None);

            // A deleted row: the next one no longer follows.
            tamper(db, &format!("DELETE FROM audit_log WHERE id = {a}")).await;
            let (id, reason) = first_bad(db).await.expect("a deletion is caught");
            assert_eq!(id, b, "{reason}");
            assert!(
                reason.contains(&format!("does not follow entry {}", all[2])),
                "{reason}"
            );
        }),
    )
    .await;
}

/// Every path that writes an audit entry chains it: the organization's setting toggle (the
/// hottest write) once wrote its entry on PostgreSQL in a statement of its own, with no hash, so
/// the chain broke at the next entry.
#[tokio::test]
async fn a_settings_toggle_is_chained_like_every_other_change() {
    each_database(
        true,
        body!(|t| {
            let db = &t.db;
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let jordan = common::client_id(db, "Jordan").await;
            for args in [
                "setting=insurance_info&on=false".to_string(),
                "setting=insurance_info&on=true".to_string(),
                format!("client_id={jordan}&setting=insurance_info&on=false"),
                format!("client_id={jordan}&setting=insurance_info&on=true"),
            ] {
                let reply = call(&app, "change_setting", &args, Some(&admin)).await;
                assert_eq!(reply.status, 200, "{}: {args}: {}", t.kind, reply.body);
                // Another audited change after each toggle, chained to it.
                call(&app, "list_clients", "query=", Some(&admin)).await;
            }
            let toggles = audit_log::Entity::find()
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.action.starts_with("setting."))
                .collect::<Vec<_>>();
            assert_eq!(toggles.len(), 4, "{}", t.kind);
            for row in &toggles {
                assert!(
                    row.hash.is_some(),
                    "{}: entry {} has no hash",
                    t.kind,
                    row.id
                );
            }
            let report = verify(db, None).await.unwrap();
            assert_eq!(report.broken, None, "{}", t.kind);
        }),
    )
    .await;
}

/// The tail this process remembers (`audit_tails`) is only a hint. After an entry written
/// elsewhere (as another process would; here a bare transaction, whose commit the hint never
/// hears of), the next entry follows that one instead of forking the chain.
#[tokio::test]
async fn an_entry_written_elsewhere_is_followed_not_forked() {
    each_database(
        true,
        body!(|t| {
            let db = &t.db;
            let entry = |action: &str| Entry {
                organization_id: Some(1),
                actor: "staff:1".into(),
                action: action.into(),
                object: "organization".into(),
                ..Default::default()
            };
            audit::record(db, entry("test.remembered")).await.unwrap();
            let elsewhere = db.begin().await.unwrap();
            audit::record(&elsewhere, entry("test.elsewhere"))
                .await
                .unwrap();
            elsewhere.commit().await.unwrap();
            audit::record(db, entry("test.after")).await.unwrap();
            let rows = audit_log::Entity::find()
                .order_by_asc(audit_log::Column::Id)
                .all(db)
                .await
                .unwrap();
            let of = |action: &str| rows.iter().find(|r| r.action == action).unwrap();
            assert_eq!(
                of("test.after").prev_hash,
                of("test.elsewhere").hash,
                "{}",
                t.kind
            );
            assert_eq!(
                rows.iter()
                    .filter(|r| r.prev_hash == of("test.remembered").hash)
                    .count(),
                1,
                "{}: two entries follow the remembered one",
                t.kind
            );
            assert_eq!(verify(db, None).await.unwrap().broken, None, "{}", t.kind);
        }),
    )
    .await;
}

/// Entries written before the chain existed are sealed when the server connects, and the
/// command-line check passes, then fails naming a changed entry.
#[tokio::test]
async fn legacy_entries_are_sealed_and_the_command_names_a_bad_entry() {
    let dir = std::env::temp_dir().join(format!("cp-audit-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("audit.sqlite").display());
    let db = server::db::connect_and_migrate(&url).await.unwrap();
    server::demo::load(&db).await.unwrap();
    // As the table held them before the chain.
    for k in 0..3 {
        sql(
            &db,
            &format!(
                "INSERT INTO audit_log (organization_id, actor, action, object, at) \
                 VALUES (1, 'staff:1', 'legacy.{k}', 'client:1', '2026-11-30 10:00:0{k}+00:00')"
            ),
        )
        .await
        .unwrap();
    }
    assert!(first_bad(&db).await.unwrap().1.contains("has no hash"));
    db.close().await.unwrap();
    let db = server::db::connect_and_migrate(&url).await.unwrap();
    assert_eq!(first_bad(&db).await, None);

    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["audit", "verify", "--organization", "1"])
            .env("DATABASE_URL", &url)
            .env("SECRETS_KEY_FILE", dir.join("secrets.key"))
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let ok = run();
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(out.contains("The audit log is intact"), "{out}");
    let victim = ids(&db).await[1];
    sql(
        &db,
        &format!("UPDATE audit_log SET actor = 'staff:9' WHERE id = {victim}"),
    )
    .await
    .unwrap();
    let bad = run();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        err.contains(&format!("entry {victim} was changed")),
        "{err}"
    );
    db.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
