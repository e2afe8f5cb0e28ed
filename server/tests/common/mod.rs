//! Test harness: runs each test body against a fresh SQLite database and a throw-away
//! PostgreSQL database (mandatory when `CI=true`), and drives the real router over HTTP.

#![allow(dead_code)]

pub mod process;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use tower::ServiceExt;

use app::server::mail::Mailer;
use app::server::processors::PaymentsConfig;
use app::server::secrets::Secrets;
use app::server::store::entities::outbox;
use app::server::{AppState, SessionConfig};
use server::router::{router, ServerState};

/// One database under test.
#[derive(Clone)]
pub struct TestDb {
    /// `sqlite` or `postgres`.
    pub kind: &'static str,
    pub db: DatabaseConnection,
    /// Processor settings: a fixed sealing key, and Stripe's API at `stripe_api_base`.
    pub payments: PaymentsConfig,
}

fn test_payments() -> PaymentsConfig {
    PaymentsConfig::new(Secrets::new([42; 32]))
}

impl TestDb {
    /// This database with Stripe's API at `base` (a local mock server).
    pub fn with_stripe_api(&self, base: &str) -> TestDb {
        let mut payments = self.payments.clone();
        payments.stripe_api_base = base.to_owned();
        TestDb {
            payments,
            ..self.clone()
        }
    }

    pub fn state(&self) -> AppState {
        AppState {
            db: self.db.clone(),
            sessions: SessionConfig::default(),
            mailer: Mailer::outbox("http://portal.test").with_working_links(),
            payments: self.payments.clone(),
            live: Default::default(),
            // As `--demo`: the outbox's links work and the sandbox processor is offered.
            deployment: app::server::Deployment {
                demo: true,
                ..Default::default()
            },
        }
    }

    /// The full application router on this database.
    pub fn app(&self) -> Router {
        self.app_with(
            LeptosOptions::builder()
                .output_name("client_portal")
                .site_root("target/site")
                .build(),
        )
    }

    /// The full application router on this database with another app state (a production
    /// deployment, secure cookies).
    pub fn app_on(&self, state: AppState) -> Router {
        router(ServerState {
            leptos_options: LeptosOptions::builder()
                .output_name("client_portal")
                .site_root("target/site")
                .build(),
            app: state,
        })
    }

    /// The full application router with these Leptos options (site root, hashed bundle).
    pub fn app_with(&self, leptos_options: LeptosOptions) -> Router {
        router(ServerState {
            leptos_options,
            app: self.state(),
        })
    }
}

type Body_ = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The PostgreSQL server of the tests (`TEST_POSTGRES_URL`, by default on this machine), without a database.
pub fn pg_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Runs `body` on a fresh SQLite database, then on a fresh PostgreSQL database.
/// With demo data when `demo` is true. Each database is dropped afterwards, pass or fail.
pub async fn each_database<F>(demo: bool, body: F)
where
    F: Fn(TestDb) -> Body_ + Send + Sync + 'static,
{
    let body = std::sync::Arc::new(body);
    // SQLite: a file in a temporary directory (several pooled connections share it).
    let dir = std::env::temp_dir().join(format!(
        "cp-test-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("test.sqlite").display());
    let db = server::db::connect_and_migrate(&url)
        .await
        .expect("sqlite migrates");
    run_one(
        TestDb {
            kind: "sqlite",
            db,
            payments: test_payments(),
        },
        demo,
        body.clone(),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);

    // PostgreSQL: a throw-away database on the local server.
    let admin_url = pg_admin_url();
    let admin = match Database::connect(format!("{admin_url}/postgres")).await {
        Ok(admin) => admin,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true requires PostgreSQL at {admin_url}: {e}");
            }
            eprintln!("SKIPPED the PostgreSQL run: cannot connect to {admin_url}: {e}");
            return;
        }
    };
    let name = format!("cp_test_{}_{}", std::process::id(), rand::random::<u32>());
    exec(&admin, &format!("CREATE DATABASE {name}")).await;
    let db = server::db::connect_and_migrate(&format!("{admin_url}/{name}"))
        .await
        .expect("postgres migrates");
    let outcome = run_one_catching(
        TestDb {
            kind: "postgres",
            db: db.clone(),
            payments: test_payments(),
        },
        demo,
        body,
    )
    .await;
    db.close().await.ok();
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn run_one(
    test: TestDb,
    demo: bool,
    body: std::sync::Arc<dyn Fn(TestDb) -> Body_ + Send + Sync>,
) {
    if let Err(panic) = run_one_catching(test, demo, body).await {
        std::panic::resume_unwind(panic);
    }
}

async fn run_one_catching(
    test: TestDb,
    demo: bool,
    body: std::sync::Arc<dyn Fn(TestDb) -> Body_ + Send + Sync>,
) -> Result<(), Box<dyn std::any::Any + Send>> {
    if demo {
        server::demo::load(&test.db).await.expect("demo data loads");
    }
    let kind = test.kind;
    tokio::spawn(async move { body(test).await })
        .await
        .map_err(|e| {
            eprintln!("failed on {kind}");
            e.into_panic()
        })
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The session cookie set by this response (`name=value`).
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("cp_session=") && !v.starts_with("cp_session=;"))
            .map(|v| v.split(';').next().unwrap().to_owned())
    }
}

