//! Secure messaging on both databases: who may read and send, unread counts, read receipts, the
//! ten-minute email rule (with an injected clock) and its emails kept when the mail server
//! refuses them, escaping, long threads, and live updates that reach a second server process
//! through the database.

use crate::common;

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tower::ServiceExt;

use app::server::services::unread_mail::notify_unread;
use app::server::store::entities::{mail_retry, message, outbox};
use common::{
    audited, call, client_id, each_database, events_until, json, page, sign_in, unreachable_mailer,
};

fn send_args(client: i32, body: &str) -> String {
    let encoded: String = body
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("client_id={client}&body={encoded}")
}

async fn unread_of_portal(app: &axum::Router, cookie: &str, client: i32) -> u64 {
    json(
        &call(
            app,
            "get_portal_client",
            &format!("client_id={client}"),
            Some(cookie),
        )
        .await
        .body,
    )["agenda"]["unread_messages"]
        .as_u64()
        .unwrap()
}

async fn staff_badge(app: &axum::Router, cookie: &str) -> u64 {
    let viewer = json(&call(app, "current_viewer", "", Some(cookie)).await.body);
    viewer["kind"]["Staff"]["messages_badge"].as_u64().unwrap()
}

#[tokio::test]
async fn a_conversation_between_the_therapist_the_client_and_the_parent() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let parent = sign_in(&app, "parent@brightpath.example").await;

            let sent = call(
                &app,
                "send_message",
                &send_args(jordan, "Hello Jordan, see you Monday."),
                Some(&therapist),
            )
            .await;
            assert_eq!(sent.status, 200, "{}", sent.body);
            assert_eq!(audited(&t.db, "message.sent").await, 1);
            let entry = app::server::store::entities::audit_log::Entity::find()
                .filter(app::server::store::entities::audit_log::Column::Action.eq("message.sent"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(
                !entry.new_value.unwrap_or_default().contains("Monday"),
                "the audit has no body"
            );

            assert_eq!(unread_of_portal(&app, &client, jordan).await, 1);
            assert_eq!(unread_of_portal(&app, &parent, jordan).await, 1);
            assert_eq!(
                staff_badge(&app, &therapist).await,
                0,
                "one's own message is not unread"
            );

            // The client reads: their count drops, the parent's does not; the therapist sees "Seen".
            let read = json(
                &call(
                    &app,
                    "get_conversation",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert_eq!(read["messages"][0]["body"], "Hello Jordan, see you Monday.");
            assert_eq!(read["messages"][0]["mine"], false);
            assert_eq!(unread_of_portal(&app, &client, jordan).await, 0);
            assert_eq!(unread_of_portal(&app, &parent, jordan).await, 1);
            let mine = json(
                &call(
                    &app,
                    "get_conversation",
                    &format!("client_id={jordan}"),
                    Some(&therapist),
                )
                .await
                .body,
            );
            assert!(
                mine["messages"][0]["seen"]
                    .as_str()
                    .unwrap()
                    .starts_with("Seen "),
                "{mine}"
            );

            // Replies from both portal logins count for the therapist, across assigned clients.
            assert_eq!(
                call(
                    &app,
                    "send_message",
                    &send_args(jordan, "Thanks!"),
                    Some(&client)
                )
                .await
                .status,
                200
            );
            assert_eq!(
                call(
                    &app,
                    "send_message",
                    &send_args(jordan, "From the parent"),
                    Some(&parent)
                )
                .await
                .status,
                200
            );
            assert_eq!(staff_badge(&app, &therapist).await, 2);
            let inbox = json(
                &call(&app, "get_message_inbox", "", Some(&therapist))
                    .await
                    .body,
            );
            assert_eq!(inbox["conversations"][0]["unread"], 2);
            assert!(inbox["startable"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == jordan));

            // The rule: empty and over-long messages are refused by the server.
            assert_eq!(
                call(
                    &app,
                    "send_message",
                    &send_args(jordan, "   "),
                    Some(&client)
                )
                .await
                .status,
                400
            );
            let long = "a".repeat(5001);
            let refused = call(
                &app,
                "send_message",
                &send_args(jordan, &long),
                Some(&client),
            )
            .await;
            assert_eq!(refused.status, 400);
            assert!(refused.body.contains("5001"));
            assert!(
                call(
                    &app,
                    "send_message",
                    &send_args(jordan, &"é".repeat(5000)),
                    Some(&client)
                )
                .await
                .status
                    == 200
            );

            // An unassigned therapist and another organization's staff see nothing.
            let other = sign_in(&app, "admin@otherclinic.example").await;
            assert_eq!(
                call(
                    &app,
                    "get_conversation",
                    &format!("client_id={jordan}"),
                    Some(&other)
                )
                .await
                .status,
                404
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn turned_off_sends_are_refused_on_both_sides_and_staff_keep_the_history() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            assert_eq!(call(&app, "send_message", &send_args(jordan, "Before"), Some(&therapist)).await.status, 200);
            let off = call(&app, "change_setting", &format!("client_id={jordan}&setting=secure_messaging&on=false"), Some(&admin)).await;
            assert_eq!(off.status, 200, "{}", off.body);

            assert_eq!(call(&app, "send_message", &send_args(jordan, "No"), Some(&client)).await.status, 403);
            assert_eq!(call(&app, "send_message", &send_args(jordan, "No"), Some(&therapist)).await.status, 403);
            assert_eq!(call(&app, "get_conversation", &format!("client_id={jordan}"), Some(&client)).await.status, 403);
            let history = json(&call(&app, "get_conversation", &format!("client_id={jordan}"), Some(&therapist)).await.body);
            assert_eq!(history["messages"].as_array().unwrap().len(), 1);
            assert_eq!(history["can_send"], false);
            let inbox = json(&call(&app, "get_message_inbox", "", Some(&therapist)).await.body);
            assert!(!inbox["startable"].as_array().unwrap().iter().any(|c| c["id"] == jordan));
            assert_eq!(message::Entity::find().count(&t.db).await.unwrap(), 1, "nothing deleted");

            // A contact without the messages scope is refused too, with messaging on.
            call(&app, "change_setting", &format!("client_id={jordan}&setting=secure_messaging&on=true"), Some(&admin)).await;
            let parent = sign_in(&app, "parent@brightpath.example").await;
            assert_eq!(call(&app, "get_conversation", &format!("client_id={jordan}"), Some(&parent)).await.status, 200);
            let contact = json(&call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await.body)["contacts"][0]["id"].as_i64().unwrap();
            call(&app, "set_contact_access", &format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true"), Some(&admin)).await;
            assert_eq!(call(&app, "send_message", &send_args(jordan, "Hi"), Some(&parent)).await.status, 403);
        }),
    )
    .await;
}

#[tokio::test]
async fn unread_messages_are_emailed_once_after_ten_minutes_without_their_content() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let state = t.state();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            call(
                &app,
                "send_message",
                &send_args(jordan, "Your results are in"),
                Some(&therapist),
            )
            .await;
            let sent_at = message::Entity::find()
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .created_at;
            let mails = || async { outbox::Entity::find().all(&t.db).await.unwrap() };
            let before = mails().await.len();

            assert_eq!(
                notify_unread(&state, sent_at + chrono::Duration::minutes(9))
                    .await
                    .unwrap(),
                0
            );
            // The client reads it within ten minutes: only the parent (messages scope) is emailed.
            call(
                &app,
                "get_conversation",
                &format!("client_id={jordan}"),
                Some(&client),
            )
            .await;
            assert_eq!(
                notify_unread(&state, sent_at + chrono::Duration::minutes(11))
                    .await
                    .unwrap(),
                1
            );
            let new: Vec<_> = mails().await.into_iter().skip(before).collect();
            assert_eq!(new.len(), 1);
            assert_eq!(new[0].recipient, "parent@brightpath.example");
            assert!(new[0]
                .body
                .contains(&format!("/portal/clients/{jordan}/messages")));
            assert!(
                !new[0].body.contains("results") && !new[0].subject.contains("results"),
                "no content"
            );
            assert!(!new[0].body.contains("Jordan"), "no names");
            // Once only.
            assert_eq!(
                notify_unread(&state, sent_at + chrono::Duration::minutes(30))
                    .await
                    .unwrap(),
                0
            );

            // A reply nobody on the practice side reads: the therapist gets the staff link.
            call(
                &app,
                "send_message",
                &send_args(jordan, "Thank you"),
                Some(&client),
            )
            .await;
            let reply_at = message::Entity::find()
                .filter(message::Column::Body.eq("Thank you"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .created_at;
            notify_unread(&state, reply_at + chrono::Duration::minutes(10))
                .await
                .unwrap();
            let staff_mail: Vec<_> = mails()
                .await
                .into_iter()
                .filter(|m| m.recipient == "therapist@brightpath.example")
                .collect();
            assert_eq!(staff_mail.len(), 1);
            assert!(staff_mail[0]
                .body
                .contains(&format!("/admin/messages/{jordan}")));
            let _ = Utc::now();
        }),
    )
    .await;
}

