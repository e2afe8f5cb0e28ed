//! Benchmark: 200 portal clients requesting random slots of one therapist for 60 seconds,
//! against the real router on a loopback port. Reports throughput, latency and outcomes, then
//! checks in the database that no two held bookings of the therapist overlap.
//! Usage: `bench/slot-requests [DATABASE_URL] [SECONDS]` (default: a scratch SQLite file, 60 s).

use std::time::{Duration, Instant};

#[path = "shared/http.rs"]
mod http;
#[path = "shared/serve.rs"]
#[allow(dead_code)] // sign-in: this bench makes its sessions directly
mod serve;
use http::request;

use chrono::{NaiveDate, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    Statement,
};
use tokio::net::TcpStream;

use app::domain::client::{last_name_key, search_name};
use app::server::access::session::{self, Owner};
use app::server::store::entities::{
    availability_hour, client, client_staff, portal_account, staff_user,
};
use app::server::SessionConfig;

const CLIENTS: usize = 200;

#[tokio::main]
async fn main() {
    let scratch =
        std::env::temp_dir().join(format!("cp-bench-slots-{}.sqlite", std::process::id()));
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.display()));
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let db = server::db::connect_and_migrate(&url)
        .await
        .expect("database");
    server::demo::load(&db).await.expect("demo data");
    let taylor = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq("therapist@brightpath.example"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    // Open every day around the clock in 15-minute slots: about 2,000 slots in three weeks.
    availability_hour::Entity::delete_many()
        .filter(availability_hour::Column::StaffId.eq(taylor.id))
        .exec(&db)
        .await
        .unwrap();
    for weekday in 1..=7 {
        availability_hour::ActiveModel {
            id: NotSet,
            staff_id: Set(taylor.id),
            weekday: Set(weekday),
            start_minute: Set(0),
            end_minute: Set(24 * 60 - 1),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::SlotMinutes, 15.into())
        .filter(staff_user::Column::Id.eq(taylor.id))
        .exec(&db)
        .await
        .unwrap();
    let config = SessionConfig::default();
    let mut logins = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let c = client::ActiveModel {
            id: NotSet,
            organization_id: Set(taylor.organization_id),
            first_name: Set(format!("Bench{i}")),
            last_name: Set("Client".into()),
            search_name: Set(search_name(&format!("Bench{i}"), "Client")),
            last_name_key: Set(last_name_key("Client")),
            uses_portal: Set(true),
            date_of_birth: Set(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()),
            email: Set(Some(format!("bench{i}@example.com"))),
            created_at: Set(Utc::now()),
        }
        .insert(&db)
        .await
        .unwrap();
        client_staff::ActiveModel {
            client_id: Set(c.id),
            staff_id: Set(taylor.id),
        }
        .insert(&db)
        .await
        .unwrap();
        let account = portal_account::ActiveModel {
            id: NotSet,
            organization_id: Set(taylor.organization_id),
            email: Set(format!("bench{i}@example.com")),
            password_hash: Set("not-a-login".into()),
            client_id: Set(Some(c.id)),
            contact_id: Set(None),
            created_at: Set(Utc::now()),
            appointment_reminders: Set(true),
        }
        .insert(&db)
        .await
        .unwrap();
        let token = session::create(&db, &config, Owner::Portal(account.id), None, Utc::now())
            .await
            .unwrap();
        logins.push((c.id, account.id, format!("{}={token}", session::COOKIE)));
    }
    let addr = serve::serve(serve::app(serve::state(db.clone(), config))).await;
    // The slots on offer at the start: what clients pick from at random.
    let slots = app::server::services::scheduling::open_slots_for(
        &app::server::access::context::Ctx {
            state: serve::state(db.clone(), SessionConfig::default()),
            actor: app::server::access::actor::Actor::load(&db, Owner::Portal(logins[0].1))
                .await
                .unwrap(),
            ip: None,
            device: None,
            token: None,
            memo: Default::default(),
        },
        logins[0].0,
        Utc::now(),
    )
    .await;
    let keys: Vec<String> = slots
        .expect("open slots")
        .iter()
        .filter(|s| s.staff_id == taylor.id)
        .map(|s| s.key())
        .collect();
    assert!(!keys.is_empty(), "no open slots to request");
    println!(
        "{CLIENTS} clients, {} open 15-minute slots, {seconds} s on {url}",
        keys.len()
    );

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = logins
        .into_iter()
        .map(|(client_id, _, cookie)| {
            let keys = keys.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut times = Vec::new();
                let (mut held, mut taken) = (0u32, 0u32);
                while Instant::now() < deadline {
                    let key = &keys[rand::thread_rng().gen_range(0..keys.len())];
                    let body = format!(
                        "client_id={client_id}&slot={}&note=",
                        key.replace('+', "%2B")
                            .replace(':', "%3A")
                            .replace('@', "%40")
                    );
                    let t = Instant::now();
                    let (status, _) =
                        request(&mut stream, addr, "/api/request_slot", &body, &cookie).await;
                    times.push(t.elapsed());
                    match status {
                        200 => held += 1,
                        409 => taken += 1,
                        other => panic!("unexpected status {other}"),
                    }
                }
                (times, held, taken)
            })
        })
        .collect();
    let (mut times, mut held, mut taken) = (Vec::new(), 0, 0);
    for task in tasks {
        let (t, h, k) = task.await.unwrap();
        times.extend(t);
        held += h;
        taken += k;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} requests ({:.0}/s): {held} held, {taken} refused as taken; median {:.2} ms, p99 {:.2} ms",
        times.len(),
        times.len() as f64 / seconds as f64,
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100])
    );
    let overlaps = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM bookings a JOIN bookings b ON a.staff_id = b.staff_id AND a.id < b.id \
             WHERE a.status IN ('requested', 'booked') AND b.status IN ('requested', 'booked') \
             AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    println!("overlapping held bookings: {overlaps}");
    assert_eq!(overlaps, 0, "a double booking");
}