/// Sends one request to the router, from 127.0.0.1.
pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Calls a server function the way the browser's server-function client does.
pub async fn call(app: &Router, name: &str, form: &str, cookie: Option<&str>) -> Reply {
    let mut req = Request::post(format!("/api/{name}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::from(form.to_owned())).unwrap()).await
}

/// Signs in and returns the session cookie.
pub async fn sign_in(app: &Router, email: &str) -> String {
    let form = format!(
        "email={}&password=demo-password-1",
        email.replace('@', "%40")
    );
    let reply = call(app, "sign_in", &form, None).await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "sign-in of {email}: {} {}",
        reply.status,
        reply.body
    );
    reply
        .session_cookie()
        .unwrap_or_else(|| panic!("no session cookie for {email}"))
}

/// A GET of a page, with an optional session cookie.
pub async fn page(app: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut req = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

/// The id of a client by first name.
pub async fn client_id(db: &DatabaseConnection, first_name: &str) -> i32 {
    use app::server::store::entities::client;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    client::Entity::find()
        .filter(client::Column::FirstName.eq(first_name))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no client {first_name}"))
        .id
}

/// A JSON answer, parsed (the body is shown when it is not JSON).
pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// How many audit entries have `action`.
pub async fn audited(db: &DatabaseConnection, action: &str) -> u64 {
    use app::server::store::entities::audit_log;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(db)
        .await
        .unwrap()
}

/// Wraps an async block as a test body.
#[macro_export]
macro_rules! body {
    (|$t:ident| $block:block) => {
        |$t: $crate::common::TestDb| -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> { Box::pin(async move $block) }
    };
}

/// Enables the sandbox card processor and Allow Payments through Client Portal for the
/// organization of `client_id` (the demo starts with both off).
pub async fn enable_payments(db: &DatabaseConnection, client_id: i32) -> i32 {
    use app::server::store::entities::{client, organization, organization_setting};
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let org = client::Entity::find_by_id(client_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .organization_id;
    let mut row: organization::ActiveModel = organization::Entity::find_by_id(org)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.card_processor = Set(Some(app::domain::portal_settings::CardProcessor::Sandbox));
    row.update(db).await.unwrap();
    organization_setting::Entity::delete_by_id((org, app::domain::settings::Setting::Payments))
        .exec(db)
        .await
        .unwrap();
    organization_setting::ActiveModel {
        organization_id: Set(org),
        setting: Set(app::domain::settings::Setting::Payments),
        enabled: Set(true),
        updated_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
    org
}

/// The client's past booked appointments with a price (what they owe for), oldest first.
pub async fn owed_bookings(db: &DatabaseConnection, client_id: i32) -> Vec<i32> {
    use app::server::store::entities::booking;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    booking::Entity::find()
        .filter(booking::Column::ClientId.eq(client_id))
        .filter(booking::Column::Status.eq("booked"))
        .filter(booking::Column::StartsAt.lt(chrono::Utc::now()))
        .filter(booking::Column::PriceCents.gt(0))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect()
}

/// A token for a card from the sandbox's tokenize endpoint, as the payment page gets one.
pub async fn card_token(app: &Router, cookie: Option<&str>, number: &str, cvc: &str) -> Reply {
    let body = serde_json::json!({ "number": number, "expiry": "12/34", "cvc": cvc }).to_string();
    let mut req =
        Request::post("/sandbox/v1/tokens").header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::from(body)).unwrap()).await
}

/// Runs `n` futures made by `make` at once and collects their outputs.
pub async fn futures_join<F, Fut, T>(n: usize, make: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// A `GET /events` with the session cookie, from 127.0.0.1.
pub fn events_request(cookie: &str) -> Request<Body> {
    let mut req = Request::get("/events")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    req
}

/// The first server-sent events of `/events` on `app`, until `want` appears (or a timeout).
pub async fn events_until(app: axum::Router, cookie: String, want: String) -> String {
    let res = app.oneshot(events_request(&cookie)).await.unwrap();
    assert_eq!(res.status(), 200);
    let mut body = res.into_body();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains(&want) {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await;
        match frame {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    seen.push_str(&String::from_utf8_lossy(data));
                }
            }
            _ => break,
        }
    }
    seen
}

/// A mailer whose SMTP server cannot be reached: a port that was free a moment ago.
pub async fn unreachable_mailer() -> Mailer {
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        None,
        "http://portal.test",
    )
    .unwrap()
}

