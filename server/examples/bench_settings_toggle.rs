//! Benchmark: the round trip of a settings toggle (`POST /api/change_setting`) with 32
//! concurrent keep-alive connections against the real router on a loopback port.
//! Usage: `bench/settings-toggle [DATABASE_URL]` (default: a scratch SQLite file). Budget: p99 ≤ 20 ms.

use std::net::SocketAddr;

#[path = "shared/http.rs"]
mod http;
use http::request;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use app::server::mail::Mailer;
use app::server::{AppState, SessionConfig};
use leptos::config::LeptosOptions;
use server::router::{router, ServerState};

const CONNECTIONS: usize = 32;
const REQUESTS_PER_CONNECTION: usize = 100;
/// Untimed requests per connection first, so that pool connections and caches are warm.
const WARM_UP: usize = 5;

#[tokio::main]
async fn main() {
    let scratch =
        std::env::temp_dir().join(format!("cp-bench-toggle-{}.sqlite", std::process::id()));
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
    let leptos_options = LeptosOptions::builder()
        .output_name("client_portal")
        .site_root("target/site")
        .build();
    let app = router(ServerState {
        leptos_options,
        app: AppState {
            db,
            sessions: SessionConfig::default(),
            mailer: Mailer::outbox("http://127.0.0.1:3000"),
            payments: app::server::processors::PaymentsConfig::new(
                app::server::secrets::Secrets::new([7; 32]),
            ),
            live: Default::default(),
        },
    });
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

    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (status, headers) = request(
        &mut stream,
        addr,
        "/api/sign_in",
        "email=admin%40brightpath.example&password=demo-password-1",
        "",
    )
    .await;
    assert_eq!(status, 200, "sign-in");
    let cookie = headers
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|i| {
            let cookie = cookie.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut times = Vec::with_capacity(REQUESTS_PER_CONNECTION);
                for n in 0..WARM_UP + REQUESTS_PER_CONNECTION {
                    // Alternate two independent settings so that concurrent writers touch different rows too.
                    let setting = if i % 2 == 0 {
                        "hide_location_address"
                    } else {
                        "contact_access"
                    };
                    let body = format!("setting={setting}&on={}", n % 2 == 0);
                    let t = Instant::now();
                    let (status, _) =
                        request(&mut stream, addr, "/api/change_setting", &body, &cookie).await;
                    if n >= WARM_UP {
                        times.push(t.elapsed());
                    }
                    assert_eq!(status, 200, "toggle");
                }
                times
            })
        })
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let wall = started.elapsed();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} toggles over {CONNECTIONS} connections in {:.2} s ({:.0}/s) on {url}",
        times.len(),
        wall.as_secs_f64(),
        (CONNECTIONS * (WARM_UP + REQUESTS_PER_CONNECTION)) as f64 / wall.as_secs_f64()
    );
    println!(
        "round trip: median {:.2} ms, p99 {:.2} ms, max {:.2} ms (budget: p99 <= 20 ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100]),
        ms(*times.last().unwrap())
    );
    let _ = std::fs::remove_file(&scratch);
}
