//! A person's own Account page: changing the password needs the current one, is throttled like
//! a sign-in, and ends every other session; sessions are listed with their device and can be
//! signed out one by one, only by their owner; staff revoke their calendar feed.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use app::server::store::entities::{audit_log, staff_user};
use common::{call, each_database, send};

const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
const LAPTOP: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0";

/// Signs in from a device with `user_agent`; returns the session cookie.
async fn sign_in_on(
    app: &axum::Router,
    email: &str,
    password: &str,
    user_agent: &str,
) -> Option<String> {
    let req = Request::post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, user_agent)
        .body(Body::from(format!(
            "email={}&password={password}",
            email.replace('@', "%40")
        )))
        .unwrap();
    send(app, req).await.session_cookie()
}

fn change(current: &str, new: &str) -> String {
    format!("input[current]={current}&input[password]={new}&input[confirm]={new}")
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_signs_out_every_other_device() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let email = "parent@brightpath.example";
            let phone = sign_in_on(&app, email, "demo-password-1", PHONE)
                .await
                .unwrap();
            let laptop = sign_in_on(&app, email, "demo-password-1", LAPTOP)
                .await
                .unwrap();

            // Both devices are listed, by name, and the page knows which one it is on.
            let reply = call(&app, "get_account", "", Some(&phone)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let account: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            let sessions = account["sessions"].as_array().unwrap();
            assert_eq!(sessions.len(), 2);
            let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
            assert_eq!(current.len(), 1);
            assert_eq!(current[0]["device"], "Chrome on Android");
            assert!(sessions.iter().any(|s| s["device"] == "Firefox on Mac"));
            assert_eq!(
                account["calendar_feed"],
                serde_json::Value::Null,
                "portal logins have no feed"
            );

            // A wrong current password changes nothing and counts like a failed sign-in.
            let reply = call(
                &app,
                "change_password",
                &change("wrong-password", "a-brand-new-password"),
                Some(&phone),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            assert!(
                reply.body.contains("current password is not correct"),
                "{}",
                reply.body
            );
            for _ in 0..4 {
                call(
                    &app,
                    "change_password",
                    &change("wrong-password", "a-brand-new-password"),
                    Some(&phone),
                )
                .await;
            }
            let reply = call(
                &app,
                "change_password",
                &change("demo-password-1", "a-brand-new-password"),
                Some(&phone),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "guessing is throttled: {}",
                reply.body
            );
            let refused = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("password.change_refused"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(refused, 5);
            // Nothing changed: the other device is still signed in.
            assert_eq!(
                call(&app, "get_account", "", Some(&laptop)).await.status,
                StatusCode::OK
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_right_current_password_changes_it_and_ends_only_the_other_sessions() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let email = "therapist@brightpath.example";
            let phone = sign_in_on(&app, email, "demo-password-1", PHONE)
                .await
                .unwrap();
            let laptop = sign_in_on(&app, email, "demo-password-1", LAPTOP)
                .await
                .unwrap();
            let reply = call(
                &app,
                "change_password",
                &change("demo-password-1", "a-brand-new-password"),
                Some(&phone),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            // This device stays signed in; the other one is out.
            assert_eq!(
                call(&app, "get_account", "", Some(&phone)).await.status,
                StatusCode::OK
            );
            assert_eq!(
                call(&app, "get_account", "", Some(&laptop)).await.status,
                StatusCode::UNAUTHORIZED
            );
            // The new password signs in, the old one no longer does.
            assert!(sign_in_on(&app, email, "a-brand-new-password", LAPTOP)
                .await
                .is_some());
            assert!(sign_in_on(&app, email, "demo-password-1", LAPTOP)
                .await
                .is_none());
            let changed = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("password.changed"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(changed, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn a_session_is_signed_out_by_its_owner_only_and_staff_revoke_their_feed() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let phone = sign_in_on(&app, "admin@brightpath.example", "demo-password-1", PHONE)
                .await
                .unwrap();
            let laptop = sign_in_on(&app, "admin@brightpath.example", "demo-password-1", LAPTOP)
                .await
                .unwrap();
            let other = sign_in_on(
                &app,
                "therapist@brightpath.example",
                "demo-password-1",
                LAPTOP,
            )
            .await
            .unwrap();
            let account: serde_json::Value =
                serde_json::from_str(&call(&app, "get_account", "", Some(&phone)).await.body)
                    .unwrap();
            let laptop_handle = account["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["current"] == false)
                .unwrap()["handle"]
                .as_str()
                .unwrap()
                .to_owned();
            // Another person cannot end it, even knowing its handle.
            let reply = call(
                &app,
                "end_session",
                &format!("handle={laptop_handle}"),
                Some(&other),
            )
            .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            assert_eq!(
                call(&app, "get_account", "", Some(&laptop)).await.status,
                StatusCode::OK
            );
            // Its owner can.
            let reply = call(
                &app,
                "end_session",
                &format!("handle={laptop_handle}"),
                Some(&phone),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(
                call(&app, "get_account", "", Some(&laptop)).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                call(&app, "get_account", "", Some(&phone)).await.status,
                StatusCode::OK
            );

            // The calendar feed: created, then revoked; its URL stops answering.
            let reply = call(&app, "create_calendar_feed", "", Some(&phone)).await;
            let url: String = serde_json::from_str(&reply.body).unwrap();
            let path = url.split_once("://").unwrap().1.split_once('/').unwrap().1;
            let path = format!("/{path}");
            assert_eq!(common::page(&app, &path, None).await.status, StatusCode::OK);
            let account: serde_json::Value =
                serde_json::from_str(&call(&app, "get_account", "", Some(&phone)).await.body)
                    .unwrap();
            assert_eq!(account["calendar_feed"], true);
            assert_eq!(
                call(&app, "revoke_calendar_feed", "", Some(&phone))
                    .await
                    .status,
                StatusCode::OK
            );
            assert_eq!(
                common::page(&app, &path, None).await.status,
                StatusCode::NOT_FOUND
            );
            let admin = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq("admin@brightpath.example"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(admin.calendar_feed_hash.is_none());
        }),
    )
    .await;
}
