//! Benchmark: what the signed-in portal home costs next to a bare axum handler. In one process
//! and on one database pool, it serves the real router (the portal home of Jordan Lee, signed in
//! as the demo client) and a bare handler that reads one row and returns a small HTML page, then
//! drives each with 1, 16 and 64 keep-alive connections for 10 seconds (after a 1-second warm-up)
//! and prints requests per second, median, p99, p99.9 and the slowest request, and the portal
//! home's share of the bare handler's throughput. Goal: ≥ 40 %, with p99 ≤ 50 ms at 64 connections.
//! A third handler reads one row six times, one after the other, and returns the same page: the
//! portal home's statement budget with no session, no rule and no rendering, so its share is the
//! most that any page of six statements could reach on this database.
//! Usage: `bench/ssr-ratio [DATABASE_URL]` (default: a scratch SQLite file); `BENCH_SECONDS` changes
//! the 10 seconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[path = "shared/http.rs"]
mod http;
#[path = "shared/http_get.rs"]
mod http_get;
#[path = "shared/serve.rs"]
mod serve;
use http_get::get;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get as route_get;
use axum::Router;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::net::TcpStream;

use app::server::store::entities::organization;
use app::server::SessionConfig;

const CONNECTIONS: [usize; 3] = [1, 16, 64];
const WARM_UP: Duration = Duration::from_secs(1);

/// The bare handler: one row, a small page.
async fn bare(State(db): State<DatabaseConnection>) -> Result<Html<String>, StatusCode> {
    Ok(page(organization_name(&db).await?))
}

/// One row read six times, one after the other (the portal home's budget of statements), the
/// same page.
async fn six_reads(State(db): State<DatabaseConnection>) -> Result<Html<String>, StatusCode> {
    let mut name = String::new();
    for _ in 0..6 {
        name = organization_name(&db).await?;
    }
    Ok(page(name))
}

/// The demo organization's name; a failed read is a 500, which stops the benchmark.
async fn organization_name(db: &DatabaseConnection) -> Result<String, StatusCode> {
    organization::Entity::find_by_id(1)
        .one(db)
        .await
        .ok()
        .flatten()
        .map(|o| o.name)
        .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn page(name: String) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{name}</title></head>\
         <body><h1>{name}</h1></body></html>"
    ))
}

struct Run {
    per_second: f64,
    median: Duration,
    p99: Duration,
    /// The slowest thousandth and the slowest request: whether the tail is a few stalls.
    p999: Duration,
    max: Duration,
}

/// Drives `path` with `connections` keep-alive connections for `seconds`.
async fn drive(
    addr: SocketAddr,
    path: &str,
    cookie: &str,
    connections: usize,
    seconds: Duration,
) -> Run {
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (path, cookie) = (path.to_owned(), cookie.to_owned());
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let warm_until = Instant::now() + WARM_UP;
                while Instant::now() < warm_until {
                    assert_eq!(get(&mut stream, addr, &path, &cookie).await, 200, "{path}");
                }
                let end = Instant::now() + seconds;
                let mut times = Vec::new();
                while Instant::now() < end {
                    let t = Instant::now();
                    assert_eq!(get(&mut stream, addr, &path, &cookie).await, 200, "{path}");
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    times.sort();
    Run {
        per_second: times.len() as f64 / seconds.as_secs_f64(),
        median: times[times.len() / 2],
        p99: times[times.len() * 99 / 100],
        p999: times[times.len() * 999 / 1000],
        max: times[times.len() - 1],
    }
}

#[tokio::main]
async fn main() {
    let (db, url, scratch) = serve::database("ssr").await;
    let seconds = serve::seconds(10);
    let jordan = serve::client_named(&db, "Jordan").await;
    let app = serve::app(serve::state(db.clone(), SessionConfig::default())).merge(
        Router::new()
            .route("/bare", route_get(bare))
            .route("/six-reads", route_get(six_reads))
            .with_state(db),
    );
    let addr = serve::serve(app).await;
    let cookie = serve::sign_in(addr, "client@brightpath.example").await;
    let home = format!("/portal/clients/{jordan}");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{seconds:?} per run on {url}");
    println!("connections  page          requests/s   median      p99         p99.9       max");
    for connections in CONNECTIONS {
        let portal = drive(addr, &home, &cookie, connections, seconds).await;
        let bare = drive(addr, "/bare", "", connections, seconds).await;
        let six = drive(addr, "/six-reads", "", connections, seconds).await;
        for (label, run) in [
            ("portal home", &portal),
            ("bare handler", &bare),
            ("six reads", &six),
        ] {
            println!(
                "{connections:<12} {label:<13} {:>10.0}   {:>6.2} ms   {:>6.2} ms   {:>6.2} ms   {:>6.2} ms",
                run.per_second,
                ms(run.median),
                ms(run.p99),
                ms(run.p999),
                ms(run.max)
            );
        }
        println!(
            "{connections:<12} ratio         {:>9.1} %   (goal ≥ 40 %{}; six reads alone: {:.1} %)",
            100.0 * portal.per_second / bare.per_second,
            if connections == 64 {
                ", p99 ≤ 50 ms"
            } else {
                ""
            },
            100.0 * six.per_second / bare.per_second,
        );
    }
    let _ = std::fs::remove_file(&scratch);
}
