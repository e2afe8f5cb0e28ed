//! Portal accounts, invitations, password resets and the Client Contact Network, through the
//! server functions on both databases.

use crate::common;

use axum::http::StatusCode;
use axum::Router;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::Value;

use app::server::store::entities::{
    audit_log, client, client_contact, client_contact_link, outbox, portal_link,
};
use common::{
    audited, call, client_id, each_database, json, password_form, sign_in, token_sent_to,
};

/// The token in the newest outbox email to `to`.
async fn emails(db: &DatabaseConnection) -> u64 {
    outbox::Entity::find().count(db).await.unwrap()
}

/// A new Bright Path client with an email and no login; returns the id.
async fn new_client(db: &DatabaseConnection, first: &str, email: Option<&str>) -> i32 {
    let org = client::Entity::find_by_id(client_id(db, "Jordan").await)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .organization_id;
    client::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        first_name: Set(first.into()),
        last_name: Set("Park".into()),
        date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(2014, 3, 1).unwrap()),
        email: Set(email.map(str::to_owned)),
        created_at: Set(Utc::now()),
        search_name: Set(format!("{} park", first.to_lowercase())),
        last_name_key: Set("park".into()),
        uses_portal: Set(false),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

/// The names of the clients in a portal login's switcher.
async fn switcher(app: &Router, cookie: &str) -> Vec<String> {
    let viewer = json(&call(app, "current_viewer", "", Some(cookie)).await.body);
    viewer["kind"]["Portal"]["clients"]
        .as_array()
        .unwrap_or_else(|| panic!("not a portal viewer: {viewer}"))
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_invitation_link_works_once_and_signs_the_client_in() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let robin = new_client(&t.db, "Robin", Some("robin@example.com")).await;
            // The therapist is not assigned to Robin: the client is not found for them.
            let denied = call(
                &app,
                "invite_client",
                &format!("client_id={robin}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(denied.status, StatusCode::NOT_FOUND);

            let sent = call(
                &app,
                "invite_client",
                &format!("client_id={robin}"),
                Some(&admin),
            )
            .await;
            assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
            assert!(sent.body.contains("Invited"), "{}", sent.body);
            let managed = call(&app, "list_portal_clients", "query=robin", Some(&admin)).await;
            assert!(
                managed.body.contains("Robin Park"),
                "a pending invitation uses the portal: {}",
                managed.body
            );

            let token = token_sent_to(&t.db, "robin@example.com").await;
            let mail = outbox::Entity::find()
                .order_by_desc(outbox::Column::Id)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(
                mail.body.starts_with("Hello Robin Park,") && mail.body.contains("Bright Path ABA")
            );
            let info = json(
                &call(&app, "check_link", &format!("token={token}"), None)
                    .await
                    .body,
            );
            assert_eq!(info["state"], "Valid");
            assert_eq!(info["email"], "robin@example.com");

            let weak = call(&app, "accept_link", &password_form(&token, "short"), None).await;
            assert_eq!(weak.status, StatusCode::BAD_REQUEST);
            assert!(weak.body.contains("at least 10"), "{}", weak.body);

            let accepted = call(
                &app,
                "accept_link",
                &password_form(&token, "robin's new password"),
                None,
            )
            .await;
            assert!(
                accepted.status.is_success() || accepted.status.is_redirection(),
                "{} {}",
                accepted.status,
                accepted.body
            );
            let cookie = accepted
                .session_cookie()
                .expect("signed in after choosing a password");
            assert_eq!(switcher(&app, &cookie).await, vec!["Robin Park"]);
            let home = call(
                &app,
                "get_portal_client",
                &format!("client_id={robin}"),
                Some(&cookie),
            )
            .await;
            assert_eq!(home.status, StatusCode::OK, "{}", home.body);

            let again = call(
                &app,
                "accept_link",
                &password_form(&token, "another password!"),
                None,
            )
            .await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            assert!(again.body.contains("already been used"), "{}", again.body);
            assert_eq!(
                json(
                    &call(&app, "check_link", &format!("token={token}"), None)
                        .await
                        .body
                )["state"],
                "Used"
            );

            let resend = call(
                &app,
                "invite_client",
                &format!("client_id={robin}"),
                Some(&admin),
            )
            .await;
            assert_eq!(
                resend.status,
                StatusCode::CONFLICT,
                "a login exists: {}",
                resend.body
            );
            assert_eq!(audited(&t.db, "portal.invitation_sent").await, 1);
            assert_eq!(audited(&t.db, "portal.invitation_accepted").await, 1);

            let outbox_page = call(&app, "list_outbox", "", Some(&admin)).await;
            assert!(
                outbox_page.body.contains("robin@example.com"),
                "{}",
                outbox_page.body
            );
            let other = sign_in(&app, "admin@otherclinic.example").await;
            let elsewhere = call(&app, "list_outbox", "", Some(&other)).await;
            assert!(
                !elsewhere.body.contains("robin@example.com"),
                "{}",
                elsewhere.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn expired_resent_and_revoked_links_are_refused() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let kim = new_client(&t.db, "Kim", Some("kim@example.com")).await;
            let kim_form = format!("client_id={kim}");
            let invite = || call(&app, "invite_client", &kim_form, Some(&admin));
            assert_eq!(invite().await.status, StatusCode::OK);
            let first = token_sent_to(&t.db, "kim@example.com").await;
            portal_link::Entity::update_many()
                .col_expr(
                    portal_link::Column::ExpiresAt,
                    Expr::value(Utc::now() - Duration::minutes(1)),
                )
                .exec(&t.db)
                .await
                .unwrap();
            let expired = call(
                &app,
                "accept_link",
                &password_form(&first, "kim's password 1"),
                None,
            )
            .await;
            assert_eq!(expired.status, StatusCode::CONFLICT);
            assert!(expired.body.contains("expired"), "{}", expired.body);
            let detail = call(&app, "get_client", &format!("id={kim}"), Some(&admin)).await;
            assert!(detail.body.contains("InvitationExpired"), "{}", detail.body);

            assert_eq!(invite().await.status, StatusCode::OK, "resend");
            let second = token_sent_to(&t.db, "kim@example.com").await;
            assert_ne!(first, second);
            assert_eq!(audited(&t.db, "portal.invitation_resent").await, 1);
            let revoked = call(
                &app,
                "revoke_invitation",
                &format!("client_id={kim}"),
                Some(&admin),
            )
            .await;
            assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
            assert_eq!(
                json(
                    &call(&app, "check_link", &format!("token={second}"), None)
                        .await
                        .body
                )["state"],
                "Revoked"
            );
            let refused = call(
                &app,
                "accept_link",
                &password_form(&second, "kim's password 1"),
                None,
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(refused.body.contains("withdrawn"), "{}", refused.body);
            let nothing = call(
                &app,
                "revoke_invitation",
                &format!("client_id={kim}"),
                Some(&admin),
            )
            .await;
            assert_eq!(nothing.status, StatusCode::CONFLICT);
            let managed = call(&app, "list_portal_clients", "query=kim", Some(&admin)).await;
            assert!(
                !managed.body.contains("Kim Park"),
                "a revoked invitation no longer uses the portal: {}",
                managed.body
            );

            let sam = client_id(&t.db, "Sam").await;
            let no_email = call(
                &app,
                "invite_client",
                &format!("client_id={sam}"),
                Some(&admin),
            )
            .await;
            assert_eq!(no_email.status, StatusCode::BAD_REQUEST);
            assert!(no_email.body.contains("no email"), "{}", no_email.body);
            let jordan = client_id(&t.db, "Jordan").await;
            let has_login = call(
                &app,
                "invite_client",
                &format!("client_id={jordan}"),
                Some(&admin),
            )
            .await;
            assert_eq!(has_login.status, StatusCode::CONFLICT);
            let bogus = json(&call(&app, "check_link", "token=nope", None).await.body);
            assert_eq!(bogus["state"], "Unknown");
        }),
    )
    .await;
}

#[tokio::test]
async fn a_contact_is_cut_off_by_the_setting_at_either_level_and_restored() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let sam = client_id(&t.db, "Sam").await;
            assert_eq!(switcher(&app, &parent).await, vec!["Jordan Lee", "Sam Lee"]);
            let home = |cookie: String, id: i32| {
                let app = app.clone();
                async move {
                    call(
                        &app,
                        "get_portal_client",
                        &format!("client_id={id}"),
                        Some(&cookie),
                    )
                    .await
                    .status
                }
            };

            let off = call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=contact_access&on=false"),
                Some(&admin),
            )
            .await;
            assert_eq!(off.status, StatusCode::OK, "{}", off.body);
            assert_eq!(switcher(&app, &parent).await, vec!["Sam Lee"]);
            assert_eq!(home(parent.clone(), jordan).await, StatusCode::FORBIDDEN);
            let settings = call(
                &app,
                "get_effective_settings",
                &format!("client_id={jordan}"),
                Some(&parent),
            )
            .await;
            assert_eq!(settings.status, StatusCode::FORBIDDEN);
            assert_eq!(home(parent.clone(), sam).await, StatusCode::OK);
            assert_eq!(
                home(client.clone(), jordan).await,
                StatusCode::OK,
                "Jordan's own login is not a contact"
            );
            let page =
                common::page(&app, &format!("/portal/clients/{jordan}"), Some(&parent)).await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "the direct URL answers 403"
            );

            call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=contact_access&on=true"),
                Some(&admin),
            )
            .await;
            assert_eq!(switcher(&app, &parent).await, vec!["Jordan Lee", "Sam Lee"]);

            call(
                &app,
                "change_setting",
                "setting=contact_access&on=false",
                Some(&admin),
            )
            .await;
            assert!(switcher(&app, &parent).await.is_empty());
            assert_eq!(home(parent.clone(), sam).await, StatusCode::FORBIDDEN);
            call(
                &app,
                "change_setting",
                "setting=contact_access&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(switcher(&app, &parent).await, vec!["Jordan Lee", "Sam Lee"]);
            assert_eq!(
                client_contact_link::Entity::find()
                    .count(&t.db)
                    .await
                    .unwrap(),
                2,
                "nothing deleted"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn scopes_and_the_end_date_limit_what_a_contact_may_do() {
    each_database(true, body!(|t| {
        let app = t.app();
        let therapist = sign_in(&app, "therapist@brightpath.example").await;
        let parent = sign_in(&app, "parent@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let sam = client_id(&t.db, "Sam").await;
        let contact = client_contact::Entity::find().one(&t.db).await.unwrap().unwrap().id;
        let abilities = |id: i32| {
            let (app, parent) = (app.clone(), parent.clone());
            async move {
                let reply = call(&app, "get_portal_client", &format!("client_id={id}"), Some(&parent)).await;
                (reply.status, serde_json::from_str::<Value>(&reply.body).ok().map(|v| v["abilities"].clone()))
            }
        };
        let (_, full) = abilities(jordan).await;
        let full = full.unwrap();
        assert_eq!((full["forms"].as_bool(), full["messages"].as_bool(), full["scheduling"].as_bool()), (Some(true), Some(true), Some(true)));
        assert_eq!(full["payments"], false, "payments are off organization-wide in the demo");

        // The assigned therapist narrows the parent's access to Jordan to intake forms.
        let set = |form: String| {
            let (app, therapist) = (app.clone(), therapist.clone());
            async move { call(&app, "set_contact_access", &form, Some(&therapist)).await }
        };
        let narrowed = set(format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true&access[ends_on]=")).await;
        assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.body);
        let (_, only_forms) = abilities(jordan).await;
        let only_forms = only_forms.unwrap();
        assert_eq!(only_forms["forms"], true);
        assert_eq!(only_forms["insurance"], true, "insurance comes with the forms scope");
        assert_eq!((only_forms["messages"].as_bool(), only_forms["scheduling"].as_bool()), (Some(false), Some(false)));
        assert_eq!(abilities(sam).await.1.unwrap()["messages"], true, "Sam's link is unchanged");

        let no_scope = set(format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true")).await;
        assert_eq!(no_scope.status, StatusCode::BAD_REQUEST);
        let past = set(format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true&access[ends_on]=2020-01-01")).await;
        assert_eq!(past.status, StatusCode::BAD_REQUEST);
        assert!(past.body.contains("in the past"), "{}", past.body);

        // Access through today still works; the day after its end date it stops.
        let today = app::server::store::organizations::today_in("America/New_York", Utc::now());
        let until_today = set(format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true&access[ends_on]={today}")).await;
        assert_eq!(until_today.status, StatusCode::OK, "{}", until_today.body);
        assert_eq!(abilities(jordan).await.0, StatusCode::OK);
        client_contact_link::Entity::update_many()
            .col_expr(client_contact_link::Column::AccessEndsOn, Expr::value(today.pred_opt().unwrap()))
            .filter(client_contact_link::Column::ClientId.eq(jordan))
            .exec(&t.db)
            .await
            .unwrap();
        assert_eq!(abilities(jordan).await.0, StatusCode::FORBIDDEN, "access ends on the end date");
        assert_eq!(switcher(&app, &parent).await, vec!["Sam Lee"]);

        let withdrawn = set(format!("client_id={sam}&contact_id={contact}&access[forms]=true")).await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
        assert!(switcher(&app, &parent).await.is_empty());
        let withdrawal = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("contact.access_revoked"))
            .one(&t.db)
            .await
            .unwrap()
            .expect("the withdrawal is audited");
        assert!(withdrawal.old_value.unwrap().contains("\"portal_access\":true"));
        assert!(withdrawal.new_value.unwrap().contains("\"portal_access\":false"));
        assert_eq!(audited(&t.db, "contact.access_changed").await, 2);
    }))
    .await;
}

#[tokio::test]
async fn a_new_contact_is_linked_granted_and_invited() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let sam = client_id(&t.db, "Sam").await;
        let added = call(&app, "add_contact", &format!("client_id={sam}&input[name]=Pat Lee&input[email]=pat%40example.com&input[phone]=&input[relationship]=guardian"), Some(&admin)).await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let pat: i32 = added.body.trim().parse().unwrap();
        let early = call(&app, "invite_contact", &format!("client_id={sam}&contact_id={pat}"), Some(&admin)).await;
        assert_eq!(early.status, StatusCode::BAD_REQUEST);
        assert!(early.body.contains("Grant portal access"), "{}", early.body);
        let grant = format!("client_id={sam}&contact_id={pat}&access[portal_access]=true&access[scheduling]=true");
        assert_eq!(call(&app, "set_contact_access", &grant, Some(&admin)).await.status, StatusCode::OK);
        let invited = call(&app, "invite_contact", &format!("client_id={sam}&contact_id={pat}"), Some(&admin)).await;
        assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
        let before = emails(&t.db).await;
        let token = token_sent_to(&t.db, "pat@example.com").await;
        let accepted = call(&app, "accept_link", &password_form(&token, "pat's long password"), None).await;
        let cookie = accepted.session_cookie().expect("signed in");
        assert_eq!(switcher(&app, &cookie).await, vec!["Sam Lee"]);

        let linked = call(&app, "link_contact", &format!("client_id={jordan}&contact_id={pat}"), Some(&admin)).await;
        assert_eq!(linked.status, StatusCode::OK, "{}", linked.body);
        assert_eq!(switcher(&app, &cookie).await, vec!["Sam Lee"], "a new link starts without access");
        let twice = call(&app, "link_contact", &format!("client_id={jordan}&contact_id={pat}"), Some(&admin)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let grant = format!("client_id={jordan}&contact_id={pat}&access[portal_access]=true&access[messages]=true");
        assert_eq!(call(&app, "set_contact_access", &grant, Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(switcher(&app, &cookie).await, vec!["Jordan Lee", "Sam Lee"]);
        let detail = call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await;
        assert!(detail.body.contains("Pat Lee") && detail.body.contains("Active"), "{}", detail.body);
        assert_eq!(emails(&t.db).await, before, "accepting sends no email");
    }))
    .await;
}

#[tokio::test]
async fn a_password_reset_ends_every_other_session() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let first = sign_in(&app, "parent@brightpath.example").await;
            let second = sign_in(&app, "parent@brightpath.example").await;
            let before = emails(&t.db).await;
            let unknown = call(
                &app,
                "request_password_reset",
                "input[email]=nobody%40example.com",
                None,
            )
            .await;
            assert_eq!(unknown.status, StatusCode::OK);
            // The email, if any, is sent after the answer: give it time to (not) arrive.
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            assert_eq!(
                emails(&t.db).await,
                before,
                "no email for an unknown address"
            );
            let bad = call(
                &app,
                "request_password_reset",
                "input[email]=not-an-email",
                None,
            )
            .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);

            let asked = call(
                &app,
                "request_password_reset",
                "input[email]=Parent%40BrightPath.example",
                None,
            )
            .await;
            assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
            let token = token_sent_to(&t.db, "parent@brightpath.example").await;
            let reset = call(
                &app,
                "accept_link",
                &password_form(&token, "a brand new password"),
                None,
            )
            .await;
            let fresh = reset
                .session_cookie()
                .expect("signed in with the new password");
            for old in [&first, &second] {
                let viewer = call(&app, "current_viewer", "", Some(old)).await;
                assert_eq!(viewer.body.trim(), "null", "an old session ended");
            }
            assert_eq!(switcher(&app, &fresh).await, vec!["Jordan Lee", "Sam Lee"]);
            let old_password = call(
                &app,
                "sign_in",
                "email=parent%40brightpath.example&password=demo-password-1",
                None,
            )
            .await;
            assert_eq!(old_password.status, StatusCode::UNAUTHORIZED);
            let new_password = call(
                &app,
                "sign_in",
                "email=parent%40brightpath.example&password=a%20brand%20new%20password",
                None,
            )
            .await;
            assert!(new_password.session_cookie().is_some());
            assert_eq!(audited(&t.db, "password.reset").await, 1);
            // Resets are limited to three emails per address per hour, silently.
            for _ in 0..4 {
                call(
                    &app,
                    "request_password_reset",
                    "input[email]=parent%40brightpath.example",
                    None,
                )
                .await;
            }
            // Sent after the answers: wait for the last of them, then for any stragglers.
            let resets = || async {
                portal_link::Entity::find()
                    .filter(portal_link::Column::Email.eq("parent@brightpath.example"))
                    .count(&t.db)
                    .await
                    .unwrap()
            };
            for _ in 0..50 {
                if resets().await >= 3 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            assert_eq!(resets().await, 3);
        }),
    )
    .await;
}
