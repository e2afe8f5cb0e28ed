//! Benchmark: 1,000 open event streams, 100 messages. Opens `/events` 1,000 times against the real
//! router on a loopback port (250 each for Jordan Lee, the parent, the therapist and the
//! administrator, 5 per session; the first message tells which of them Jordan's conversation
//! concerns), then the therapist and Jordan
//! send 100 messages, taking turns, one at a time; each is timed from its send until every stream it concerns
//! has received its `conversation` event. Reports the delivery time (p50, p99, slowest) over all streams and
//! messages, and the SQL statements each message cost beyond its own send.
//! Usage: `bench/live-fanout [DATABASE_URL]` (default: a scratch SQLite file). `STREAMS` and
//! `MESSAGES` change the 1,000 and 100.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "shared/http.rs"]
mod http;
// Shared with the other benchmarks; this one has a fixed length, so `seconds` is unused here.
#[allow(dead_code)]
#[path = "shared/serve.rs"]
mod serve;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use app::server::access::session::{self, Owner};
use app::server::store::entities::{portal_account, staff_user};
use app::server::SessionConfig;

/// At most this many streams per session (the server's cap).
const PER_SESSION: usize = 5;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let streams = setting("STREAMS", 1_000);
    let messages = setting("MESSAGES", 100);
    let (db, url, scratch) = serve::database("fanout").await;
    let jordan = serve::client_named(&db, "Jordan").await;
    let statements = Arc::new(AtomicUsize::new(0));
    let mut counted = db.clone();
    let counter = statements.clone();
    counted.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let config = SessionConfig::default();
    let addr = serve::serve(serve::app(serve::state(counted, config.clone()))).await;
    // The therapist and Jordan take turns: one person may send 60 messages per conversation in
    // 10 minutes.
    let senders = [
        serve::sign_in(addr, "therapist@brightpath.example").await,
        serve::sign_in(addr, "client@brightpath.example").await,
    ];

    // The four people concerned by Jordan's conversation, each with enough sessions.
    let staff = |email: &'static str| {
        let db = db.clone();
        async move {
            let row = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq(email))
                .one(&db)
                .await
                .unwrap()
                .expect("demo staff");
            Owner::Staff(row.id)
        }
    };
    let portal = |email: &'static str| {
        let db = db.clone();
        async move {
            let row = portal_account::Entity::find()
                .filter(portal_account::Column::Email.eq(email))
                .one(&db)
                .await
                .unwrap()
                .expect("demo login");
            Owner::Portal(row.id)
        }
    };
    let people = [
        portal("client@brightpath.example").await,
        portal("parent@brightpath.example").await,
        staff("therapist@brightpath.example").await,
        staff("admin@brightpath.example").await,
    ];
    let mut cookies = Vec::new();
    for i in 0..streams.div_ceil(PER_SESSION) {
        let token = session::create(&db, &config, people[i % people.len()], None, Utc::now())
            .await
            .expect("session");
        cookies.push(format!("{}={token}", session::COOKIE));
    }

    // Every stream reports each `conversation` event for Jordan with the time it arrived.
    let (arrived, mut arrivals) = mpsc::unbounded_channel::<(usize, Instant)>();
    let opened = Arc::new(AtomicUsize::new(0));
    for s in 0..streams {
        let cookie = cookies[s / PER_SESSION].clone();
        let (arrived, opened) = (arrived.clone(), opened.clone());
        let wanted = format!("event: conversation\ndata: {jordan}\n");
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            let head = format!(
                "GET /events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.expect("write");
            let mut text = String::new();
            let mut chunk = [0u8; 4096];
            let mut counted_open = false;
            loop {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                text.push_str(&String::from_utf8_lossy(&chunk[..n]));
                if !counted_open && text.contains("\r\n\r\n") {
                    assert!(text.starts_with("HTTP/1.1 200"), "stream refused: {text}");
                    counted_open = true;
                    opened.fetch_add(1, Ordering::SeqCst);
                }
                while let Some(at) = text.find(&wanted) {
                    let _ = arrived.send((s, Instant::now()));
                    text.drain(..at + wanted.len());
                }
                if text.len() > 64 * 1024 {
                    let keep = text.len() - 1024;
                    text.drain(..keep);
                }
            }
        });
    }
    let open_by = Instant::now() + Duration::from_secs(60);
    while opened.load(Ordering::SeqCst) < streams {
        assert!(
            Instant::now() < open_by,
            "only {} streams opened",
            opened.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{streams} streams open over {} sessions ({url})",
        cookies.len()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    while arrivals.try_recv().is_ok() {}

    let mut sender = TcpStream::connect(addr).await.unwrap();
    let mut delays: Vec<Duration> = Vec::with_capacity(streams * messages);
    let mut own_statements = 0usize;
    let mut all_statements = 0usize;
    let mut missed = 0usize;
    // Which streams a message concerns is learnt from the first one (a login without the
    // messages scope, for example, is not told); later messages are awaited on those.
    let mut concerned: Option<Vec<bool>> = None;
    for m in 0..messages {
        let before = statements.load(Ordering::SeqCst);
        let sent = Instant::now();
        let body = format!("client_id={jordan}&body=Fan-out+message+{m}");
        let (status, _) = http::request(
            &mut sender,
            addr,
            "/api/send_message",
            &body,
            &senders[m % 2],
        )
        .await;
        assert_eq!(status, 200, "send_message");
        own_statements += statements.load(Ordering::SeqCst) - before;
        let mut got = vec![false; streams];
        let mut left = concerned
            .as_ref()
            .map_or(streams, |c| c.iter().filter(|c| **c).count());
        let deadline = sent + Duration::from_secs(if concerned.is_some() { 10 } else { 5 });
        while left > 0 {
            match tokio::time::timeout_at(deadline.into(), arrivals.recv()).await {
                Ok(Some((s, at)))
                    if !got[s] && at >= sent && concerned.as_ref().is_none_or(|c| c[s]) =>
                {
                    got[s] = true;
                    left -= 1;
                    delays.push(at - sent);
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        if concerned.is_none() {
            concerned = Some(got);
        } else {
            missed += left;
        }
        // Let the last streams' queries finish before the next message is counted.
        tokio::time::sleep(Duration::from_millis(200)).await;
        all_statements += statements.load(Ordering::SeqCst) - before;
    }

    delays.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| delays[((delays.len() as f64 - 1.0) * q) as usize];
    let told = concerned.map_or(0, |c| c.iter().filter(|c| **c).count());
    println!("{told} of the {streams} streams are concerned by Jordan's conversation");
    println!(
        "delivery over {} deliveries: p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms; missed {missed}",
        delays.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*delays.last().unwrap())
    );
    println!(
        "statements per message: {:.1} for the send itself, {:.1} for delivering it to {told} streams",
        own_statements as f64 / messages as f64,
        (all_statements - own_statements) as f64 / messages as f64
    );
    let _ = std::fs::remove_file(&scratch);
    std::process::exit(0);
}
