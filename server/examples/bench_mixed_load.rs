//! Benchmark: reads and writes of every kind at once, 64 keep-alive connections for 30 seconds,
//! against the real router on a loopback port: portal home pages, messages both ways,
//! conversations read (which marks them read), setting toggles with their audit entries, and
//! sign-ins (sessions and audit entries). Reports the requests per second and every answer
//! that is not a success; the goal is 0 errors on both databases.
//! Usage: `bench/mixed-load [DATABASE_URL]` (default: a scratch SQLite file); `BENCH_SECONDS`
//! changes the 30 seconds.

use std::collections::BTreeMap;
use std::time::Instant;

#[path = "shared/http.rs"]
mod http;
#[path = "shared/http_get.rs"]
mod http_get;
#[path = "shared/serve.rs"]
mod serve;
use http::request;
use http_get::get;

use tokio::net::TcpStream;

use app::server::SessionConfig;

const CONNECTIONS: usize = 64;

#[tokio::main]
async fn main() {
    let (db, url, scratch) = serve::database("mixed").await;
    let seconds = serve::seconds(30);
    let jordan = serve::client_named(&db, "Jordan").await;
    let addr = serve::serve(serve::app(serve::state(db, SessionConfig::default()))).await;
    let admin = serve::sign_in(addr, "admin@brightpath.example").await;
    let therapist = serve::sign_in(addr, "therapist@brightpath.example").await;
    let client = serve::sign_in(addr, "client@brightpath.example").await;

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|i| {
            let (admin, therapist, client) = (admin.clone(), therapist.clone(), client.clone());
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut outcomes: BTreeMap<(&'static str, u16), usize> = BTreeMap::new();
                let end = Instant::now() + seconds;
                let mut n = i;
                while Instant::now() < end {
                    let (kind, status) = match n % 6 {
                        0 => (
                            "portal home",
                            get(
                                &mut stream,
                                addr,
                                &format!("/portal/clients/{jordan}"),
                                &client,
                            )
                            .await,
                        ),
                        1 => {
                            let body = format!("client_id={jordan}&body=Message+{n}");
                            (
                                "message from staff",
                                request(&mut stream, addr, "/api/send_message", &body, &therapist)
                                    .await
                                    .0,
                            )
                        }
                        2 => {
                            let body = format!("client_id={jordan}&body=Reply+{n}");
                            (
                                "message from the client",
                                request(&mut stream, addr, "/api/send_message", &body, &client)
                                    .await
                                    .0,
                            )
                        }
                        3 => {
                            let body = format!("client_id={jordan}");
                            (
                                "conversation read",
                                request(&mut stream, addr, "/api/get_conversation", &body, &client)
                                    .await
                                    .0,
                            )
                        }
                        4 => {
                            let body = format!("setting=add_payers&on={}", n % 12 == 4);
                            (
                                "setting toggled",
                                request(&mut stream, addr, "/api/change_setting", &body, &admin)
                                    .await
                                    .0,
                            )
                        }
                        _ => {
                            let body = "email=parent%40brightpath.example&password=demo-password-1";
                            (
                                "sign-in",
                                request(&mut stream, addr, "/api/sign_in", body, "").await.0,
                            )
                        }
                    };
                    *outcomes.entry((kind, status)).or_default() += 1;
                    n += 1;
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes: BTreeMap<(&'static str, u16), usize> = BTreeMap::new();
    for task in tasks {
        for (key, count) in task.await.unwrap() {
            *outcomes.entry(key).or_default() += count;
        }
    }
    let wall = started.elapsed();
    let total: usize = outcomes.values().sum();
    println!(
        "{total} requests over {CONNECTIONS} connections in {:.1} s ({:.0}/s) on {url}",
        wall.as_secs_f64(),
        total as f64 / wall.as_secs_f64()
    );
    let mut errors = 0;
    for ((kind, status), count) in &outcomes {
        println!("  {kind:<24} {status}  {count}");
        if *status >= 500 || (*status >= 400 && *status != 429) {
            errors += count;
        }
    }
    println!("errors: {errors} (goal: 0; a 429 is a refused sign-in burst, not an error)");
    let _ = std::fs::remove_file(&scratch);
    if errors > 0 {
        std::process::exit(1);
    }
}