#[tokio::test]
async fn messages_render_as_escaped_text_with_only_http_links() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let body = "<script>alert(1)</script> <b>bold</b> see https://example.org/info and javascript:alert(2)";
            assert_eq!(call(&app, "send_message", &send_args(jordan, body), Some(&therapist)).await.status, 200);
            let html = page(&app, &format!("/portal/clients/{jordan}/messages"), Some(&client)).await;
            assert_eq!(html.status, 200);
            assert!(html.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", html.body);
            assert!(!html.body.contains("<script>alert(1)"));
            assert!(!html.body.contains("<b>bold</b>"));
            assert!(html.body.contains(r#"href="https://example.org/info""#));
            assert!(!html.body.contains(r#"href="javascript:"#));
        }),
    )
    .await;
}

#[tokio::test]
async fn a_long_thread_shows_its_latest_page_and_earlier_ones_on_request() {
    each_database(
        true,
        body!(|t| {
            use sea_orm::{ActiveValue::NotSet, Set};
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let org = app::server::store::entities::client::Entity::find_by_id(jordan)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .organization_id;
            let start = Utc::now() - chrono::Duration::days(30);
            let rows = (1..=120).map(|i| message::ActiveModel {
                id: NotSet,
                organization_id: Set(org),
                client_id: Set(jordan),
                sender_key: Set("portal:0".into()),
                sender_name: Set("Earlier sender".into()),
                body: Set(format!("Message number {i}.")),
                created_at: Set(start + chrono::Duration::minutes(i)),
                seen_at: Set(None),
                notified_at: Set(None),
            });
            message::Entity::insert_many(rows)
                .exec(&t.db)
                .await
                .unwrap();
            let get = |args: String| {
                let (app, client) = (app.clone(), client.clone());
                async move {
                    let reply = call(&app, "get_conversation", &args, Some(&client)).await;
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    json(&reply.body)
                }
            };
            let first = get(format!("client_id={jordan}")).await;
            let bodies = |c: &serde_json::Value| -> Vec<String> {
                c["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["body"].as_str().unwrap().to_owned())
                    .collect()
            };
            let shown = bodies(&first);
            assert_eq!(shown.len(), 50, "one page");
            assert_eq!(
                (shown[0].as_str(), shown[49].as_str()),
                ("Message number 71.", "Message number 120."),
                "the latest, oldest first"
            );
            assert_eq!(first["has_earlier"], true);
            let more = get(format!("client_id={jordan}&shown=100")).await;
            assert_eq!(bodies(&more).len(), 100);
            assert_eq!(more["has_earlier"], true);
            let all = get(format!("client_id={jordan}&shown=150")).await;
            assert_eq!(bodies(&all).len(), 120);
            assert_eq!(all["has_earlier"], false);
            assert_eq!(bodies(&all)[0], "Message number 1.");

            // The page offers the next page as a plain link, and follows it.
            let html = page(
                &app,
                &format!("/portal/clients/{jordan}/messages"),
                Some(&client),
            )
            .await;
            assert!(
                html.body.contains(&format!(
                    r#"href="/portal/clients/{jordan}/messages?shown=100""#
                )),
                "{}",
                html.body
            );
            assert!(
                html.body.contains("Message number 71.")
                    && !html.body.contains("Message number 70.")
            );
            let html = page(
                &app,
                &format!("/portal/clients/{jordan}/messages?shown=100"),
                Some(&client),
            )
            .await;
            assert!(
                html.body.contains("Message number 21.")
                    && !html.body.contains("Message number 20.")
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn live_updates_reach_a_second_server_process_through_the_database() {
    each_database(
        true,
        body!(|t| {
            // Two "processes": two routers with their own state and live hub, one database.
            let first = t.app();
            let second = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&first, "therapist@brightpath.example").await;
            let client = sign_in(&second, "client@brightpath.example").await;
            let listening = tokio::spawn(events_until(
                second.clone(),
                client.clone(),
                format!("event: conversation\ndata: {jordan}"),
            ));
            tokio::time::sleep(Duration::from_millis(700)).await;
            let sent_at = std::time::Instant::now();
            assert_eq!(
                call(
                    &first,
                    "send_message",
                    &send_args(jordan, "Live?"),
                    Some(&therapist)
                )
                .await
                .status,
                200
            );
            let seen = listening.await.unwrap();
            // PostgreSQL wakes the other process with NOTIFY (its fallback poll is every 2 s);
            // SQLite is polled every half second.
            let limit = match t.kind {
                "postgres" => Duration::from_millis(1000),
                _ => Duration::from_millis(1500),
            };
            assert!(
                sent_at.elapsed() < limit,
                "{}: delivered after {:?}",
                t.kind,
                sent_at.elapsed()
            );
            assert!(seen.contains("event: unread"), "{seen}");
            assert!(
                seen.contains(&format!("event: conversation\ndata: {jordan}")),
                "{seen}"
            );
            assert!(
                seen.contains(&format!("[{jordan},1]")),
                "the unread count rose: {seen}"
            );
            // Without a session there is no stream.
            let mut req = Request::get("/events").body(Body::empty()).unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [127, 0, 0, 1],
                    40000,
                ))));
            assert_eq!(second.clone().oneshot(req).await.unwrap().status(), 401);
        }),
    )
    .await;
}

#[tokio::test]
async fn new_message_emails_the_mail_server_refuses_are_kept_for_later() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let sent = call(
                &app,
                "send_message",
                &send_args(jordan, "Your results are in"),
                Some(&therapist),
            )
            .await;
            assert_eq!(sent.status, 200, "{}", sent.body);
            let sent_at = message::Entity::find()
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .created_at;
            let state = app::server::AppState {
                mailer: unreachable_mailer().await,
                ..t.state()
            };
            let emailed = notify_unread(&state, sent_at + chrono::Duration::minutes(11))
                .await
                .expect("a refused email is not an error of the job");
            assert_eq!(emailed, 2);
            let mut kept: Vec<_> = mail_retry::Entity::find()
                .all(&t.db)
                .await
                .unwrap()
                .into_iter()
                .map(|k| {
                    assert!(!k.body.contains("results"), "no content: {}", k.body);
                    k.recipient
                })
                .collect();
            kept.sort();
            assert_eq!(
                kept,
                vec!["client@brightpath.example", "parent@brightpath.example"]
            );
        }),
    )
    .await;
}
