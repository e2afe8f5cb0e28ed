//! Benchmark: Manage Clients search and page query over 100,000 portal clients.
//!
//! Loads 100,000 clients (each with a portal login) into a scratch database and times the
//! service behind `list_portal_clients` — server time, no HTTP — for a few typical queries.
//! Usage: `bench/manage-clients [DATABASE_URL]` (default: a scratch SQLite file). Budget: p99 ≤ 25 ms.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, NotSet, QueryFilter, Set};

use app::domain::client::{last_name_key, search_name};
use app::domain::paging::PageAt;
use app::server::access::actor::{Actor, Staff};
use app::server::access::context::Ctx;
use app::server::mail::Mailer;
use app::server::services::settings;
use app::server::store::entities::{client, portal_account};
use app::server::{AppState, SessionConfig};

const CLIENTS: usize = 100_000;
const RUNS: usize = 100;
/// Untimed runs of each query first, so that caches are warm.
const WARM_UP: usize = 5;
const FIRST: [&str; 10] = [
    "Jordan", "Sam", "Avery", "Riley", "Casey", "Quinn", "Morgan", "Taylor", "Jamie", "Drew",
];
const LAST: [&str; 10] = [
    "Lee", "Smith", "Garcia", "Nguyen", "Patel", "Brown", "Kim", "Lopez", "Clark", "Young",
];

#[tokio::main]
async fn main() {
    let scratch = std::env::temp_dir().join(format!("cp-bench-{}.sqlite", std::process::id()));
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.display()));
    let db = server::db::connect_and_migrate(&url)
        .await
        .expect("database");
    server::demo::load(&db).await.expect("demo data");
    let started = Instant::now();
    for chunk in (0..CLIENTS).collect::<Vec<_>>().chunks(1_000) {
        let clients = chunk.iter().map(|i| {
            let (first, last) = (FIRST[i % 10], format!("{}{}", LAST[(i / 10) % 10], i / 100));
            client::ActiveModel {
                id: NotSet,
                organization_id: Set(1),
                search_name: Set(search_name(first, &last)),
                last_name_key: Set(last_name_key(&last)),
                uses_portal: Set(true),
                first_name: Set(first.to_owned()),
                last_name: Set(last),
                date_of_birth: Set(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()),
                email: Set(Some(format!("bench{i}@example.com"))),
                created_at: Set(Utc::now()),
            }
        });
        let first_id = client::Entity::insert_many(clients)
            .exec(&db)
            .await
            .expect("clients")
            .last_insert_id
            .expect("ids")
            - chunk.len() as i32
            + 1;
        let accounts = chunk
            .iter()
            .enumerate()
            .map(|(n, i)| portal_account::ActiveModel {
                id: NotSet,
                organization_id: Set(1),
                email: Set(format!("bench{i}@example.com")),
                password_hash: Set("not-a-login".into()),
                client_id: Set(Some(first_id + n as i32)),
                contact_id: Set(None),
                created_at: Set(Utc::now()),
                appointment_reminders: Set(true),
            });
        portal_account::Entity::insert_many(accounts)
            .exec(&db)
            .await
            .expect("accounts");
    }
    println!(
        "loaded {CLIENTS} portal clients in {:.1} s ({url})",
        started.elapsed().as_secs_f64()
    );
    if db.get_database_backend() == DbBackend::Postgres {
        // What autovacuum does within a minute of a bulk load: statistics and the visibility
        // map, without which every count reads the whole table.
        db.execute_unprepared("VACUUM ANALYZE clients")
            .await
            .expect("vacuum");
    }

    let ctx = Ctx {
        state: AppState {
            db,
            sessions: SessionConfig::default(),
            mailer: Mailer::outbox("http://127.0.0.1:3000").with_working_links(),
            payments: app::server::processors::PaymentsConfig::new(
                app::server::secrets::Secrets::new([7; 32]),
            ),
            live: Default::default(),
            // As `--demo`: the outbox's links work and the sandbox processor is offered.
            deployment: app::server::Deployment {
                demo: true,
                ..Default::default()
            },
        },
        actor: Some(Actor::Staff(Staff {
            id: 1,
            organization_id: 1,
            name: "Bench".into(),
            email: "admin@brightpath.example".into(),
            is_admin: true,
            is_therapist: true,
        })),
        ip: None,
        device: None,
        token: None,
        memo: Default::default(),
    };
    // A client half way down the list (a Jordan), as the cursor of a deep page.
    let middle = client::Entity::find()
        .filter(client::Column::Email.eq("bench50000@example.com"))
        .one(&ctx.state.db)
        .await
        .expect("query")
        .expect("the middle client")
        .id
        .into();
    println!("{:<34} {:>10} {:>10}", "query", "median", "p99");
    for (label, query, at) in [
        ("first page, no search", "", PageAt::First),
        ("page after client 50,000", "", PageAt::After(middle)),
        ("page before client 50,000", "", PageAt::Before(middle)),
        ("search \"lee\"", "lee", PageAt::First),
        (
            "search \"jordan\", after 50,000",
            "jordan",
            PageAt::After(middle),
        ),
        ("search \"smith42\", first page", "smith42", PageAt::First),
        ("search \"zz\" (no match)", "zz", PageAt::First),
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for run in 0..WARM_UP + RUNS {
            let t = Instant::now();
            let result = settings::portal_clients(&ctx, query, at)
                .await
                .expect("query");
            if run >= WARM_UP {
                times.push(t.elapsed());
            }
            std::hint::black_box(result);
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{label:<34} {:>8.2} ms {:>8.2} ms",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 99 / 100])
        );
    }
    println!("budget: 25 ms server time");
    let _ = std::fs::remove_file(&scratch);
}
