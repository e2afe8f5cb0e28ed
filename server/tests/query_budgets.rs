//! How many SQL statements a page costs, counted with sea-orm's metric callback on both
//! databases: the portal home (with its to-do cards) at most 6 for a client and 8 for a contact
//! of two clients, the admin shell with its badges at most 3, a settings toggle at most 4 (6 on
//! PostgreSQL).

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;

use common::{call, client_id, each_database, page, sign_in, TestDb};

/// The database of `t` with every statement counted (and kept, to show when a budget fails).
fn counted(t: &TestDb) -> (TestDb, Counter) {
    let counter = Counter::default();
    let mut db = t.db.clone();
    let (count, log) = (counter.count.clone(), counter.log.clone());
    db.set_metric_callback(move |info| {
        count.fetch_add(1, Ordering::SeqCst);
        log.lock().unwrap().push(info.statement.to_string());
    });
    (TestDb { db, ..t.clone() }, counter)
}

#[derive(Clone, Default)]
struct Counter {
    count: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Counter {
    /// The statements run by `work`.
    async fn of<F: std::future::Future<Output = T>, T>(&self, work: F) -> (T, usize, Vec<String>) {
        self.count.store(0, Ordering::SeqCst);
        self.log.lock().unwrap().clear();
        let out = work.await;
        let log = std::mem::take(&mut *self.log.lock().unwrap());
        (out, self.count.load(Ordering::SeqCst), log)
    }
}

fn show(log: &[String]) -> String {
    log.iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_portal_home_and_the_admin_shell_stay_within_their_budgets() {
    each_database(
        true,
        body!(|t| {
            let (counted_db, counter) = counted(&t);
            let app = counted_db.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;

            let path = format!("/portal/clients/{jordan}");
            const CLIENT_HOME: usize = 6;
            const CONTACT_HOME: usize = 8;
            const STAFF_SHELL: usize = 3;
            let (reply, n, log) = counter.of(page(&app, &path, Some(&client))).await;
            assert_eq!(reply.status, StatusCode::OK);
            assert!(reply.body.contains("What needs doing"));
            eprintln!("{}: portal home of a client: {n} statements", t.kind);
            assert!(
                n <= CLIENT_HOME,
                "{}: portal home of a client: {n} statements\n{}",
                t.kind,
                show(&log)
            );

            let (reply, n, log) = counter.of(page(&app, &path, Some(&parent))).await;
            assert_eq!(reply.status, StatusCode::OK);
            eprintln!(
                "{}: portal home for a contact of two clients: {n} statements",
                t.kind
            );
            assert!(
                n <= CONTACT_HOME,
                "{}: portal home for a contact of two clients: {n}\n{}",
                t.kind,
                show(&log)
            );

            let (reply, n, log) = counter
                .of(call(&app, "current_viewer", "", Some(&admin)))
                .await;
            assert_eq!(reply.status, StatusCode::OK);
            eprintln!("{}: admin shell: {n} statements", t.kind);
            assert!(
                n <= STAFF_SHELL,
                "{}: admin shell with its badges: {n}\n{}",
                t.kind,
                show(&log)
            );
        }),
    )
    .await;
}

/// A settings toggle, the hottest write: its session, the settings it checks against, the
/// setting's row, and its chained audit entry. On SQLite the chain's tail is not read: the
/// toggle before it left it in `audit_tails`, and the entry's INSERT checks it. On PostgreSQL
/// the tail is read, under the organization's advisory lock. The metric callback does not see
/// `BEGIN` and `COMMIT`.
#[tokio::test]
async fn a_settings_toggle_stays_within_its_budget() {
    each_database(
        true,
        body!(|t| {
            let (counted_db, counter) = counted(&t);
            let app = counted_db.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let toggle = |on: bool| {
                call(
                    &app,
                    "change_setting",
                    if on {
                        "setting=insurance_info&on=true"
                    } else {
                        "setting=insurance_info&on=false"
                    },
                    Some(&admin),
                )
            };
            // The first toggle after sign-in may refresh the session's last-seen time.
            toggle(false).await;
            let (reply, n, log) = counter.of(toggle(true)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let budget = if t.kind == "postgres" { 6 } else { 4 };
            eprintln!("{}: settings toggle: {n} statements", t.kind);
            assert!(
                n <= budget,
                "{}: settings toggle: {n} statements\n{}",
                t.kind,
                show(&log)
            );
        }),
    )
    .await;
}
