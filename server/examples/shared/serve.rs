//! The benchmarks' server: their database (a URL argument or a scratch SQLite file, with the
//! demo data), the real router with a benchmark's state on a loopback port, and a sign-in over
//! HTTP that returns the session cookie.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::net::TcpStream;

use app::server::mail::Mailer;
use app::server::{AppState, SessionConfig};
use leptos::config::LeptosOptions;
use server::router::{router, ServerState};

/// The benchmark's database: the URL of its first argument, or a scratch SQLite file named after
/// `name`; migrated, with the demo data, and a pool of `DATABASE_MAX_CONNECTIONS` when set.
/// Returns the connection, its URL and the scratch file to delete at the end.
pub async fn database(name: &str) -> (DatabaseConnection, String, PathBuf) {
    let scratch =
        std::env::temp_dir().join(format!("cp-bench-{name}-{}.sqlite", std::process::id()));
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.display()));
    let pool = std::env::var("DATABASE_MAX_CONNECTIONS")
        .ok()
        .and_then(|n| n.parse().ok());
    let db = server::db::connect_with(&url, pool)
        .await
        .expect("database");
    server::demo::load(&db).await.expect("demo data");
    (db, url, scratch)
}

/// How long each run lasts: `BENCH_SECONDS`, or `default` seconds.
pub fn seconds(default: u64) -> Duration {
    Duration::from_secs(
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default),
    )
}

/// The id of the demo client with this first name.
pub async fn client_named(db: &DatabaseConnection, first_name: &str) -> i32 {
    app::server::store::entities::client::Entity::find()
        .filter(app::server::store::entities::client::Column::FirstName.eq(first_name))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo client {first_name}"))
        .id
}

/// The app's state on `db`, with an outbox mailer and a fixed sealing key.
pub fn state(db: DatabaseConnection, sessions: SessionConfig) -> AppState {
    AppState {
        db,
        sessions,
        mailer: Mailer::outbox("http://127.0.0.1:3000").with_working_links(),
        payments: app::server::processors::PaymentsConfig::new(app::server::secrets::Secrets::new(
            [7; 32],
        )),
        live: Default::default(),
        // As `--demo`: the outbox's links work and the sandbox processor is offered.
        deployment: app::server::Deployment {
            demo: true,
            ..Default::default()
        },
    }
}

/// The whole application router on `state`.
pub fn app(state: AppState) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("client_portal")
        .site_root("target/site")
        .build();
    router(ServerState {
        leptos_options,
        app: state,
    })
}

/// Serves `app` on a free loopback port, in the background; returns its address.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

/// Signs in as `email` (the demo password) and returns the session cookie, `name=value`.
pub async fn sign_in(addr: SocketAddr, email: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = format!(
        "email={}&password=demo-password-1",
        email.replace('@', "%40")
    );
    let (status, headers) =
        crate::http::request(&mut stream, addr, "/api/sign_in", &body, "").await;
    assert_eq!(status, 200, "sign-in of {email}");
    headers
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned()
}
