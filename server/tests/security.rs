//! Security regressions, one test per item of the hardening review (issue 16), named after it.
//! Each runs on SQLite and PostgreSQL where the database takes part.

use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

use app::domain::intake::FormStatus;
use app::server::access::client_ip::TrustedProxies;
use app::server::mail::Mailer;
use app::server::store::entities::{audit_log, outbox, sent_form, sign_in_attempt};
use app::server::{AppState, Deployment, SessionConfig};
use common::{call, card_token, each_database, futures_join, sign_in, TestDb};
use server::config::Config;

/// The app as production runs it: no demo, no sandbox, no trusted proxy, an outbox that
/// redacts, and (when `https`) secure cookies.
fn production(t: &TestDb, https: bool, proxies: &str) -> AppState {
    AppState {
        mailer: Mailer::outbox("https://portal.example.org"),
        sessions: SessionConfig {
            secure_cookie: https,
            ..SessionConfig::default()
        },
        deployment: Deployment {
            trusted_proxies: TrustedProxies::parse(proxies).unwrap(),
            ..Deployment::default()
        },
        ..t.state()
    }
}

/// A request from `peer`, read whole: status, headers, body.
async fn from(
    app: &axum::Router,
    peer: [u8; 4],
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn sign_in_request(email: &str, password: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let form = format!("email={}&password={password}", email.replace('@', "%40"));
    req.body(Body::from(form)).unwrap()
}

fn config(env: &[(&str, &str)], args: &[&str]) -> Result<Config, String> {
    let env: std::collections::HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    Config::load(|k| env.get(k).cloned(), &args).map_err(|e| e.0)
}

#[test]
fn item_01_demo_data_only_when_asked_for() {
    assert!(!config(&[], &[]).unwrap().demo, "no demo data by default");
    assert!(config(&[], &["--demo"]).unwrap().demo);
    for public in [
        ("PUBLIC_URL", "https://portal.example.org"),
        ("SMTP_URL", "smtp://mail.example.org:587"),
    ] {
        let err = config(&[public], &["--demo"]).unwrap_err();
        assert!(err.contains("refused"), "{err}");
    }
}

#[tokio::test]
async fn item_02_no_live_tokens_at_rest() {
    each_database(
        true,
        body!(|t| {
            let app = t.app_on(production(&t, false, ""));
            let asked = call(
                &app,
                "request_password_reset",
                "input[email]=client%40brightpath.example",
                None,
            )
            .await;
            assert_eq!(asked.status, 200, "{}", asked.body);
            // The answer is sent before the email: wait for it to land.
            let mut stored = Vec::new();
            for _ in 0..50 {
                stored = outbox::Entity::find().all(&t.db).await.unwrap();
                if !stored.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(stored.len(), 1, "the reset email is in the outbox");
            let body = &stored[0].body;
            assert!(body.contains("reset-password?token=[redacted]"), "{body}");
            // No hex run long enough to be a token survives anywhere in the message.
            let longest_hex = body
                .split(|c: char| !c.is_ascii_hexdigit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(longest_hex < 16, "{body}");
        }),
    )
    .await;
}

#[tokio::test]
async fn item_03_the_sandbox_processor_only_in_demo_and_test_mode() {
    each_database(
        true,
        body!(|t| {
            let app = t.app_on(production(&t, false, ""));
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            // The tokenize endpoint does not exist, so no card number reaches this server.
            let tokenized = card_token(&app, Some(&client), "4242424242424242", "123").await;
            assert_eq!(tokenized.status, StatusCode::NOT_FOUND);
            // The processor is neither offered nor accepted.
            let settings = call(&app, "get_portal_settings", "", Some(&admin)).await;
            assert_eq!(settings.status, 200, "{}", settings.body);
            let offered = common::json(&settings.body)["offered"].clone();
            assert_eq!(offered, serde_json::json!(["Stripe"]), "{}", settings.body);
            let chosen = call(
                &app,
                "set_card_processing",
                "processor=sandbox",
                Some(&admin),
            )
            .await;
            assert_eq!(chosen.status, 400, "{}", chosen.body);
            // The same database served in demo mode offers and takes it.
            let demo = t.app();
            let admin = sign_in(&demo, "admin@brightpath.example").await;
            let chosen = call(
                &demo,
                "set_card_processing",
                "processor=sandbox",
                Some(&admin),
            )
            .await;
            assert_eq!(chosen.status, 200, "{}", chosen.body);
            // An organization left on the sandbox cannot take a payment in production.
            let jordan = common::client_id(&t.db, "Jordan").await;
            common::enable_payments(&t.db, jordan).await;
            let booking = common::owed_bookings(&t.db, jordan).await[0];
            let page = call(
                &app,
                "get_pay_page",
                &format!("client_id={jordan}&booking_id={booking}"),
                Some(&client),
            )
            .await;
            assert!(
                page.status.is_client_error(),
                "{} {}",
                page.status,
                page.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_04_cookies_and_headers() {
    each_database(
        true,
        body!(|t| {
            let app = t.app_on(production(&t, true, ""));
            let (status, headers, body) = from(
                &app,
                [127, 0, 0, 1],
                sign_in_request("client@brightpath.example", "demo-password-1", None),
            )
            .await;
            assert!(status.is_success(), "{status} {body}");
            let cookie = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.contains("cp_session"))
                .expect("a session cookie")
                .to_owned();
            assert!(cookie.starts_with("__Host-cp_session="), "{cookie}");
            for flag in ["; Secure", "; HttpOnly", "; Path=/", "; SameSite=Lax"] {
                assert!(cookie.contains(flag), "{flag} in {cookie}");
            }
            assert_eq!(
                headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
                "max-age=31536000"
            );
            assert!(headers
                .get("permissions-policy")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("camera=()")));
            // Authenticated answers are never stored.
            assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
            // The secure cookie is the one that is read back.
            let session = cookie.split(';').next().unwrap().to_owned();
            let (status, _, body) = from(
                &app,
                [127, 0, 0, 1],
                Request::post("/api/current_viewer")
                    .header(header::COOKIE, &session)
                    .header(header::ACCEPT, "application/json")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 200);
            assert_ne!(body.trim(), "null", "the secure cookie signs the person in");
            // Over plain http (a development machine) there is no HSTS.
            let plain = t.app_on(production(&t, false, ""));
            let (_, headers, html) = from(
                &plain,
                [127, 0, 0, 1],
                Request::get("/").body(Body::empty()).unwrap(),
            )
            .await;
            assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
            // A page's policy allows its own inline script by this response's nonce, and
            // nothing that evaluates strings.
            let policy = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .expect("a page's policy")
                .to_owned();
            let nonce = html
                .split("nonce=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("the hydration script's nonce");
            assert!(nonce.len() >= 16, "{nonce}");
            assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy}");
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
            assert!(!policy.contains("unsafe-inline") && !policy.contains(" 'unsafe-eval'"));
            assert!(!policy.contains("stripe"), "Stripe only on the card page");
            // Every inline script carries it.
            assert_eq!(
                html.matches("<script").count(),
                html.matches(&format!("nonce=\"{nonce}\"")).count(),
                "{html}"
            );
            // Another page load, another nonce.
            let (_, again, _) = from(
                &plain,
                [127, 0, 0, 1],
                Request::get("/").body(Body::empty()).unwrap(),
            )
            .await;
            assert_ne!(
                again.get(header::CONTENT_SECURITY_POLICY).unwrap(),
                policy.as_str()
            );
            // A server function's answer gets the policy without a nonce.
            let (_, fn_headers, _) = from(
                &plain,
                [127, 0, 0, 1],
                Request::post("/api/current_viewer")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(
                fn_headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
                app::server::csp::BASE
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_05_behind_a_proxy_each_visitor_keeps_their_own_address() {
    each_database(
        true,
        body!(|t| {
            let proxy = [10, 0, 0, 2];
            let app = t.app_on(production(&t, false, "10.0.0.0/8"));
            // 30 bad passwords from one visitor, each for a different (unknown) address...
            for i in 0..30 {
                let (status, _, _) = from(
                    &app,
                    proxy,
                    sign_in_request(
                        &format!("guess{i}@example.com"),
                        "wrong-password",
                        Some("198.51.100.7"),
                    ),
                )
                .await;
                assert!(status.is_client_error());
            }
            // ...lock out that visitor only, not everyone behind the same proxy.
            let (status, _, _) = from(
                &app,
                proxy,
                sign_in_request(
                    "guess99@example.com",
                    "wrong-password",
                    Some("198.51.100.7"),
                ),
            )
            .await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            let (status, _, body) = from(
                &app,
                proxy,
                sign_in_request(
                    "client@brightpath.example",
                    "demo-password-1",
                    Some("203.0.113.50"),
                ),
            )
            .await;
            assert!(status.is_success(), "{status} {body}");
            // The audit log records the visitor's address, not the proxy's.
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("sign_in"))
                .order_by_desc(audit_log::Column::Id)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(entry.ip.as_deref(), Some("203.0.113.50"));
            // A visitor talking to the app directly cannot pick an address with the header.
            let direct = t.app_on(production(&t, false, ""));
            let (status, _, _) = from(
                &direct,
                [198, 51, 100, 9],
                sign_in_request("nobody@example.com", "wrong-password", Some("203.0.113.50")),
            )
            .await;
            assert!(status.is_client_error());
            let recorded = sign_in_attempt::Entity::find()
                .filter(sign_in_attempt::Column::Email.eq("nobody@example.com"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(recorded.ip, "198.51.100.9");
        }),
    )
    .await;
}

#[tokio::test]
async fn item_06_parallel_wrong_passwords_cannot_race_the_limit() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let answers = futures_join(50, |i| {
                let app = app.clone();
                async move {
                    // Fifty visitors at once, each from their own address.
                    let peer = [198, 51, 100, u8::try_from(i).unwrap() + 1];
                    let (status, _, _) = from(
                        &app,
                        peer,
                        sign_in_request("client@brightpath.example", "wrong-password", None),
                    )
                    .await;
                    status
                }
            })
            .await;
            let checked = answers
                .iter()
                .filter(|s| **s == StatusCode::UNAUTHORIZED)
                .count();
            assert!(
                (1..=5).contains(&checked),
                "{checked} passwords checked: {answers:?}"
            );
            assert!(answers
                .iter()
                .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));
            let counted = sign_in_attempt::Entity::find()
                .filter(sign_in_attempt::Column::Email.eq("client@brightpath.example"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(
                counted as usize, checked,
                "one counted attempt per checked password"
            );
        }),
    )
    .await;
}

/// The `name=value` of the cookie `name` that an answer sets, if any.
fn cookie_set(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// A sign-in request from a browser holding `cookie` (a known device's), or none.
fn sign_in_with(email: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = sign_in_request(email, password, None);
    if let Some(cookie) = cookie {
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
    }
    req
}

#[tokio::test]
async fn item_06_a_stranger_cannot_keep_the_owner_locked_out() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let email = "client@brightpath.example";
            let signed_in = |s: StatusCode| s.is_success() || s.is_redirection();
            // Jordan signed in on their laptop last week: the laptop is a known device.
            let (status, headers, _) = from(
                &app,
                [192, 0, 2, 10],
                sign_in_with(email, "demo-password-1", None),
            )
            .await;
            assert!(signed_in(status), "{status}");
            let laptop = cookie_set(&headers, "cp_device").expect("a known-device cookie");
            // A stranger guesses until sign-ins to the account are paused.
            let mut last = StatusCode::OK;
            for _ in 0..8 {
                last = from(&app, [203, 0, 113, 9], sign_in_with(email, "guess", None))
                    .await
                    .0;
            }
            assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
            // The laptop still signs in with the right password.
            let (status, _, body) = from(
                &app,
                [192, 0, 2, 10],
                sign_in_with(email, "demo-password-1", Some(&laptop)),
            )
            .await;
            assert!(signed_in(status), "{status} {body}");
            // A new phone is paused like the stranger...
            let phone = [198, 51, 100, 77];
            let (status, _, _) =
                from(&app, phone, sign_in_with(email, "demo-password-1", None)).await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            // ...until the owner follows the one unlock email sent for this pause.
            let token = common::token_sent_to(&t.db, email).await;
            let unlocks = outbox::Entity::find()
                .filter(outbox::Column::Recipient.eq(email))
                .filter(outbox::Column::Subject.contains("paused"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(unlocks, 1, "one unlock email however many attempts");
            let confirm = Request::post("/api/unlock_device")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(Body::from(format!("token={token}")))
                .unwrap();
            let (status, headers, body) = from(&app, phone, confirm).await;
            assert!(signed_in(status), "{status} {body}");
            let phone_cookie = cookie_set(&headers, "cp_device").expect("the phone is known now");
            let (status, _, body) = from(
                &app,
                phone,
                sign_in_with(email, "demo-password-1", Some(&phone_cookie)),
            )
            .await;
            assert!(signed_in(status), "{status} {body}");
            // The stranger is still paused, and the link works once.
            let (status, _, _) = from(
                &app,
                [203, 0, 113, 9],
                sign_in_with(email, "demo-password-1", None),
            )
            .await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            let again = call(&app, "unlock_device", &format!("token={token}"), None).await;
            assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
            // A known device of another account counts for nothing here.
            let (status, _, _) = from(
                &app,
                [203, 0, 113, 9],
                sign_in_with(
                    "parent@brightpath.example",
                    "demo-password-1",
                    Some(&phone_cookie),
                ),
            )
            .await;
            assert!(signed_in(status));
            assert_eq!(common::audited(&t.db, "sign_in.device_unlocked").await, 1);
        }),
    )
    .await;
}

/// The first form sent to client `client_id` (Jordan's demo intake form).
async fn form_of(db: &sea_orm::DatabaseConnection, client_id: i32) -> i32 {
    sent_form::Entity::find()
        .filter(sent_form::Column::ClientId.eq(client_id))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn form_encoded(v: &serde_json::Value) -> String {
    v.to_string()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn item_08_a_late_autosave_never_reopens_a_submitted_form() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let form = form_of(&t.db, jordan).await;
            let complete = serde_json::json!({
                "full_name": {"Text": "Jordan Lee"},
                "date_of_birth": {"Text": "2012-04-02"},
                "pronouns": {"Text": "They/them"},
                "emergency_name": {"Text": "Alex Lee"},
                "emergency_phone": {"Text": "207 555 0100"},
                "concerns": {"Choices": ["Communication"]},
                "signature": {"Signature": {"name": "Alex Lee", "consent": true}}
            });
            let half = serde_json::json!({"full_name": {"Text": "Jordan"}});
            // A phone's autosaves race the submission from another tab.
            let answers = futures_join(12, |i| {
                let (app, parent) = (app.clone(), parent.clone());
                let (name, answers) = if i == 3 {
                    ("submit_form", form_encoded(&complete))
                } else {
                    ("save_form_draft", form_encoded(&half))
                };
                async move {
                    let args = format!("client_id={jordan}&form_id={form}&answers={answers}");
                    (name, call(&app, name, &args, Some(&parent)).await.status)
                }
            })
            .await;
            assert!(
                answers.contains(&("submit_form", StatusCode::OK)),
                "{answers:?}"
            );
            // Drafts after the submission are refused, not stored.
            assert!(answers
                .iter()
                .all(|(_, s)| *s == StatusCode::OK || *s == StatusCode::CONFLICT));
            let row = sent_form::Entity::find_by_id(form)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.status, FormStatus::Completed);
            assert_eq!(row.draft, None, "no draft written over the submission");
            assert!(row.answers.is_some_and(|a| a.contains("Alex Lee")));
            // Staff cannot cancel it afterwards either.
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let cancelled = call(
                &app,
                "cancel_form",
                &format!("client_id={jordan}&form_id={form}"),
                Some(&admin),
            )
            .await;
            assert_eq!(cancelled.status, StatusCode::CONFLICT);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_12_a_client_has_at_most_five_pending_requests_within_the_offered_window() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let slots = call(
                &app,
                "list_open_slots",
                &format!("client_id={jordan}"),
                Some(&parent),
            )
            .await;
            assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
            let slots: Vec<serde_json::Value> = serde_json::from_str(&slots.body).unwrap();
            let key = |staff: &serde_json::Value, start: &str| {
                let start = start.replace('+', "%2B").replace(':', "%3A");
                format!("client_id={jordan}&slot={staff}%40{start}&note=")
            };
            let open: Vec<_> = slots
                .iter()
                .filter(|s| s["last_minute"] == false)
                .take(6)
                .collect();
            assert_eq!(open.len(), 6, "six open slots");
            let mut answers = Vec::new();
            for slot in &open {
                let form = key(&slot["staff_id"], slot["start"].as_str().unwrap());
                answers.push(call(&app, "request_slot", &form, Some(&parent)).await);
            }
            for a in &answers[..5] {
                assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            }
            assert_eq!(answers[5].status, StatusCode::CONFLICT);
            assert!(
                answers[5].body.contains("already 5 requests"),
                "{}",
                answers[5].body
            );

            // Far beyond the offered weeks, a time is refused even if the therapist works then.
            let start: chrono::DateTime<chrono::Utc> =
                open[0]["start"].as_str().unwrap().parse().unwrap();
            let far = (start + chrono::Duration::weeks(52)).to_rfc3339();
            let contact = sign_in(&app, "client@brightpath.example").await;
            let refused = call(
                &app,
                "request_slot",
                &key(&open[0]["staff_id"], &far),
                Some(&contact),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
            assert!(refused.body.contains("further ahead"), "{}", refused.body);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_12_message_sends_are_rate_limited_and_request_bodies_capped() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let client = sign_in(&app, "client@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let send = |n: usize| {
                let (app, client) = (app.clone(), client.clone());
                async move {
                    let args = format!("client_id={jordan}&body=Message+{n}");
                    call(&app, "send_message", &args, Some(&client)).await
                }
            };
            for n in 0..60 {
                let sent = send(n).await;
                assert_eq!(sent.status, StatusCode::OK, "message {n}: {}", sent.body);
            }
            let refused = send(60).await;
            assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(refused.body.contains("Please wait"), "{}", refused.body);
            // Another person in the same conversation is not held up.
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let args = format!("client_id={jordan}&body=Still+here");
            assert_eq!(
                call(&app, "send_message", &args, Some(&therapist))
                    .await
                    .status,
                StatusCode::OK
            );
            // A body past the cap is refused before it is read.
            let huge = format!("client_id={jordan}&body={}", "a".repeat(2 * 1024 * 1024));
            let too_big = call(&app, "send_message", &huge, Some(&therapist)).await;
            assert_eq!(
                too_big.status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{}",
                too_big.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_12_repeated_choices_are_stored_once() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let form = form_of(&t.db, jordan).await;
            let chosen = vec!["Communication"; 5000];
            let draft = serde_json::json!({ "concerns": { "Choices": chosen } });
            let saved = call(
                &app,
                "save_form_draft",
                &format!(
                    "client_id={jordan}&form_id={form}&answers={}",
                    form_encoded(&draft)
                ),
                Some(&parent),
            )
            .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            let row = sent_form::Entity::find_by_id(form)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            let stored: serde_json::Value = serde_json::from_str(&row.draft.unwrap()).unwrap();
            assert_eq!(
                stored["concerns"],
                serde_json::json!({ "Choices": ["Communication"] })
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_14_a_password_reset_revokes_the_calendar_feed() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let url = call(&app, "create_calendar_feed", "", Some(&therapist)).await;
            assert_eq!(url.status, StatusCode::OK, "{}", url.body);
            let path = serde_json::from_str::<String>(&url.body)
                .unwrap()
                .trim_start_matches("http://portal.test")
                .to_owned();
            let feed = || async {
                from(
                    &app,
                    [127, 0, 0, 1],
                    Request::get(path.as_str()).body(Body::empty()).unwrap(),
                )
                .await
                .0
            };
            assert_eq!(feed().await, StatusCode::OK);
            let asked = call(
                &app,
                "request_password_reset",
                "input[email]=therapist%40brightpath.example",
                None,
            )
            .await;
            assert_eq!(asked.status, StatusCode::OK);
            let mut token = None;
            for _ in 0..50 {
                if outbox::Entity::find()
                    .filter(outbox::Column::Recipient.eq("therapist@brightpath.example"))
                    .count(&t.db)
                    .await
                    .unwrap()
                    > 0
                {
                    token =
                        Some(common::token_sent_to(&t.db, "therapist@brightpath.example").await);
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            let token = token.expect("the reset email");
            let reset = call(
                &app,
                "accept_link",
                &common::password_form(&token, "a brand new password"),
                None,
            )
            .await;
            assert!(reset.status.is_success(), "{}", reset.body);
            assert_eq!(
                feed().await,
                StatusCode::NOT_FOUND,
                "the old feed URL is dead"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_14_a_reset_answer_does_not_wait_for_the_mail_server() {
    each_database(
        true,
        body!(|t| {
            // A mail server that accepts connections and never answers.
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move {
                let mut held = Vec::new();
                while let Ok((socket, _)) = listener.accept().await {
                    held.push(socket);
                }
            });
            let state = AppState {
                mailer: Mailer::smtp(
                    &format!("smtp://127.0.0.1:{port}"),
                    None,
                    "https://portal.example.org",
                )
                .unwrap(),
                ..t.state()
            };
            let app = t.app_on(state);
            // Known and unknown addresses are answered alike, and at once: the lookup and the
            // email come after the answer, so its timing tells nothing.
            for email in ["client%40brightpath.example", "nobody%40example.com"] {
                let started = std::time::Instant::now();
                let asked = call(
                    &app,
                    "request_password_reset",
                    &format!("input[email]={email}"),
                    None,
                )
                .await;
                assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(2),
                    "{email}: answered after {:?}",
                    started.elapsed()
                );
            }
        }),
    )
    .await;
}

/// The staff member signing in as `email`.
async fn staff_member(
    db: &sea_orm::DatabaseConnection,
    email: &str,
) -> app::server::store::entities::staff_user::Model {
    use app::server::store::entities::staff_user;
    staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .expect("a demo staff member")
}

/// The organization of the staff member signing in as `email`.
async fn organization_of(db: &sea_orm::DatabaseConnection, email: &str) -> i32 {
    staff_member(db, email).await.organization_id
}

/// A new client of organization `organization_id` with `email` and no login; its id.
async fn client_in(db: &sea_orm::DatabaseConnection, organization_id: i32, email: &str) -> i32 {
    use sea_orm::{ActiveModelTrait, Set};
    app::server::store::entities::client::ActiveModel {
        organization_id: Set(organization_id),
        first_name: Set("Robin".into()),
        last_name: Set("Park".into()),
        date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(2014, 3, 1).unwrap()),
        email: Set(Some(email.to_owned())),
        created_at: Set(chrono::Utc::now()),
        search_name: Set("robin park".into()),
        last_name_key: Set("park".into()),
        uses_portal: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn item_09_an_invitation_does_not_reveal_a_login_at_another_practice() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let other = organization_of(&t.db, "admin@otherclinic.example").await;
            let admin = sign_in(&app, "admin@otherclinic.example").await;
            // One address has a login at Bright Path; the other has none anywhere.
            let taken = client_in(&t.db, other, "client@brightpath.example").await;
            let fresh = client_in(&t.db, other, "robin.park@example.com").await;
            let invite = |id: i32| {
                let (app, admin) = (app.clone(), admin.clone());
                async move {
                    call(
                        &app,
                        "invite_client",
                        &format!("client_id={id}"),
                        Some(&admin),
                    )
                    .await
                }
            };
            let (a, b) = (invite(taken).await, invite(fresh).await);
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            // Answered alike (the two invitations differ only in their expiry instants).
            assert_eq!(b.status, StatusCode::OK, "{}", b.body);
            for reply in [&a, &b] {
                assert!(reply.body.starts_with("{\"Invited\""), "{}", reply.body);
            }
            // The invitee, who owns the address, learns it when accepting.
            let token = common::token_sent_to(&t.db, "client@brightpath.example").await;
            let accepted = call(
                &app,
                "accept_link",
                &common::password_form(&token, "a brand new password"),
                None,
            )
            .await;
            assert_eq!(accepted.status, StatusCode::CONFLICT, "{}", accepted.body);
            assert!(
                accepted.body.contains("already has a login"),
                "{}",
                accepted.body
            );
            // Within the practice, staff still learn that their own client has a login.
            let own = organization_of(&t.db, "admin@brightpath.example").await;
            let same_practice = client_in(&t.db, own, "parent@brightpath.example").await;
            let bright = sign_in(&app, "admin@brightpath.example").await;
            let refused = call(
                &app,
                "invite_client",
                &format!("client_id={same_practice}"),
                Some(&bright),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_12_staff_reminders_and_invitation_resends_are_capped() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let form = form_of(&t.db, jordan).await;
            let remind = format!("client_id={jordan}&form_id={form}");
            // Two staff members click "Remind" at once: one email goes.
            let clicks = futures_join(4, |_| {
                let (app, admin, remind) = (app.clone(), admin.clone(), remind.clone());
                async move { call(&app, "remind_form", &remind, Some(&admin)).await }
            })
            .await;
            let sent = clicks.iter().filter(|r| r.status == StatusCode::OK).count();
            assert_eq!(
                sent,
                1,
                "{:?}",
                clicks.iter().map(|r| &r.body).collect::<Vec<_>>()
            );
            let refused = clicks.iter().find(|r| r.status != StatusCode::OK).unwrap();
            assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(refused.body.contains("60 minutes"), "{}", refused.body);
            assert_eq!(common::audited(&t.db, "form.reminded").await, 1);

            // Invitations: five in a day to one person, then a clear refusal.
            let own = organization_of(&t.db, "admin@brightpath.example").await;
            let robin = client_in(&t.db, own, "robin.park@example.com").await;
            let invite = format!("client_id={robin}");
            for n in 1..=5 {
                let r = call(&app, "invite_client", &invite, Some(&admin)).await;
                assert_eq!(r.status, StatusCode::OK, "invitation {n}: {}", r.body);
            }
            let sixth = call(&app, "invite_client", &invite, Some(&admin)).await;
            assert_eq!(
                sixth.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                sixth.body
            );
            assert!(sixth.body.contains("5 invitations"), "{}", sixth.body);
            let mailed = outbox::Entity::find()
                .filter(outbox::Column::Recipient.eq("robin.park@example.com"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(mailed, 5, "the refused re-send sent nothing");
        }),
    )
    .await;
}

#[tokio::test]
async fn item_14_sealed_stripe_keys_open_only_in_their_own_place() {
    use app::server::processors::{reseal_legacy_keys, stripe_keys};
    use app::server::store::entities::stripe_account;
    use sea_orm::{ActiveModelTrait, Set};
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let keys = |n: &str| {
                format!(
                    "input[secret_key]=sk_test_{n}000000000000000000001\
                     &input[publishable_key]=pk_test_{n}000000000000000000001\
                     &input[webhook_secret]=whsec_{n}00000000000000000001"
                )
            };
            for (email, n) in [
                ("admin@brightpath.example", "aaa"),
                ("admin@otherclinic.example", "bbb"),
            ] {
                let admin = sign_in(&app, email).await;
                let saved = call(&app, "save_stripe_keys", &keys(n), Some(&admin)).await;
                assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            }
            let (bright, other) = (
                organization_of(&t.db, "admin@brightpath.example").await,
                organization_of(&t.db, "admin@otherclinic.example").await,
            );
            let opened = stripe_keys(&t.db, &t.payments, bright)
                .await
                .unwrap()
                .unwrap();
            assert!(opened.secret_key.starts_with("sk_test_aaa"));
            let db = t.db.clone();
            let row = |id| {
                let db = db.clone();
                async move {
                    stripe_account::Entity::find_by_id(id)
                        .one(&db)
                        .await
                        .unwrap()
                        .unwrap()
                }
            };
            let (theirs, mine) = (row(bright).await, row(other).await);
            assert!(
                theirs.secret_key_sealed.starts_with("v2:"),
                "{}",
                theirs.secret_key_sealed
            );
            // Someone with write access to the database copies Bright Path's key to the other
            // practice: it does not open there.
            let mut moved: stripe_account::ActiveModel = mine.clone().into();
            moved.secret_key_sealed = Set(theirs.secret_key_sealed.clone());
            moved.update(&t.db).await.unwrap();
            assert!(stripe_keys(&t.db, &t.payments, other).await.is_err());
            // Nor does a key moved to another column of its own row.
            let mut swapped: stripe_account::ActiveModel = theirs.clone().into();
            swapped.webhook_secret_sealed = Set(theirs.secret_key_sealed.clone());
            swapped.update(&t.db).await.unwrap();
            assert!(stripe_keys(&t.db, &t.payments, bright).await.is_err());
            // Start-up re-sealing only touches values sealed without their place (v1).
            assert!(reseal_legacy_keys(&t.db, &t.payments.secrets)
                .await
                .is_ok_and(|n| n == 0));
        }),
    )
    .await;
}

#[tokio::test]
async fn item_08_a_form_is_opened_and_signed_only_by_its_addressee() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let own = sign_in(&app, "client@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            // Jordan's intake form was sent to Alex Lee, the parent.
            let form = form_of(&t.db, jordan).await;
            let args = format!("client_id={jordan}&form_id={form}");
            let listed = call(
                &app,
                "list_portal_forms",
                &format!("client_id={jordan}"),
                Some(&own),
            )
            .await;
            let listed = common::json(&listed.body);
            assert_eq!(
                listed[0]["status"], "Sent",
                "Jordan sees that it exists and its status"
            );
            assert_eq!(listed[0]["yours"], false);
            assert_eq!(listed[0]["addressee"], "Alex Lee");
            let denials = common::audited(&t.db, "access.denied").await;
            for name in ["get_portal_form", "save_form_draft", "submit_form"] {
                let tried = call(&app, name, &format!("{args}&answers=%7B%7D"), Some(&own)).await;
                assert_eq!(
                    tried.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {}",
                    tried.body
                );
            }
            assert_eq!(
                common::audited(&t.db, "access.denied").await,
                denials + 3,
                "each denial audited"
            );
            // The parent's list says it is theirs; they open it.
            let mine = common::json(
                &call(
                    &app,
                    "list_portal_forms",
                    &format!("client_id={jordan}"),
                    Some(&parent),
                )
                .await
                .body,
            );
            assert_eq!(
                (mine[0]["yours"].as_bool(), mine[0]["addressee"].as_str()),
                (Some(true), Some("you"))
            );
            let opened = call(&app, "get_portal_form", &args, Some(&parent)).await;
            assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
            // The portal home counts only the forms waiting for this login.
            let home = |cookie: String| {
                let app = app.clone();
                async move {
                    let r = call(
                        &app,
                        "get_portal_client",
                        &format!("client_id={jordan}"),
                        Some(&cookie),
                    )
                    .await;
                    common::json(&r.body)["agenda"]["open_forms"].as_u64()
                }
            };
            assert_eq!(home(parent.clone()).await, Some(1));
            assert_eq!(home(own.clone()).await, Some(0));
            let row = sent_form::Entity::find_by_id(form)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.submitted_by, None);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_10_a_therapists_grant_ends_with_their_assignment_and_they_see_only_their_clients_contacts(
) {
    use app::server::store::entities::client_contact_link;
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let (admin, therapist) = (
                sign_in(&app, "admin@brightpath.example").await,
                sign_in(&app, "therapist@brightpath.example").await,
            );
            let jordan = common::client_id(&t.db, "Jordan").await;
            let own = organization_of(&t.db, "admin@brightpath.example").await;
            // A client Taylor is not assigned to, with a contact of their own.
            let robin = client_in(&t.db, own, "robin.park@example.com").await;
            let add = |client: i32, name: &str, cookie: &String| {
                let (app, cookie) = (app.clone(), cookie.clone());
                let form = format!(
                    "client_id={client}&input[name]={name}&input[email]=&input[phone]=&input[relationship]=guardian"
                );
                async move {
                    let r = call(&app, "add_contact", &form, Some(&cookie)).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    r.body.trim().parse::<i32>().unwrap()
                }
            };
            let casey = add(robin, "Casey Park", &admin).await;
            let detail = call(&app, "get_client", &format!("id={jordan}"), Some(&therapist)).await;
            assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
            assert!(!detail.body.contains("Casey Park"), "not offered to Taylor: {}", detail.body);
            let admin_detail = call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await;
            assert!(admin_detail.body.contains("Casey Park"), "{}", admin_detail.body);
            let linked = call(&app, "link_contact", &format!("client_id={jordan}&contact_id={casey}"), Some(&therapist)).await;
            assert_eq!(linked.status, StatusCode::BAD_REQUEST, "{}", linked.body);

            // Taylor grants a new contact access; Morgan grants another. Unassigning Taylor
            // ends Taylor's grant only.
            let grant = |contact: i32, cookie: &String| {
                let (app, cookie) = (app.clone(), cookie.clone());
                let form = format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true");
                async move {
                    let r = call(&app, "set_contact_access", &form, Some(&cookie)).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                }
            };
            let by_taylor = add(jordan, "Drew Lee", &therapist).await;
            grant(by_taylor, &therapist).await;
            let by_morgan = add(jordan, "Kim Lee", &admin).await;
            grant(by_morgan, &admin).await;
            let taylor = staff_member(&t.db, "therapist@brightpath.example").await.id;
            let unassigned = call(&app, "unassign_staff", &format!("client_id={jordan}&staff_id={taylor}"), Some(&admin)).await;
            assert_eq!(unassigned.status, StatusCode::OK, "{}", unassigned.body);
            let access = |contact: i32| {
                let db = t.db.clone();
                async move {
                    client_contact_link::Entity::find()
                        .filter(client_contact_link::Column::ClientId.eq(jordan))
                        .filter(client_contact_link::Column::ContactId.eq(contact))
                        .one(&db)
                        .await
                        .unwrap()
                        .unwrap()
                        .portal_access
                }
            };
            assert!(!access(by_taylor).await, "Taylor's grant ended");
            assert!(access(by_morgan).await, "the administrator's grant stands");
            assert_eq!(common::audited(&t.db, "contact.access_ended_with_assignment").await, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_11_a_client_added_payer_stays_private_until_reviewed() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let (client, parent, admin) = (
                sign_in(&app, "client@brightpath.example").await,
                sign_in(&app, "parent@brightpath.example").await,
                sign_in(&app, "admin@brightpath.example").await,
            );
            let (jordan, sam) = (
                common::client_id(&t.db, "Jordan").await,
                common::client_id(&t.db, "Sam").await,
            );
            let policy = |client: i32, rank: &str, payer: &str| {
                format!(
                    "client_id={client}&policy_id=0&input[payer]=new&input[member_id]=W1{rank}\
                     &input[group_number]=&input[subscriber_name]=Jordan%20Lee&input[subscriber_dob]=2000-05-01\
                     &input[relationship]=self&input[rank]={rank}&input[effective_on]=2026-01-01&input[terminates_on]=\
                     &input[new_payer][name]={payer}&input[new_payer][phone]="
                )
            };
            let added = call(&app, "save_policy", &policy(jordan, "secondary", "Harbor%20Health%20Plan"), Some(&client)).await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.body);
            assert!(added.body.contains("Harbor Health Plan"), "Jordan's picker offers it at once");
            let picker = |client: i32, cookie: &String| {
                let (app, cookie) = (app.clone(), cookie.clone());
                async move { call(&app, "get_insurance", &format!("client_id={client}"), Some(&cookie)).await.body }
            };
            assert!(!picker(sam, &parent).await.contains("Harbor Health Plan"), "not in another client's picker");
            assert!(picker(sam, &admin).await.contains("Cigna"));
            let harbor = app::server::store::entities::payer::Entity::find()
                .filter(app::server::store::entities::payer::Column::Name.eq("Harbor Health Plan"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            // Nor can another client choose it by id.
            let chosen = call(
                &app,
                "save_policy",
                &policy(sam, "secondary", "").replace("input[payer]=new", &format!("input[payer]={}", harbor.id)),
                Some(&parent),
            )
            .await;
            assert_eq!(chosen.status, StatusCode::BAD_REQUEST, "{}", chosen.body);
            // Once staff approve it, every picker offers it.
            let approved = call(&app, "approve_payer", &format!("payer_id={}", harbor.id), Some(&admin)).await;
            assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
            assert!(picker(sam, &parent).await.contains("Harbor Health Plan"));

            // Ten new payers a day per client: with ten added today, the eleventh is refused.
            for n in 1..10 {
                use sea_orm::{ActiveModelTrait, Set};
                let mut row: app::server::store::entities::payer::ActiveModel = harbor.clone().into();
                row.id = sea_orm::NotSet;
                row.name = Set(format!("Plan {n}"));
                row.name_key = Set(format!("plan {n}"));
                row.needs_review = Set(true);
                row.insert(&t.db).await.unwrap();
            }
            let eleventh = call(&app, "save_policy", &policy(jordan, "tertiary", "Another%20Plan"), Some(&client)).await;
            assert_eq!(eleventh.status, StatusCode::TOO_MANY_REQUESTS, "{}", eleventh.body);
            assert!(eleventh.body.contains("10 new insurance payers"), "{}", eleventh.body);
            // Sam's family is not held back by Jordan's additions.
            let sams = call(&app, "save_policy", &policy(sam, "secondary", "Another%20Plan"), Some(&parent)).await;
            assert_eq!(sams.status, StatusCode::OK, "{}", sams.body);
        }),
    )
    .await;
}

#[tokio::test]
async fn item_13_a_refund_is_never_issued_twice_across_a_processor_timeout() {
    use app::domain::payments::PaymentStatus;
    use app::domain::portal_settings::CardProcessor;
    use app::server::services::refunds;
    use app::server::store::entities::{payment, refund};
    use sea_orm::{ActiveModelTrait, Set};
    use wiremock::matchers::{header as has_header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    each_database(
        true,
        body!(|t| {
            let mock = MockServer::start().await;
            let mut t = t.with_stripe_api(&mock.uri());
            // A processor that answers after the server stopped waiting.
            t.payments.processor_timeout = std::time::Duration::from_millis(500);
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let keys = "input[secret_key]=sk_test_timeout0000000001&input[publishable_key]=pk_test_timeout0000000001&input[webhook_secret]=whsec_timeout000000001";
            assert_eq!(call(&app, "save_stripe_keys", keys, Some(&admin)).await.status, StatusCode::OK);
            let jordan = common::client_id(&t.db, "Jordan").await;
            let org = common::enable_payments(&t.db, jordan).await;
            let booking = common::owed_bookings(&t.db, jordan).await[0];
            let paid = payment::ActiveModel {
                organization_id: Set(org),
                client_id: Set(jordan),
                booking_id: Set(booking),
                processor: Set(CardProcessor::Stripe),
                idempotency_key: Set("pay-timeout-0001".into()),
                processor_ref: Set(Some("pi_paid_1".into())),
                amount_cents: Set(12_000),
                currency: Set("usd".into()),
                status: Set(PaymentStatus::Succeeded),
                refunded_cents: Set(0),
                paid_by: Set("portal:1".into()),
                created_at: Set(chrono::Utc::now()),
                completed_at: Set(Some(chrono::Utc::now())),
                ..Default::default()
            }
            .insert(&t.db)
            .await
            .unwrap();
            let refund_form = |key: &str, dollars: &str| {
                format!("payment_id={}&refund_key={key}&input[amount]={dollars}&input[reason]=Cancelled%20session", paid.id)
            };
            let made = ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "id": "re_once", "status": "succeeded" }));
            // Stripe makes the refund but answers too late; asked again under the same key, it
            // answers with the same refund at once.
            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(has_header("idempotency-key", "refund-timeout-0001"))
                .respond_with(made.clone().set_delay(std::time::Duration::from_secs(2)))
                .up_to_n_times(1)
                .expect(1)
                .mount(&mock)
                .await;
            let first = call(&app, "refund_payment", &refund_form("refund-timeout-0001", "20"), Some(&admin)).await;
            assert_eq!(first.status, StatusCode::BAD_GATEWAY, "{}", first.body);
            assert!(first.body.contains("pending") && first.body.contains("not be issued twice"), "{}", first.body);
            let pending = refund::Entity::find()
                .filter(refund::Column::IdempotencyKey.eq("refund-timeout-0001"))
                .one(&t.db)
                .await
                .unwrap()
                .expect("kept under its key");
            assert_eq!(pending.processor_ref, None);
            let row = payment::Entity::find_by_id(paid.id).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.refunded_cents, 2_000, "the pending amount stays reserved");
            // After a reload the page offers a new key, but the pending $20 cannot be refunded again.
            let everything = call(&app, "refund_payment", &refund_form("refund-timeout-0002", "120"), Some(&admin)).await;
            assert_eq!(everything.status, StatusCode::BAD_REQUEST, "{}", everything.body);
            assert!(everything.body.contains("At most $100.00"), "{}", everything.body);

            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(has_header("idempotency-key", "refund-timeout-0001"))
                .respond_with(made.clone())
                .expect(1)
                .mount(&mock)
                .await;
            // Submitting the same form again settles it under its key.
            let again = call(&app, "refund_payment", &refund_form("refund-timeout-0001", "20"), Some(&admin)).await;
            assert_eq!(again.status, StatusCode::OK, "{}", again.body);
            let settled = refund::Entity::find_by_id(pending.id).one(&t.db).await.unwrap().unwrap();
            assert_eq!(settled.processor_ref.as_deref(), Some("re_once"));
            assert_eq!(common::audited(&t.db, "payment.refunded").await, 1);

            // Left alone, a pending refund is settled by the minute's job, once.
            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(has_header("idempotency-key", "refund-timeout-0003"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(serde_json::json!({ "id": "re_later", "status": "succeeded" }))
                        .set_delay(std::time::Duration::from_secs(2)),
                )
                .up_to_n_times(1)
                .mount(&mock)
                .await;
            let late = call(&app, "refund_payment", &refund_form("refund-timeout-0003", "10"), Some(&admin)).await;
            assert_eq!(late.status, StatusCode::BAD_GATEWAY, "{}", late.body);
            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(has_header("idempotency-key", "refund-timeout-0003"))
                .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "id": "re_later", "status": "succeeded" })))
                .expect(1)
                .mount(&mock)
                .await;
            let state = t.state();
            let soon = chrono::Utc::now();
            assert_eq!(refunds::settle_pending(&state, soon).await.unwrap(), 0, "too fresh to ask again");
            let later = soon + chrono::Duration::seconds(refunds::RETRY_AFTER_SECONDS + 1);
            assert_eq!(refunds::settle_pending(&state, later).await.unwrap(), 1);
            assert_eq!(refunds::settle_pending(&state, later).await.unwrap(), 0, "settled once");
            let row = payment::Entity::find_by_id(paid.id).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.refunded_cents, 3_000);
            assert_eq!(common::audited(&t.db, "payment.refunded").await, 2);
            // Give the delayed answers time to be counted, then check each key was asked as above.
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            mock.verify().await;
        }),
    )
    .await;
}

/// Moves the idle timer of the session in `cookie` to `minutes_ago`.
async fn idle_for(db: &sea_orm::DatabaseConnection, cookie: &str, minutes_ago: i64) {
    use app::server::access::session;
    use app::server::store::entities::session as session_row;
    use sea_orm::sea_query::Expr;
    let token = cookie.split_once('=').unwrap().1;
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    session_row::Entity::update_many()
        .col_expr(session_row::Column::LastSeenAt, Expr::value(at))
        .filter(session_row::Column::Id.eq(session::digest(token)))
        .exec(db)
        .await
        .unwrap();
}

/// The seconds the session in `cookie` has left, as the page's idle check reads them.
async fn seconds_left(app: &axum::Router, cookie: &str) -> Option<u64> {
    let reply = call(app, "session_left", "", Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str::<Option<u64>>(&reply.body).unwrap()
}

#[tokio::test]
async fn item_07_idle_logoff_counts_only_a_persons_own_requests() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            idle_for(&t.db, &cookie, 20).await;
            // Ten minutes are left, and asking does not move them.
            let left = seconds_left(&app, &cookie).await.unwrap();
            assert!((595..=600).contains(&left), "{left}");
            assert!(seconds_left(&app, &cookie).await.unwrap() <= left);
            // Neither does the event stream, nor the page's own reload after a live change.
            let events = Request::get("/events")
                .header(header::COOKIE, &cookie)
                .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))))
                .body(Body::empty())
                .unwrap();
            let stream = app.clone().oneshot(events).await.unwrap();
            assert_eq!(stream.status(), StatusCode::OK);
            drop(stream);
            let reload = format!("client_id={jordan}&live=true");
            let reply = call(&app, "get_conversation", &reload, Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert!(seconds_left(&app, &cookie).await.unwrap() <= left);
            // The person opening the conversation does: the whole 30 minutes lie ahead again.
            let open = format!("client_id={jordan}");
            assert_eq!(
                call(&app, "get_conversation", &open, Some(&cookie))
                    .await
                    .status,
                StatusCode::OK
            );
            assert!(seconds_left(&app, &cookie).await.unwrap() > 1790);
            // "Stay signed in", 29 minutes on, restarts the timer.
            idle_for(&t.db, &cookie, 29).await;
            let reply = call(&app, "stay_signed_in", "", Some(&cookie)).await;
            let renewed: Option<u64> = serde_json::from_str(&reply.body).unwrap();
            assert!(renewed.unwrap() > 1790, "{}", reply.body);
            // Unanswered, the page signs out; that is recorded as an idle logoff.
            let reply = call(&app, "idle_sign_out", "", Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::OK);
            assert_eq!(seconds_left(&app, &cookie).await, None);
            let recorded = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("sign_out.idle"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(recorded, 1);
            // A session left alone past the timeout has ended for every request.
            let other = sign_in(&app, "parent@brightpath.example").await;
            idle_for(&t.db, &other, 31).await;
            assert_eq!(seconds_left(&app, &other).await, None);
            let page = common::page(&app, &format!("/portal/clients/{jordan}"), Some(&other)).await;
            assert!(
                !page.body.contains("Jordan Lee"),
                "an ended session still shows the client"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn item_15_what_fuzzing_found_stays_fixed() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            // A null character in a search (PostgreSQL cannot store or compare it): 400, not 500.
            let reply = call(&app, "list_portal_clients", "query=%00%07", Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(reply.body.contains("null character"), "{}", reply.body);
            // Arguments that do not parse, or a body that is not UTF-8: 400 with a message.
            let reply = call(
                &app,
                "decide_request",
                "booking_id=5&accept=on",
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(
                reply.body.contains("The form was incomplete"),
                "{}",
                reply.body
            );
            let req = Request::post("/api/get_submission")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &admin)
                .body(Body::from(vec![0x80, b'=', b'1']))
                .unwrap();
            assert_eq!(
                common::send(&app, req).await.status,
                StatusCode::BAD_REQUEST
            );
        }),
    )
    .await;
}
