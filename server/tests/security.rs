//! Security regressions, one test per item of the hardening review (issue 16), named after it.
//! Each runs on SQLite and PostgreSQL where the database takes part.

mod common;

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

/// The organization of the staff member signing in as `email`.
async fn organization_of(db: &sea_orm::DatabaseConnection, email: &str) -> i32 {
    app::server::store::entities::staff_user::Entity::find()
        .filter(app::server::store::entities::staff_user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .expect("a demo staff member")
        .organization_id
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
