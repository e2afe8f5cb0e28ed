//! Sign-in, sessions, rate limits, the cross-site guard and the audit trail, on both databases.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use app::server::access::session;
use app::server::store::entities::{audit_log, session as session_entity};
use app::server::SessionConfig;
use common::{call, client_id, each_database, page, send, sign_in};

#[tokio::test]
async fn each_demo_login_lands_in_its_place_and_wrong_passwords_get_one_message() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            // A login with one client lands on that client's home; one with two on the overview.
            let jordan_home = format!("/portal/clients/{}", client_id(&t.db, "Jordan").await);
            for (email, home) in [
                ("admin%40brightpath.example", "/admin"),
                ("therapist%40brightpath.example", "/admin"),
                ("client%40brightpath.example", jordan_home.as_str()),
                ("parent%40brightpath.example", "/portal"),
                ("admin%40otherclinic.example", "/admin"),
            ] {
                let reply = call(
                    &app,
                    "sign_in",
                    &format!("email={email}&password=demo-password-1"),
                    None,
                )
                .await;
                assert_eq!(reply.status, StatusCode::OK, "{email}: {}", reply.body);
                assert_eq!(
                    reply.headers.get(header::LOCATION).unwrap(),
                    home,
                    "{email}"
                );
                let cookie = reply
                    .headers
                    .get(header::SET_COOKIE)
                    .unwrap()
                    .to_str()
                    .unwrap();
                assert!(
                    cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
                    "{cookie}"
                );
            }
            let wrong = call(
                &app,
                "sign_in",
                "email=admin%40brightpath.example&password=nope",
                None,
            )
            .await;
            let unknown = call(
                &app,
                "sign_in",
                "email=nobody%40brightpath.example&password=nope",
                None,
            )
            .await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
            assert_eq!(
                wrong.body, unknown.body,
                "the same message for a wrong password and an unknown email"
            );
            assert!(wrong.body.contains("BadCredentials"), "{}", wrong.body);
            assert!(wrong.session_cookie().is_none());
            let invalid = call(&app, "sign_in", "email=not-an-email&password=", None).await;
            assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
            assert!(
                invalid.body.contains("Password is required."),
                "{}",
                invalid.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn sessions_are_new_per_sign_in_and_end_at_sign_out() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let first = sign_in(&app, "admin@brightpath.example").await;
            let second = sign_in(&app, "admin@brightpath.example").await;
            assert_ne!(first, second, "every sign-in gets a new session id");
            // Only the hash of the token is stored.
            let token = first.trim_start_matches("cp_session=");
            assert!(session_entity::Entity::find_by_id(token.to_owned())
                .one(&t.db)
                .await
                .unwrap()
                .is_none());

            assert_eq!(
                page(&app, "/admin/clients", Some(&first)).await.status,
                StatusCode::OK
            );
            let out = call(&app, "sign_out", "", Some(&first)).await;
            assert_eq!(out.headers.get(header::LOCATION).unwrap(), "/sign-in");
            let viewer = call(&app, "current_viewer", "", Some(&first)).await;
            assert_eq!(viewer.body, "null", "the ended session is gone");
            let still = call(&app, "current_viewer", "", Some(&second)).await;
            assert!(
                still.body.contains("Morgan Reyes"),
                "other sessions live on: {}",
                still.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_end() {
    each_database(
        true,
        body!(|t| {
            let config = SessionConfig::default();
            let now = Utc::now();
            let owner = session::Owner::Staff(1);
            let token = session::create(&t.db, &config, owner, None, now)
                .await
                .unwrap();
            let later = now + Duration::minutes(29);
            let holder = session::resolve(&t.db, &config, &token, later)
                .await
                .unwrap()
                .expect("live session");
            assert_eq!(holder.owner(), owner);
            assert!(
                matches!(&holder, session::Holder::Staff(s) if s.id == 1),
                "the staff member comes with the session: {holder:?}"
            );
            // Activity at `later` moved the idle window on; 31 minutes after it the session is gone.
            assert_eq!(
                session::resolve(&t.db, &config, &token, later + Duration::minutes(31))
                    .await
                    .unwrap(),
                None
            );

            let token = session::create(&t.db, &config, owner, None, now)
                .await
                .unwrap();
            let mut at = now;
            while at < now + Duration::hours(12) - Duration::minutes(20) {
                at += Duration::minutes(20);
                assert!(
                    session::resolve(&t.db, &config, &token, at)
                        .await
                        .unwrap()
                        .is_some(),
                    "active at {at}"
                );
            }
            at += Duration::minutes(20);
            assert_eq!(
                session::resolve(&t.db, &config, &token, at).await.unwrap(),
                None,
                "absolute lifetime of 12 h"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_with_a_clear_wait() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            for _ in 0..5 {
                let r = call(
                    &app,
                    "sign_in",
                    "email=therapist%40brightpath.example&password=wrong",
                    None,
                )
                .await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            }
            let limited = call(
                &app,
                "sign_in",
                "email=therapist%40brightpath.example&password=demo-password-1",
                None,
            )
            .await;
            assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(
                limited.body.contains("RateLimited") && limited.body.contains("\"minutes\":15"),
                "{}",
                limited.body
            );
            // The refusal is audited against the account's practice, with who asked from where.
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("sign_in.rate_limited"))
                .one(&t.db)
                .await
                .unwrap()
                .expect("a rate-limited sign-in is audited");
            assert_eq!(entry.object, "login:therapist@brightpath.example");
            assert_eq!(entry.actor, "anonymous");
            assert_eq!(entry.organization_id, Some(1));
            assert!(entry.ip.is_some());
            // Another account from the same IP is not locked by this one's failures.
            sign_in(&app, "admin@brightpath.example").await;
        }),
    )
    .await;
}

#[tokio::test]
async fn cross_site_posts_and_get_server_function_calls_are_refused() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cross = Request::post("/api/sign_in")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "email=admin%40brightpath.example&password=demo-password-1",
                ))
                .unwrap();
            assert_eq!(send(&app, cross).await.status, StatusCode::FORBIDDEN);
            let fetch_site = Request::post("/api/sign_out")
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .unwrap();
            assert_eq!(send(&app, fetch_site).await.status, StatusCode::FORBIDDEN);
            let same = Request::post("/api/current_viewer")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "http://127.0.0.1:3000")
                .header("sec-fetch-site", "same-origin")
                .body(Body::empty())
                .unwrap();
            assert_eq!(send(&app, same).await.status, StatusCode::OK);
            let get = Request::get("/api/sign_out").body(Body::empty()).unwrap();
            assert_eq!(send(&app, get).await.status, StatusCode::METHOD_NOT_ALLOWED);
        }),
    )
    .await;
}

