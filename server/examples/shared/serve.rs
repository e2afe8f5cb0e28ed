//! The benchmarks' server: the real router with a benchmark's state on a loopback port, and a
//! sign-in over HTTP that returns the session cookie.

use std::net::SocketAddr;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpStream;

use app::server::mail::Mailer;
use app::server::{AppState, SessionConfig};
use leptos::config::LeptosOptions;
use server::router::{router, ServerState};

/// The app's state on `db`, with an outbox mailer and a fixed sealing key.
pub fn state(db: DatabaseConnection, sessions: SessionConfig) -> AppState {
    AppState {
        db,
        sessions,
        mailer: Mailer::outbox("http://127.0.0.1:3000"),
        payments: app::server::processors::PaymentsConfig::new(app::server::secrets::Secrets::new(
            [7; 32],
        )),
        live: Default::default(),
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
