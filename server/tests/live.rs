//! The live-update stream: capped per session, and never keeping a session alive.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::EntityTrait;
use tower::ServiceExt;

use app::server::access::session::{self, Activity};
use app::server::store::entities::session as session_entity;
use app::server::SessionConfig;
use common::{each_database, events_request, sign_in};

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
            assert!(session::is_live(&t.db, &config, &token, now).await.unwrap());
            assert_eq!(last_seen().await.timestamp(), started.timestamp());
            // A page the person opens does.
            session::resolve(&t.db, &config, &token, now)
                .await
                .unwrap()
                .expect("live session");
            assert_eq!(last_seen().await.timestamp(), now.timestamp());
            // Idle past the timeout, the stream's check says the session has ended.
            assert!(
                !session::is_live(&t.db, &config, &token, now + Duration::minutes(31))
                    .await
                    .unwrap()
            );
        }),
    )
    .await;
}