#[tokio::test]
async fn sign_ins_failures_and_denials_are_audited() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            call(
                &app,
                "sign_in",
                "email=client%40brightpath.example&password=wrong",
                None,
            )
            .await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let denied = call(&app, "list_clients", "query=", Some(&cookie)).await;
            assert_eq!(denied.status, StatusCode::FORBIDDEN);
            for action in ["sign_in.failed", "sign_in", "access.denied"] {
                let n = audit_log::Entity::find()
                    .filter(audit_log::Column::Action.eq(action))
                    .count(&t.db)
                    .await
                    .unwrap();
                assert_eq!(n, 1, "{action}");
            }
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("access.denied"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(entry.actor.starts_with("portal:"));
            assert_eq!(entry.ip.as_deref(), Some("127.0.0.1"));
        }),
    )
    .await;
}

#[tokio::test]
async fn housekeeping_deletes_ended_sessions_and_attempts_out_of_every_window() {
    use app::server::store::entities::sign_in_attempt;
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let state = t.state();
            sign_in(&app, "admin@brightpath.example").await;
            let wrong = "email=admin%40brightpath.example&password=not-the-password";
            call(&app, "sign_in", wrong, None).await;
            let sessions = || session_entity::Entity::find().count(&t.db);
            let attempts = || {
                sign_in_attempt::Entity::find()
                    .filter(sign_in_attempt::Column::Succeeded.eq(false))
                    .count(&t.db)
            };
            assert_eq!(sessions().await.unwrap(), 1);
            assert_eq!(attempts().await.unwrap(), 1);
            // A minute later both are still live and kept.
            server::background::every_minute(&state, Utc::now() + Duration::minutes(1)).await;
            assert_eq!(sessions().await.unwrap(), 1);
            assert_eq!(attempts().await.unwrap(), 1);
            // Past the idle timeout (30 minutes) and the failure window (15), both are gone.
            server::background::every_minute(&state, Utc::now() + Duration::minutes(31)).await;
            assert_eq!(sessions().await.unwrap(), 0);
            assert_eq!(attempts().await.unwrap(), 0);
        }),
    )
    .await;
}
