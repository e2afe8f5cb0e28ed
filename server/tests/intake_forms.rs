//! Intake forms through the server functions on both databases: drafts, the refused incomplete
//! submission, the locked form, the kept template version, Hide Location Address, and scopes.

use crate::common;

use axum::http::StatusCode;
use axum::Router;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use app::server::store::entities::{client_contact, form_template, outbox, sent_form};
use common::{audited, call, client_id, each_database, json, sign_in};

fn enc(v: &Value) -> String {
    let s = v.to_string();
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Jordan's demo form (the Client Intake Form sent for Main Clinic).
async fn jordans_form(db: &DatabaseConnection) -> i32 {
    sent_form::Entity::find().one(db).await.unwrap().unwrap().id
}

async fn template(db: &DatabaseConnection, name: &str) -> i32 {
    form_template::Entity::find()
        .filter(form_template::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn complete_intake() -> Value {
    json!({
        "full_name": {"Text": "Jordan Lee"},
        "date_of_birth": {"Text": "2012-04-02"},
        "pronouns": {"Text": "They/them"},
        "emergency_name": {"Text": "Alex Lee"},
        "emergency_phone": {"Text": "207 555 0100"},
        "concerns": {"Choices": ["Communication"]},
        "signature": {"Signature": {"name": "Alex Lee", "consent": true}}
    })
}

async fn portal_form(app: &Router, cookie: &str, client: i32, form: i32) -> (StatusCode, String) {
    let r = call(
        app,
        "get_portal_form",
        &format!("client_id={client}&form_id={form}"),
        Some(cookie),
    )
    .await;
    (r.status, r.body)
}

#[tokio::test]
async fn a_draft_is_kept_an_incomplete_form_refused_and_a_submitted_form_locked() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let form = jordans_form(&t.db).await;

            let list = call(
                &app,
                "list_portal_forms",
                &format!("client_id={jordan}"),
                Some(&parent),
            )
            .await;
            assert_eq!(list.status, StatusCode::OK, "{}", list.body);
            assert!(
                list.body.contains("Client Intake Form") && list.body.contains("\"Sent\""),
                "{}",
                list.body
            );
            let (_, body) = portal_form(&app, &parent, jordan, form).await;
            let opened = json(&body);
            assert_eq!(opened["location"]["name"], "Main Clinic");
            assert_eq!(
                opened["location"]["address"],
                "125 Harbor Street, Portland, ME 04101"
            );

            let half =
                json!({"full_name": {"Text": "Jordan Lee"}, "date_of_birth": {"Text": "2012-0"}});
            let saved = call(
                &app,
                "save_form_draft",
                &format!("client_id={jordan}&form_id={form}&answers={}", enc(&half)),
                Some(&parent),
            )
            .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            // The form was sent to the parent: Jordan's own login sees that it exists and
            // where it stands, and cannot open it.
            let theirs = call(
                &app,
                "list_portal_forms",
                &format!("client_id={jordan}"),
                Some(&client),
            )
            .await;
            let theirs = json(&theirs.body);
            assert_eq!(theirs[0]["status"], "InProgress");
            assert_eq!(
                (
                    theirs[0]["yours"].as_bool(),
                    theirs[0]["addressee"].as_str()
                ),
                (Some(false), Some("Alex Lee"))
            );
            assert_eq!(
                portal_form(&app, &client, jordan, form).await.0,
                StatusCode::FORBIDDEN
            );
            // The parent's other device continues from the draft.
            let (_, body) = portal_form(&app, &parent, jordan, form).await;
            assert_eq!(json(&body)["answers"]["full_name"]["Text"], "Jordan Lee");
            let staff_list = call(
                &app,
                "list_client_forms",
                &format!("client_id={jordan}"),
                Some(&therapist),
            )
            .await;
            assert!(
                staff_list.body.contains("InProgress"),
                "{}",
                staff_list.body
            );
            let junk = json!({"not_a_field": {"Text": "x"}});
            let refused_draft = call(
                &app,
                "save_form_draft",
                &format!("client_id={jordan}&form_id={form}&answers={}", enc(&junk)),
                Some(&parent),
            )
            .await;
            assert_eq!(refused_draft.status, StatusCode::BAD_REQUEST);

            let incomplete = call(
                &app,
                "submit_form",
                &format!("client_id={jordan}&form_id={form}&answers={}", enc(&half)),
                Some(&parent),
            )
            .await;
            assert_eq!(incomplete.status, StatusCode::BAD_REQUEST);
            for field in ["date_of_birth", "emergency_name", "signature"] {
                assert!(
                    incomplete.body.contains(field),
                    "{field}: {}",
                    incomplete.body
                );
            }
            let unsigned = {
                let mut a = complete_intake();
                a["signature"] = json!({"Signature": {"name": "Alex Lee", "consent": false}});
                a
            };
            let refused = call(
                &app,
                "submit_form",
                &format!(
                    "client_id={jordan}&form_id={form}&answers={}",
                    enc(&unsigned)
                ),
                Some(&parent),
            )
            .await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST);
            assert!(
                refused.body.contains("tick the consent box"),
                "{}",
                refused.body
            );

            let submitted = call(
                &app,
                "submit_form",
                &format!(
                    "client_id={jordan}&form_id={form}&answers={}",
                    enc(&complete_intake())
                ),
                Some(&parent),
            )
            .await;
            assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
            let again = call(
                &app,
                "submit_form",
                &format!(
                    "client_id={jordan}&form_id={form}&answers={}",
                    enc(&complete_intake())
                ),
                Some(&parent),
            )
            .await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            let late_draft = call(
                &app,
                "save_form_draft",
                &format!("client_id={jordan}&form_id={form}&answers={}", enc(&half)),
                Some(&parent),
            )
            .await;
            assert_eq!(
                late_draft.status,
                StatusCode::CONFLICT,
                "the form is locked"
            );

            let view = call(
                &app,
                "get_submission",
                &format!("client_id={jordan}&form_id={form}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(view.status, StatusCode::OK, "{}", view.body);
            let view = json(&view.body);
            assert_eq!(view["status"], "Completed");
            assert_eq!(view["signed_name"], "Alex Lee");
            assert_eq!(view["signed_ip"], "127.0.0.1");
            assert_eq!(
                view["submitted_by"], "Alex Lee",
                "the submitter is recorded"
            );
            assert_eq!(view["answers"]["emergency_phone"]["Text"], "207 555 0100");
            assert_eq!(audited(&t.db, "form.submitted").await, 1);
            assert_eq!(audited(&t.db, "form.submission_opened").await, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn a_sent_form_keeps_its_template_version() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let client = sign_in(&app, "client@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let consent = template(&t.db, "Consent for Treatment").await;
        let send = format!("client_id={jordan}&input[template_ids][0]={consent}&input[recipient]=client&input[location_id]=1&input[due_on]=2099-01-01");
        let sent = call(&app, "send_forms", &send, Some(&admin)).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let mail = outbox::Entity::find().all(&t.db).await.unwrap().pop().unwrap();
        assert_eq!(mail.recipient, "client@brightpath.example");
        assert!(mail.body.contains(&format!("/portal/clients/{jordan}/forms")), "{}", mail.body);
        assert!(!mail.body.contains("Consent"), "no form names in email: {}", mail.body);

        let v2 = json!({"sections": [{"title": "Consent", "fields": [
            {"id": "understood", "label": "I understand", "kind": "Checkbox", "required": true, "help": null, "options": []},
            {"id": "photo", "label": "I allow photos", "kind": "Checkbox", "required": false, "help": null, "options": []}
        ]}]});
        let saved = call(&app, "save_form_template", &format!("template_id={consent}&definition={}", enc(&v2)), Some(&admin)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.body.trim(), "2");
        let bad = call(&app, "save_form_template", &format!("template_id={consent}&definition={}", enc(&json!({"sections": []}))), Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let first = sent_form::Entity::find().all(&t.db).await.unwrap().into_iter().max_by_key(|f| f.id).unwrap().id;
        let (_, body) = portal_form(&app, &client, jordan, first).await;
        assert!(!body.contains("I allow photos"), "the sent form keeps version 1: {body}");
        assert_eq!(call(&app, "send_forms", &send, Some(&admin)).await.status, StatusCode::OK);
        let second = sent_form::Entity::find().all(&t.db).await.unwrap().into_iter().max_by_key(|f| f.id).unwrap().id;
        let (_, body) = portal_form(&app, &client, jordan, second).await;
        assert!(body.contains("I allow photos"), "a new form gets version 2: {body}");
        let list = call(&app, "list_client_forms", &format!("client_id={jordan}"), Some(&admin)).await;
        assert!(list.body.contains("\"version\":1") && list.body.contains("\"version\":2"), "{}", list.body);
    }))
    .await;
}

#[tokio::test]
async fn hide_location_address_keeps_the_address_out_of_the_data() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let form = jordans_form(&t.db).await;
            call(
                &app,
                "change_setting",
                "setting=hide_location_address&on=true",
                Some(&admin),
            )
            .await;
            let (status, body) = portal_form(&app, &parent, jordan, form).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("Main Clinic") && !body.contains("Harbor"),
                "{body}"
            );
            let page = common::page(
                &app,
                &format!("/portal/clients/{jordan}/forms/{form}"),
                Some(&parent),
            )
            .await;
            assert!(
                page.body.contains("Main Clinic") && !page.body.contains("Harbor"),
                "the HTML has no address"
            );
            // Turned off for Jordan alone, the address is back.
            call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=hide_location_address&on=false"),
                Some(&admin),
            )
            .await;
            let (_, body) = portal_form(&app, &parent, jordan, form).await;
            assert!(body.contains("125 Harbor Street"), "{body}");
            // Staff always see where the form was for.
            let view = call(
                &app,
                "get_submission",
                &format!("client_id={jordan}&form_id={form}"),
                Some(&admin),
            )
            .await;
            assert!(view.body.contains("125 Harbor Street"));
        }),
    )
    .await;
}

