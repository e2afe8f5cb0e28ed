//! Crash safety (issue 16, item 16): the real server process is killed with SIGKILL in the
//! middle of a burst of writes (messages, appointment requests, payments and setting changes),
//! then started again on the same database. Every write that was answered with 2xx is there,
//! nothing is half-written, and the sessions of before the crash still work. On SQLite and on
//! PostgreSQL.

use crate::common;

use common::process::{throwaway_postgres, Server};

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter, Statement,
};

use app::domain::payments::PaymentStatus;
use app::domain::schedule::BookingStatus;
use app::server::store::entities::{booking, message, organization_setting, payment};

/// Posts a form to a server function; the status and body, or `None` when the connection broke.
async fn post(
    http: &reqwest::Client,
    url: &str,
    form: &str,
    cookie: &str,
) -> Option<(u16, String)> {
    let reply = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", cookie)
        .body(form.to_owned())
        .send()
        .await
        .ok()?;
    let status = reply.status().as_u16();
    Some((status, reply.text().await.ok()?))
}

async fn sign_in(http: &reqwest::Client, server: &Server, email: &str) -> String {
    let reply = http
        .post(server.url("sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!(
            "email={}&password=demo-password-1",
            email.replace('@', "%40")
        ))
        .send()
        .await
        .unwrap();
    reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cp_session=") && !v.starts_with("cp_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a session cookie")
}

/// What the server acknowledged with 2xx before it died.
#[derive(Default, Debug)]
struct Acked {
    messages: Vec<(i32, String)>,
    requests: Vec<i32>,
    payments: Vec<i32>,
    /// The setting writer's values in order, and how many of them were acknowledged.
    setting_values: Vec<bool>,
    settings_acked: usize,
}

fn enc(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}

/// Writes until the connection breaks: each writer is sequential, so at most one of its writes
/// is in flight when the server dies.
async fn burst(server: &Server, db: &DatabaseConnection, acked: Arc<Mutex<Acked>>) {
    let http = reqwest::Client::new();
    let jordan = common::client_id(db, "Jordan").await;
    let sam = common::client_id(db, "Sam").await;
    let client = sign_in(&http, server, "client@brightpath.example").await;
    let admin = sign_in(&http, server, "admin@brightpath.example").await;
    let therapist = sign_in(&http, server, "therapist@brightpath.example").await;
    let owed = common::owed_bookings(db, jordan).await;
    let (_, slots) = post(
        &http,
        &server.url("list_open_slots"),
        &format!("client_id={jordan}"),
        &client,
    )
    .await
    .unwrap();
    let slots: Vec<serde_json::Value> = serde_json::from_str(&slots).unwrap();

    let mut writers = Vec::new();
    // Messages: two people in two conversations.
    for (cookie, client_id, who) in [
        (client.clone(), jordan, "c"),
        (therapist.clone(), sam, "t"),
        (therapist.clone(), jordan, "u"),
    ] {
        let (http, url, acked) = (http.clone(), server.url("send_message"), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let body = format!("crash {who}{i}");
                match post(
                    &http,
                    &url,
                    &format!("client_id={client_id}&body={}", body.replace(' ', "+")),
                    &cookie,
                )
                .await
                {
                    Some((200, id)) => acked
                        .lock()
                        .unwrap()
                        .messages
                        .push((id.parse().unwrap(), body)),
                    Some((429, _)) => tokio::time::sleep(Duration::from_millis(20)).await,
                    Some((status, text)) => panic!("send_message: {status} {text}"),
                    None => return,
                }
            }
        }));
    }
    // Appointment requests, up to the five a client may have pending.
    {
        let (http, url, acked, client) = (
            http.clone(),
            server.url("request_slot"),
            acked.clone(),
            client.clone(),
        );
        writers.push(tokio::spawn(async move {
            for slot in slots.iter().filter(|s| s["last_minute"] == false).take(5) {
                let form = format!(
                    "client_id={jordan}&slot={}%40{}&note=crash",
                    slot["staff_id"],
                    enc(slot["start"].as_str().unwrap())
                );
                match post(&http, &url, &form, &client).await {
                    Some((200, id)) => acked.lock().unwrap().requests.push(id.parse().unwrap()),
                    Some((status, text)) if status < 500 => {
                        eprintln!("request_slot: {status} {text}")
                    }
                    Some((status, text)) => panic!("request_slot: {status} {text}"),
                    None => return,
                }
            }
        }));
    }
    // Payments of what Jordan owes, with the sandbox's cards.
    {
        let (http, base, acked, client) = (
            http.clone(),
            server.base.clone(),
            acked.clone(),
            client.clone(),
        );
        writers.push(tokio::spawn(async move {
            for booking in owed {
                let Ok(token) = http
                    .post(format!("{base}/sandbox/v1/tokens"))
                    .header("cookie", &client)
                    .json(&serde_json::json!({ "number": "4242424242424242", "expiry": "12/34", "cvc": "123" }))
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(token) = token.json::<serde_json::Value>().await else { return };
                let page = format!("client_id={jordan}&booking_id={booking}");
                let Some((200, page)) = post(&http, &format!("{base}/api/get_pay_page"), &page, &client).await else {
                    return;
                };
                let page: serde_json::Value = serde_json::from_str(&page).unwrap();
                let form = format!(
                    "client_id={jordan}&booking_id={booking}&card_token={}&attempt_key={}",
                    token["id"].as_str().unwrap(),
                    page["attempt_key"].as_str().unwrap()
                );
                match post(&http, &format!("{base}/api/pay_appointment"), &form, &client).await {
                    Some((200, id)) => acked.lock().unwrap().payments.push(id.parse().unwrap()),
                    Some((status, text)) if status < 500 => eprintln!("pay_appointment: {status} {text}"),
                    Some((status, text)) => panic!("pay_appointment: {status} {text}"),
                    None => return,
                }
            }
        }));
    }
    // A setting switched off and on by the administrator, one change after another.
    {
        let (http, url, acked, admin) = (
            http.clone(),
            server.url("change_setting"),
            acked.clone(),
            admin.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let on = i % 2 == 1;
                acked.lock().unwrap().setting_values.push(on);
                match post(
                    &http,
                    &url,
                    &format!("setting=insurance_info&on={on}"),
                    &admin,
                )
                .await
                {
                    Some((200, _)) => acked.lock().unwrap().settings_acked = i + 1,
                    Some((status, text)) => panic!("change_setting: {status} {text}"),
                    None => return,
                }
            }
        }));
    }
    // Kill once writes of every kind have landed, or after three seconds.
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let enough = {
            let a = acked.lock().unwrap();
            a.messages.len() >= 10
                && !a.requests.is_empty()
                && !a.payments.is_empty()
                && a.settings_acked >= 5
        };
        if enough || started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    sigkill(server);
    for w in writers {
        w.await.unwrap();
    }
}

