//! Benchmark: the round trip of a settings toggle (`POST /api/change_setting`) with 32
//! concurrent keep-alive connections against the real router on a loopback port.
//! Usage: `bench/settings-toggle [DATABASE_URL]` (default: a scratch SQLite file). Budget: p99 ≤ 20 ms.

#[path = "shared/http.rs"]
mod http;
#[path = "shared/serve.rs"]
#[allow(dead_code)] // the run length and client lookup: this bench counts requests instead
mod serve;
use http::request;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use app::server::SessionConfig;

const CONNECTIONS: usize = 32;
const REQUESTS_PER_CONNECTION: usize = 100;
/// Untimed requests per connection first, so that pool connections and caches are warm.
const WARM_UP: usize = 5;

#[tokio::main]
async fn main() {
    let (db, url, scratch) = serve::database("toggle").await;
    let addr = serve::serve(serve::app(serve::state(db, SessionConfig::default()))).await;
    let cookie = serve::sign_in(addr, "admin@brightpath.example").await;

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
