//! Reads and writes of every kind at once never answer "database is locked" (a 500): write
//! transactions start IMMEDIATE on SQLite, so none has to upgrade a read lock mid-way.

use crate::common;

use axum::http::StatusCode;

use common::{call, client_id, each_database, futures_join, page, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_mixed_reads_and_writes_has_no_errors() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let statuses = futures_join(96, |i| {
                let (app, admin, therapist, client) = (
                    app.clone(),
                    admin.clone(),
                    therapist.clone(),
                    client.clone(),
                );
                async move {
                    let reply = match i % 6 {
                        // A setting toggled on and off: a transaction with its audit entry.
                        0 => {
                            let on = (i / 6) % 2 == 0;
                            let args = format!("setting=add_payers&on={on}");
                            call(&app, "change_setting", &args, Some(&admin)).await
                        }
                        // Messages both ways: the message, its audit entry, a live event.
                        1 => {
                            let args = format!("client_id={jordan}&body=Message+{i}");
                            call(&app, "send_message", &args, Some(&therapist)).await
                        }
                        2 => {
                            let args = format!("client_id={jordan}&body=Reply+{i}");
                            call(&app, "send_message", &args, Some(&client)).await
                        }
                        // Reading a conversation marks it read.
                        3 => {
                            let args = format!("client_id={jordan}");
                            call(&app, "get_conversation", &args, Some(&client)).await
                        }
                        // Pages, and new sessions with their audit entries. Four people sign
                        // in four times each: an account's attempts in flight count against its
                        // limit of 5 until they are checked, so one person's 16 at once would
                        // rightly be refused.
                        4 => page(&app, &format!("/portal/clients/{jordan}"), Some(&client)).await,
                        _ => {
                            let who = ["parent", "client", "therapist", "admin"][(i / 6) % 4];
                            let reply = call(
                                &app,
                                "sign_in",
                                &format!(
                                    "email={who}%40brightpath.example&password=demo-password-1"
                                ),
                                None,
                            )
                            .await;
                            assert!(reply.session_cookie().is_some(), "{}", reply.body);
                            reply
                        }
                    };
                    (i, reply.status, reply.body)
                }
            })
            .await;
            for (i, status, body) in statuses {
                assert_eq!(status, StatusCode::OK, "{}: request {i}: {body}", t.kind);
            }
        }),
    )
    .await;
}

/// On SQLite a write transaction holds the write lock from its `BEGIN`: a write from another
/// connection waits until it commits, instead of the transaction failing later to upgrade.
#[tokio::test]
async fn a_sqlite_write_transaction_takes_the_write_lock_at_begin() {
    use app::server::store::{audit, txn};
    let dir = std::env::temp_dir().join(format!("cp-immediate-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    let db = server::db::connect_and_migrate(&url).await.unwrap();
    let entry = || audit::Entry {
        actor: "test".into(),
        action: "test.write".into(),
        object: "test".into(),
        ..Default::default()
    };
    let held = txn::begin(&db).await.unwrap();
    let other = db.clone();
    let write = tokio::spawn(async move { audit::record(&other, entry()).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !write.is_finished(),
        "a write got past an open write transaction"
    );
    held.commit_audited(entry()).await.unwrap();
    write.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn single_statement_writes_queue_with_the_write_transactions_on_sqlite() {
    use app::server::store::txn::{self, Writer};
    use app::server::store::{audit, live_events};
    let dir = std::env::temp_dir().join(format!("cp-single-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    let db = server::db::connect_and_migrate(&url).await.unwrap();
    let held = txn::begin(&db).await.unwrap();
    // Another request's single writes wait for the turn, not in SQLite's busy handler.
    let other = db.clone();
    let waiting = tokio::spawn(async move {
        let _turn = other.single_write().await;
    });
    let writes = db.clone();
    let event = tokio::spawn(async move {
        live_events::publish(&writes, live_events::Topic::Calendar(1), chrono::Utc::now()).await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "a single write skipped the queue");
    assert!(!event.is_finished(), "a live event skipped the queue");
    // Inside the transaction, its own single writes (its audit entry) do not wait for itself.
    let started = std::time::Instant::now();
    let entry = audit::Entry {
        actor: "test".into(),
        action: "test.write".into(),
        object: "test".into(),
        ..Default::default()
    };
    held.commit_audited(entry).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    waiting.await.unwrap();
    event.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