/// Sends SIGKILL to the server (it stays borrowed: its handle is reaped by [`Server::kill`]).
fn sigkill(server: &Server) {
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-9", &pid]).status().unwrap();
    assert!(status.success());
}

async fn crash_and_recover(kind: &str, database_url: &str, dir: &std::path::Path) {
    let db = server::db::connect_and_migrate(database_url).await.unwrap();
    server::demo::load(&db).await.unwrap();
    let jordan = common::client_id(&db, "Jordan").await;
    common::enable_payments(&db, jordan).await;

    let first = Server::start(database_url, dir).await;
    let acked = Arc::new(Mutex::new(Acked::default()));
    burst(&first, &db, acked.clone()).await;
    first.kill();
    db.close().await.ok();

    let second = Server::start(database_url, dir).await;
    let db = Database::connect(database_url).await.unwrap();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    eprintln!(
        "{kind}: killed after {} messages, {} requests, {} payments, {} setting changes",
        acked.messages.len(),
        acked.requests.len(),
        acked.payments.len(),
        acked.settings_acked
    );
    assert!(
        !acked.messages.is_empty() && acked.settings_acked > 0,
        "{kind}: the burst wrote nothing"
    );
    for (id, body) in &acked.messages {
        let row = message::Entity::find_by_id(*id).one(&db).await.unwrap();
        assert_eq!(
            row.map(|m| m.body).as_deref(),
            Some(body.as_str()),
            "{kind}: message {id} lost"
        );
    }
    for id in &acked.requests {
        let row = booking::Entity::find_by_id(*id)
            .one(&db)
            .await
            .unwrap()
            .expect("acked request kept");
        assert_eq!(row.status, BookingStatus::Requested, "{kind}: request {id}");
    }
    for id in &acked.payments {
        let row = payment::Entity::find_by_id(*id)
            .one(&db)
            .await
            .unwrap()
            .expect("acked payment kept");
        assert_eq!(row.status, PaymentStatus::Succeeded, "{kind}: payment {id}");
        assert!(
            row.processor_ref.is_some() && row.completed_at.is_some(),
            "{kind}: payment {id} half-written"
        );
    }
    // A payment is never both taken and unrecorded: every succeeded payment is complete.
    let half = payment::Entity::find()
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .filter(payment::Column::ProcessorRef.is_null())
        .all(&db)
        .await
        .unwrap();
    assert!(
        half.is_empty(),
        "{kind}: succeeded payments without a processor reference: {half:?}"
    );
    // The setting holds the last acknowledged value, or the one in flight when the server died.
    let stored = organization_setting::Entity::find()
        .filter(
            organization_setting::Column::Setting.eq(app::domain::settings::Setting::InsuranceInfo),
        )
        .all(&db)
        .await
        .unwrap();
    let n = acked.settings_acked;
    let allowed = &acked.setting_values[n - 1..(n + 1).min(acked.setting_values.len())];
    assert!(
        stored.iter().any(|s| allowed.contains(&s.enabled)),
        "{kind}: setting {stored:?}, acknowledged up to {n} of {:?}",
        acked.setting_values
    );
    if kind == "sqlite" {
        for pragma in ["PRAGMA integrity_check", "PRAGMA foreign_key_check"] {
            let rows = db
                .query_all_raw(Statement::from_string(db.get_database_backend(), pragma))
                .await
                .unwrap();
            let text: Vec<String> = rows
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap_or_default())
                .collect();
            let fine = if pragma.contains("integrity") {
                text == ["ok"]
            } else {
                text.is_empty()
            };
            assert!(fine, "{kind}: {pragma}: {text:?}");
        }
    }
    // The restarted server serves what was written, to the sessions of before the crash.
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &second, "client@brightpath.example").await;
    let (status, body) = post(
        &http,
        &second.url("get_conversation"),
        &format!("client_id={jordan}&shown=500"),
        &cookie,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    for (_, text) in acked
        .messages
        .iter()
        .filter(|(_, b)| b.starts_with("crash c"))
    {
        assert!(
            body.contains(text),
            "{kind}: {text} not served after the restart"
        );
    }
    second.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_keeps_every_acknowledged_write() {
    let dir = std::env::temp_dir().join(format!(
        "cp-crash-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("crash.sqlite").display());
    crash_and_recover("sqlite", &url, &dir).await;

    throwaway_postgres("cp_crash", |url| {
        let dir = dir.clone();
        async move { crash_and_recover("postgres", &url, &dir).await }
    })
    .await;
    let _ = std::fs::remove_dir_all(&dir);
}