#[tokio::test]
async fn the_forms_scope_governs_contacts_and_sending() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let parent = sign_in(&app, "parent@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let form = jordans_form(&t.db).await;
        let alex = client_contact::Entity::find().one(&t.db).await.unwrap().unwrap().id;
        let intake = template(&t.db, "Client Intake Form").await;
        let send = format!("client_id={jordan}&input[template_ids][0]={intake}&input[recipient]=contact:{alex}&input[location_id]=1&input[due_on]=2099-01-01");

        let messages_only = format!("client_id={jordan}&contact_id={alex}&access[portal_access]=true&access[messages]=true");
        assert_eq!(call(&app, "set_contact_access", &messages_only, Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(call(&app, "list_portal_forms", &format!("client_id={jordan}"), Some(&parent)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(portal_form(&app, &parent, jordan, form).await.0, StatusCode::FORBIDDEN);
        let refused = call(&app, "send_forms", &send, Some(&admin)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("intake forms scope"), "{}", refused.body);

        let with_forms = format!("{messages_only}&access[forms]=true");
        assert_eq!(call(&app, "set_contact_access", &with_forms, Some(&admin)).await.status, StatusCode::OK);
        let sent = call(&app, "send_forms", &send, Some(&admin)).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let to_parent = outbox::Entity::find().filter(outbox::Column::Recipient.eq("parent@brightpath.example")).count(&t.db).await.unwrap();
        assert_eq!(to_parent, 1);

        let reminded = call(&app, "remind_form", &format!("client_id={jordan}&form_id={form}"), Some(&admin)).await;
        assert_eq!(reminded.status, StatusCode::OK, "{}", reminded.body);
        let cancelled = call(&app, "cancel_form", &format!("client_id={jordan}&form_id={form}"), Some(&admin)).await;
        assert_eq!(cancelled.status, StatusCode::OK);
        assert_eq!(portal_form(&app, &parent, jordan, form).await.0, StatusCode::NOT_FOUND, "a cancelled form is gone from the portal");
        let twice = call(&app, "cancel_form", &format!("client_id={jordan}&form_id={form}"), Some(&admin)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let past = send.replace("2099-01-01", "2020-01-01");
        assert_eq!(call(&app, "send_forms", &past, Some(&admin)).await.status, StatusCode::BAD_REQUEST);
    }))
    .await;
}

#[tokio::test]
async fn administrators_create_templates_with_unique_names() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let created = call(
                &app,
                "create_form_template",
                "name=Speech%20Intake",
                Some(&admin),
            )
            .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.body);
            let id: i32 = created.body.trim().parse().unwrap();
            let detail = json(
                &call(
                    &app,
                    "get_form_template",
                    &format!("template_id={id}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert_eq!(detail["version"], 1);
            assert_eq!(
                detail["definition"]["sections"][0]["fields"][0]["label"],
                "Question 1"
            );
            let twice = call(
                &app,
                "create_form_template",
                "name=Speech%20Intake",
                Some(&admin),
            )
            .await;
            assert_eq!(twice.status, StatusCode::CONFLICT);
            let blank = call(&app, "create_form_template", "name=%20", Some(&admin)).await;
            assert_eq!(blank.status, StatusCode::BAD_REQUEST);
            assert_eq!(audited(&t.db, "form_template.create").await, 1);
        }),
    )
    .await;
}
