//! Benchmark: reads and writes of every kind at once, 64 keep-alive connections for 30 seconds,
//! against the real router on a loopback port: portal home pages, messages both ways,
//! conversations read (which marks them read), setting toggles with their audit entries, and
//! sign-ins (sessions and audit entries). Reports the requests per second and every answer
//! that is not a success; the goal is 0 errors on both databases.
//!
//! A person may send 60 messages per conversation in 10 minutes (then 429), so the messages are
//! spread over 128 families (two per connection), each a client like Jordan Lee with their own
//! login and the demo therapist: every send is a real write, well under that limit.
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

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, NotSet, QueryFilter, Set,
};
use tokio::net::TcpStream;

use app::server::store::entities::{client, client_staff, portal_account, staff_user};
use app::server::SessionConfig;

const CONNECTIONS: usize = 64;
/// Families per connection: each connection alternates between its own.
const FAMILIES_PER_CONNECTION: usize = 2;

/// Adds `n` clients like Jordan Lee (same practice, the demo therapist, their own portal login
/// with the demo password); returns their ids and login emails.
async fn families(db: &DatabaseConnection, jordan: i32, n: usize) -> Vec<(i32, String)> {
    let model = client::Entity::find_by_id(jordan)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let login = portal_account::Entity::find()
        .filter(portal_account::Column::ClientId.eq(jordan))
        .one(db)
        .await
        .unwrap()
        .expect("Jordan Lee's login");
    let therapist = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq("therapist@brightpath.example"))
        .one(db)
        .await
        .unwrap()
        .expect("the demo therapist");
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut row: client::ActiveModel = model.clone().into();
        row.id = NotSet;
        row.first_name = Set(format!("Bench{i}"));
        row.search_name = Set(format!("bench{i} {}", model.last_name.to_lowercase()));
        let id = row.insert(db).await.unwrap().id;
        client_staff::ActiveModel {
            client_id: Set(id),
            staff_id: Set(therapist.id),
        }
        .insert(db)
        .await
        .unwrap();
        let email = format!("bench{i}@brightpath.example");
        let mut account: portal_account::ActiveModel = login.clone().into();
        account.id = NotSet;
        account.email = Set(email.clone());
        account.client_id = Set(Some(id));
        account.insert(db).await.unwrap();
        out.push((id, email));
    }
    out
}

#[tokio::main]
async fn main() {
    let (db, url, scratch) = serve::database("mixed").await;
    let seconds = serve::seconds(30);
    let jordan = serve::client_named(&db, "Jordan").await;
    let addr = serve::serve(serve::app(serve::state(
        db.clone(),
        SessionConfig::default(),
    )))
    .await;
    let admin = serve::sign_in(addr, "admin@brightpath.example").await;
    let therapist = serve::sign_in(addr, "therapist@brightpath.example").await;
    let mut family = Vec::new();
    for (id, email) in families(&db, jordan, CONNECTIONS * FAMILIES_PER_CONNECTION).await {
        family.push((id, serve::sign_in(addr, &email).await));
    }
    let family = std::sync::Arc::new(family);

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|i| {
            let (admin, therapist, family) = (admin.clone(), therapist.clone(), family.clone());
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut outcomes: BTreeMap<(&'static str, u16), usize> = BTreeMap::new();
                let end = Instant::now() + seconds;
                let mut n = i;
                while Instant::now() < end {
                    // This connection's families, in turn.
                    let (client_id, login) =
                        &family[i + CONNECTIONS * ((n / 6) % FAMILIES_PER_CONNECTION)];
                    let (client_id, login) = (*client_id, login.as_str());
                    let (kind, status) = match n % 6 {
                        0 => (
                            "portal home",
                            get(
                                &mut stream,
                                addr,
                                &format!("/portal/clients/{client_id}"),
                                login,
                            )
                            .await,
                        ),
                        1 => {
                            let body = format!("client_id={client_id}&body=Message+{n}");
                            (
                                "message from staff",
                                request(&mut stream, addr, "/api/send_message", &body, &therapist)
                                    .await
                                    .0,
                            )
                        }
                        2 => {
                            let body = format!("client_id={client_id}&body=Reply+{n}");
                            (
                                "message from the client",
                                request(&mut stream, addr, "/api/send_message", &body, login)
                                    .await
                                    .0,
                            )
                        }
                        3 => {
                            let body = format!("client_id={client_id}");
                            (
                                "conversation read",
                                request(&mut stream, addr, "/api/get_conversation", &body, login)
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
        // Only sign-ins may be refused with 429 (the hashing gate); a message refused by its
        // rate limit would mean the bench no longer measures writes.
        if *status >= 500 || (*status >= 400 && !(*status == 429 && *kind == "sign-in")) {
            errors += count;
        }
    }
    println!("errors: {errors} (goal: 0; a 429 from sign-in is a refused burst, not an error)");
    let _ = std::fs::remove_file(&scratch);
    if errors > 0 {
        std::process::exit(1);
    }
}
