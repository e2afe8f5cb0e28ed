//! The live-update stream: capped per session, never keeping a session alive, and costing the
//! same few queries per change however many streams are open.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tower::ServiceExt;

use app::server::access::session::{self, Activity, Owner};
use app::server::live::{Changes, LiveHub, Watch};
use app::server::store::entities::session as session_entity;
use app::server::store::entities::{client, message, portal_account, staff_user};
use app::server::store::sessions;
use app::server::SessionConfig;
use common::{client_id, each_database, events_request, sign_in};

async fn open(app: &axum::Router, cookie: &str) -> axum::response::Response {
    app.clone().oneshot(events_request(cookie)).await.unwrap()
}

#[tokio::test]
async fn a_session_has_at_most_five_open_streams() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let mut streams = Vec::new();
            for _ in 0..5 {
                let res = open(&app, &cookie).await;
                assert_eq!(res.status(), StatusCode::OK);
                streams.push(res);
            }
            let sixth = open(&app, &cookie).await;
            assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
            // Another person is not affected; a closed stream gives its place back.
            let other = sign_in(&app, "parent@brightpath.example").await;
            assert_eq!(open(&app, &other).await.status(), StatusCode::OK);
            drop(streams.pop());
            assert_eq!(open(&app, &cookie).await.status(), StatusCode::OK);
        }),
    )
    .await;
}

#[tokio::test]
async fn only_a_persons_own_requests_keep_the_session_alive() {
    each_database(
        true,
        body!(|t| {
            let config = SessionConfig::default();
            let started = Utc::now() - Duration::minutes(5);
            let token = session::create(&t.db, &config, session::Owner::Staff(1), None, started)
                .await
                .unwrap();
            let last_seen = || async {
                session_entity::Entity::find_by_id(session::digest(&token))
                    .one(&t.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .last_seen_at
            };
            let now = Utc::now();
            // The live stream reads the session without moving its idle timer.
            session::resolve_as(&t.db, &config, &token, now, Activity::Machine)
                .await
                .unwrap()
                .expect("live session");
            let live = |at| {
                let db = t.db.clone();
                let config = config.clone();
                let digest = session::digest(&token);
                async move {
                    sessions::live_among(
                        &db,
                        std::slice::from_ref(&digest),
                        config.idle_timeout,
                        at,
                    )
                    .await
                    .unwrap()
                    .contains(&digest)
                }
            };
            assert!(live(now).await);
            assert_eq!(last_seen().await.timestamp(), started.timestamp());
            // A page the person opens does.
            session::resolve(&t.db, &config, &token, now)
                .await
                .unwrap()
                .expect("live session");
            assert_eq!(last_seen().await.timestamp(), now.timestamp());
            // Idle past the timeout, the stream's check says the session has ended.
            assert!(!live(now + Duration::minutes(31)).await);
        }),
    )
    .await;
}

/// The session and reader of one demo person, with `n` sessions.
async fn sessions_of(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    n: usize,
) -> (Vec<String>, String, Option<i32>) {
    let config = SessionConfig::default();
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap();
    let (owner, reader, calendar) = match staff {
        Some(s) => (Owner::Staff(s.id), format!("staff:{}", s.id), Some(s.id)),
        None => {
            let p = portal_account::Entity::find()
                .filter(portal_account::Column::Email.eq(email))
                .one(db)
                .await
                .unwrap()
                .expect("a demo login");
            (Owner::Portal(p.id), format!("portal:{}", p.id), None)
        }
    };
    let mut tokens = Vec::new();
    for _ in 0..n {
        tokens.push(
            session::create(db, &config, owner, None, Utc::now())
                .await
                .unwrap(),
        );
    }
    (tokens, reader, calendar)
}

#[tokio::test]
async fn a_change_costs_the_same_few_queries_however_many_streams_it_concerns() {
    each_database(
        true,
        body!(|t| {
            let config = SessionConfig::default();
            let jordan = client_id(&t.db, "Jordan").await;
            let organization_id = client::Entity::find_by_id(jordan)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .organization_id;
            let (therapist_tokens, therapist, therapist_calendar) =
                sessions_of(&t.db, "therapist@brightpath.example", 1).await;
            // One unread message from the therapist in Jordan's conversation.
            message::ActiveModel {
                organization_id: Set(organization_id),
                client_id: Set(jordan),
                sender_key: Set(therapist.clone()),
                sender_name: Set("Taylor".into()),
                body: Set("See you Monday".into()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&t.db)
            .await
            .unwrap();
            let changes = Changes {
                conversations: vec![jordan],
                calendars: therapist_calendar.into_iter().collect(),
            };
            let mut counted_db = t.db.clone();
            let statements = Arc::new(AtomicUsize::new(0));
            let counter = statements.clone();
            counted_db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            });

            let mut cost = Vec::new();
            for per_person in [1, 5] {
                let hub = LiveHub::default();
                let mut streams = Vec::new();
                for email in [
                    "client@brightpath.example",
                    "parent@brightpath.example",
                    "therapist@brightpath.example",
                ] {
                    let (tokens, reader, calendar) = sessions_of(&t.db, email, per_person).await;
                    for token in tokens {
                        let watch = Watch {
                            session: session::digest(&token),
                            reader: reader.clone(),
                            conversations: vec![jordan],
                            calendar,
                            unread: Default::default(),
                        };
                        streams.push((reader.clone(), hub.open(watch).expect("under the cap")));
                    }
                }
                statements.store(0, Ordering::SeqCst);
                hub.deliver(&counted_db, &config, &changes, Utc::now())
                    .await
                    .unwrap();
                cost.push(statements.load(Ordering::SeqCst));
                for (reader, stream) in &streams {
                    let pending = stream.next().await;
                    assert!(!pending.ended);
                    assert_eq!(
                        pending.conversations.iter().copied().collect::<Vec<_>>(),
                        vec![jordan]
                    );
                    // The therapist wrote it; the client and the parent have it to read.
                    let want = if *reader == therapist { 0 } else { 1 };
                    assert_eq!(pending.unread.expect("counts").of(jordan), want, "{reader}");
                    // Only the therapist's streams show a calendar icon.
                    assert_eq!(pending.calendar.is_some(), *reader == therapist, "{reader}");
                }
            }
            // Sessions, unread counts and calendar icons: three statements, for 3 streams as
            // for 15.
            assert_eq!(cost, vec![3, 3], "{}", t.kind);

            // A stream whose session has ended is told so, and closes.
            let hub = LiveHub::default();
            let watch = Watch {
                session: session::digest(&therapist_tokens[0]),
                reader: therapist.clone(),
                conversations: vec![jordan],
                calendar: None,
                unread: Default::default(),
            };
            let stream = hub.open(watch).unwrap();
            session::end(&t.db, &therapist_tokens[0]).await.unwrap();
            hub.deliver(&t.db, &config, &changes, Utc::now())
                .await
                .unwrap();
            assert!(stream.next().await.ended);
        }),
    )
    .await;
}