/// The token of the newest link emailed to `to` (the outbox keeps working links in tests),
/// waiting up to 5 seconds for it: password resets are sent after the answer.
pub async fn token_sent_to(db: &DatabaseConnection, to: &str) -> String {
    let newest = || async {
        outbox::Entity::find()
            .filter(outbox::Column::Recipient.eq(to))
            .order_by_desc(outbox::Column::Id)
            .one(db)
            .await
            .unwrap()
    };
    let mut mail = newest().await;
    for _ in 0..50 {
        if mail.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        mail = newest().await;
    }
    let mail = mail.unwrap_or_else(|| panic!("no email to {to}"));
    assert!(mail.body.contains("http://portal.test/"), "{}", mail.body);
    let start = mail.body.find("token=").expect("a link with a token") + 6;
    mail.body[start..start + 64].to_owned()
}

/// The form of `accept_link`: a link's token and a new password, typed twice.
pub fn password_form(token: &str, password: &str) -> String {
    let p = password.replace(' ', "%20");
    format!("input[token]={token}&input[password]={p}&input[confirm]={p}")
}

/// A booking to insert directly: `minutes` long from `start`, telehealth "ABA session" with no
/// price, made by staff; callers change what their test is about with struct update syntax.
pub fn booking_row(
    organization_id: i32,
    (staff_id, client_id): (i32, i32),
    status: app::domain::schedule::BookingStatus,
    start: chrono::DateTime<chrono::Utc>,
    minutes: i64,
) -> app::server::store::entities::booking::ActiveModel {
    use app::server::store::entities::booking;
    use sea_orm::{NotSet, Set};
    booking::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        staff_id: Set(staff_id),
        client_id: Set(client_id),
        status: Set(status),
        starts_at: Set(start),
        ends_at: Set(start + chrono::Duration::minutes(minutes)),
        location_id: Set(None),
        telehealth: Set(true),
        service: Set("ABA session".into()),
        price_cents: Set(None),
        note: Set(None),
        last_minute: Set(false),
        requested_by: Set("staff:1".into()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        cancelled_by: Set(None),
        acknowledged_at: Set(None),
        video_link: Set(None),
        reminded_at: Set(None),
        series_id: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
}

/// The staff member with `email`.
pub async fn staff_member(
    db: &DatabaseConnection,
    email: &str,
) -> app::server::store::entities::staff_user::Model {
    use app::server::store::entities::staff_user;
    staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no staff member {email}"))
}

/// A policy of client `client_id` (Sam has one in the demo data).
pub async fn policy_of(
    db: &DatabaseConnection,
    client_id: i32,
) -> app::server::store::entities::insurance_policy::Model {
    use app::server::store::entities::insurance_policy;
    insurance_policy::Entity::find()
        .filter(insurance_policy::Column::ClientId.eq(client_id))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no policy of client {client_id}"))
}

/// The id of the staff member with `email`.
pub async fn staff_id(db: &DatabaseConnection, email: &str) -> i32 {
    staff_member(db, email).await.id
}

/// A succeeded sandbox card payment of client `client_id` for `booking_id`; returns its id.
pub async fn paid(db: &DatabaseConnection, client_id: i32, booking_id: i32) -> i32 {
    use app::server::store::entities::{client, payment};
    use sea_orm::{ActiveModelTrait, NotSet, Set};
    let organization_id = client::Entity::find_by_id(client_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .organization_id;
    payment::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        client_id: Set(client_id),
        booking_id: Set(booking_id),
        processor: Set(app::domain::portal_settings::CardProcessor::Sandbox),
        idempotency_key: Set(format!("paid-{client_id}-{booking_id}")),
        processor_ref: Set(Some(format!("pi_sbx_{booking_id}"))),
        amount_cents: Set(12_000),
        currency: Set("usd".into()),
        status: Set(app::domain::payments::PaymentStatus::Succeeded),
        decline_reason: Set(None),
        card_brand: Set(Some("Visa".into())),
        card_last4: Set(Some("4242".into())),
        refunded_cents: Set(0),
        paid_by: Set("client".into()),
        created_at: Set(chrono::Utc::now()),
        completed_at: Set(Some(chrono::Utc::now())),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}
