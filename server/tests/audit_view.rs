//! The administrators' audit log, on both databases: people with their role and records by
//! name (the stored entries keep their ids); a client's view holds every record of the client
//! and nothing of another; the person, kind and day filters, with clear errors; and the CSV
//! export, streamed in chunks, for administrators only and itself audited.

use crate::common;

use axum::http::{header, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use app::domain::schedule::BookingStatus;
use app::server::services::audit_log::EXPORT_CHUNK;
use app::server::store::audit::{record, Entry};
use app::server::store::entities::{audit_log, portal_account, staff_user};
use common::{
    audited, booking_row, call, client_id, each_database, json, page, paid, policy_of, send,
    sign_in, staff_member,
};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";

/// Appends an entry of organization `org` as the app does.
async fn entry(db: &DatabaseConnection, org: i32, actor: &str, action: &str, object: &str) {
    record(
        db,
        Entry {
            organization_id: Some(org),
            actor: actor.into(),
            action: action.into(),
            object: object.into(),
            old_value: None,
            new_value: Some(format!("{action} detail")),
            ip: None,
        },
    )
    .await
    .unwrap();
}

async fn login_id(db: &DatabaseConnection, email: &str) -> i32 {
    portal_account::Entity::find()
        .filter(portal_account::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A new appointment of `client` with Taylor next year; returns its id.
async fn appointment(db: &DatabaseConnection, taylor: &staff_user::Model, client: i32) -> i32 {
    use sea_orm::ActiveModelTrait;
    let start = chrono::Utc::now() + chrono::Duration::days(300 + i64::from(client));
    booking_row(
        taylor.organization_id,
        (taylor.id, client),
        BookingStatus::Booked,
        start,
        60,
    )
    .insert(db)
    .await
    .unwrap()
    .id
}

/// The rows of the audit log page `filter` (form fields) selects, as the administrator sees it.
async fn rows(app: &axum::Router, admin: &str, filter: &str) -> Vec<serde_json::Value> {
    let reply = call(app, "list_audit_log", filter, Some(admin)).await;
    assert_eq!(reply.status, StatusCode::OK, "{filter}: {}", reply.body);
    json(&reply.body)["rows"].as_array().unwrap().clone()
}

fn row_of<'a>(rows: &'a [serde_json::Value], action: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {rows:?}"))
}

#[tokio::test]
async fn entries_name_people_with_their_role_and_records_by_name() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let org = taylor.organization_id;
            let (jordan, sam) = (
                client_id(&t.db, "Jordan").await,
                client_id(&t.db, "Sam").await,
            );
            let policy = policy_of(&t.db, sam).await;
            let parent = login_id(&t.db, "parent@brightpath.example").await;
            let visit = appointment(&t.db, &taylor, jordan).await;
            let payment = paid(&t.db, jordan, visit).await;
            let staff = format!("staff:{}", taylor.id);
            let policy_ref = format!("client:{sam} policy:{}", policy.id);
            entry(&t.db, org, &staff, "insurance.viewed", &policy_ref).await;
            entry(
                &t.db,
                org,
                &format!("portal:{parent}"),
                "message.sent",
                &format!("client:{jordan} message:1"),
            )
            .await;
            entry(
                &t.db,
                org,
                &staff,
                "appointment.changed",
                &format!("booking:{visit}"),
            )
            .await;
            let paid_ref = format!("payment:{payment} booking:{visit}");
            entry(&t.db, org, "system", "payment.succeeded", &paid_ref).await;

            let rows = rows(&app, &admin, "").await;
            let viewed = row_of(&rows, "insurance.viewed");
            assert_eq!(viewed["actor"], "Taylor Brooks, therapist");
            assert_eq!(viewed["actor_ref"], staff.as_str());
            assert_eq!(viewed["object"], "Sam Lee's insurance policy, Cigna");
            assert_eq!(viewed["client_id"], sam);
            assert_eq!(viewed["action_label"], "Insurance: viewed");
            let sent = row_of(&rows, "message.sent");
            assert_eq!(sent["actor"], "Alex Lee, contact of Jordan Lee and Sam Lee");
            assert_eq!(sent["object"], "Jordan Lee's message");
            let changed = row_of(&rows, "appointment.changed");
            let object = changed["object"].as_str().unwrap();
            assert!(
                object.starts_with("Jordan Lee's appointment on "),
                "{object}"
            );
            assert_eq!(changed["client_id"], jordan);
            let succeeded = row_of(&rows, "payment.succeeded");
            assert_eq!(succeeded["actor"], "System (automatic)");
            let object = succeeded["object"].as_str().unwrap();
            assert!(
                object.starts_with("Jordan Lee's payment of 120.00 USD, appointment on "),
                "{object}"
            );
            let signed_in = row_of(&rows, "sign_in");
            assert_eq!(
                signed_in["actor"],
                "Morgan Reyes, administrator and therapist"
            );

            // Resolved when shown: the stored entry keeps its ids.
            let stored = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("insurance.viewed"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((stored.actor, stored.object), (staff, policy_ref));
        }),
    )
    .await;
}

#[tokio::test]
async fn a_clients_view_holds_every_record_of_the_client_and_no_other() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let org = taylor.organization_id;
            let (jordan, sam) = (
                client_id(&t.db, "Jordan").await,
                client_id(&t.db, "Sam").await,
            );
            let staff = format!("staff:{}", taylor.id);
            let (jordans, sams) = (
                appointment(&t.db, &taylor, jordan).await,
                appointment(&t.db, &taylor, sam).await,
            );
            let payment = paid(&t.db, jordan, jordans).await;
            let own_login = login_id(&t.db, "client@brightpath.example").await;
            let objects = [
                ("appointment.created", format!("booking:{jordans}")),
                ("payment.viewed", format!("payment:{payment}")),
                (
                    "payment.succeeded",
                    format!("payment:{payment} booking:{jordans}"),
                ),
                ("insurance.viewed", format!("client:{jordan}")),
                ("client.viewed", format!("client:{jordan}:payments")),
                ("appointment.cancelled", format!("booking:{sams}")),
                ("client.update", format!("client:{sam}")),
            ];
            for (action, object) in &objects {
                entry(&t.db, org, &staff, action, object).await;
            }
            entry(
                &t.db,
                org,
                &format!("portal:{own_login}"),
                "sign_in",
                "login:client@brightpath.example",
            )
            .await;

            let jordans_rows = rows(&app, &admin, &format!("filter[client]={jordan}")).await;
            let shown: Vec<(&str, &str)> = jordans_rows
                .iter()
                .map(|r| {
                    (
                        r["action"].as_str().unwrap(),
                        r["actor_ref"].as_str().unwrap(),
                    )
                })
                .collect();
            for (action, _) in &objects[..5] {
                assert!(
                    shown.iter().any(|(a, _)| a == action),
                    "{action} missing: {shown:?}"
                );
            }
            assert!(
                shown.contains(&("sign_in", format!("portal:{own_login}").as_str())),
                "{shown:?}"
            );
            assert!(
                !shown
                    .iter()
                    .any(|(a, _)| *a == "appointment.cancelled" || *a == "client.update"),
                "{shown:?}"
            );
            // Sam's view has Sam's and none of Jordan's.
            let sams_rows = rows(&app, &admin, &format!("filter[client]={sam}")).await;
            assert!(
                sams_rows.iter().all(|r| r["client_id"] == sam),
                "{sams_rows:?}"
            );
            assert_eq!(sams_rows.len(), 2);
            let page = json(
                &call(
                    &app,
                    "list_audit_log",
                    &format!("filter[client]={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert_eq!(page["client_name"], "Jordan Lee");
        }),
    )
    .await;
}

#[tokio::test]
async fn filters_narrow_by_person_kind_and_days_and_say_what_is_wrong() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let therapist = sign_in(&app, THERAPIST).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let staff = format!("staff:{}", taylor.id);
            let jordan = client_id(&t.db, "Jordan").await;
            assert_eq!(
                call(
                    &app,
                    "get_insurance",
                    &format!("client_id={jordan}"),
                    Some(&therapist)
                )
                .await
                .status,
                StatusCode::OK
            );

            let theirs = rows(
                &app,
                &admin,
                &format!("filter[person]={}", staff.replace(':', "%3A")),
            )
            .await;
            assert!(theirs.len() >= 2, "{theirs:?}");
            assert!(
                theirs.iter().all(|r| r["actor_ref"] == staff.as_str()),
                "{theirs:?}"
            );
            let sign_ins = rows(&app, &admin, "filter[kind]=sign_ins").await;
            assert_eq!(sign_ins.len(), 2, "{sign_ins:?}");
            assert!(sign_ins.iter().all(|r| r["action"] == "sign_in"));
            let views = rows(&app, &admin, "filter[kind]=views").await;
            assert_eq!(views.len(), 1, "{views:?}");
            assert_eq!(views[0]["action"], "insurance.viewed");

            let today = chrono::Utc::now()
                .with_timezone(&chrono_tz::America::New_York)
                .date_naive();
            let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
            let all = rows(&app, &admin, "").await.len();
            let this_day = rows(
                &app,
                &admin,
                &format!("filter[from]={0}&filter[to]={0}", day(today)),
            )
            .await;
            assert_eq!(this_day.len(), all);
            let tomorrow = today.succ_opt().unwrap();
            assert!(
                rows(&app, &admin, &format!("filter[from]={}", day(tomorrow)))
                    .await
                    .is_empty()
            );
            assert!(rows(
                &app,
                &admin,
                &format!("filter[to]={}", day(today.pred_opt().unwrap()))
            )
            .await
            .is_empty());

            let backwards = call(
                &app,
                "list_audit_log",
                &format!("filter[from]={}&filter[to]={}", day(tomorrow), day(today)),
                Some(&admin),
            )
            .await;
            assert_eq!(backwards.status, StatusCode::BAD_REQUEST);
            assert!(
                backwards
                    .body
                    .contains("The last day is before the first day."),
                "{}",
                backwards.body
            );
            let unknown = call(
                &app,
                "list_audit_log",
                "filter[kind]=everything&filter[person]=1%3B%20drop",
                Some(&admin),
            )
            .await;
            assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
            assert!(
                unknown
                    .body
                    .contains("Choose a kind of action from the list."),
                "{}",
                unknown.body
            );
            assert!(
                unknown.body.contains("Choose a person from the list."),
                "{}",
                unknown.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_csv_export_streams_every_filtered_entry_for_administrators_only() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let taylor = staff_member(&t.db, THERAPIST).await;
            let staff = format!("staff:{}", taylor.id);
            let jordan = client_id(&t.db, "Jordan").await;
            let many = EXPORT_CHUNK as usize * 2 + 37;
            for _ in 0..many {
                let object = format!("client:{jordan}");
                entry(&t.db, taylor.organization_id, &staff, "client.viewed", &object).await;
            }
            record(&t.db, Entry {
                organization_id: Some(taylor.organization_id),
                actor: staff.clone(),
                action: "client.update".into(),
                object: format!("client:{jordan}"),
                old_value: Some("Lee, Jordan".into()),
                new_value: Some("=HYPERLINK(\"x\")\nsecond line".into()),
                ip: Some("203.0.113.9".into()),
            })
            .await
            .unwrap();
            let admin = sign_in(&app, ADMIN).await;
            let path = format!(
                "/admin/organization/audit-log.csv?person={}",
                staff.replace(':', "%3A")
            );
            let reply = page(&app, &path, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(reply.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
            assert!(reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"audit-log-"));
            assert_eq!(reply.headers[header::CACHE_CONTROL], "private, no-store");
            let body = reply.body;
            assert!(body.starts_with("id,at_utc,at_local,actor,actor_ref,action,action_label,object,object_ref,old_value,new_value,ip\r\n"));
            // Every entry once, oldest first, across the chunks.
            let lines: Vec<&str> = body.split("\r\n").skip(1).filter(|l| !l.is_empty()).collect();
            assert_eq!(lines.len(), many + 1);
            let ids: Vec<i64> = lines.iter().map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first, each once");
            assert!(lines[1].contains(",\"Taylor Brooks, therapist\",") && lines[1].contains(",Jordan Lee,"), "{}", lines[1]);
            assert!(lines[many].contains("\"'=HYPERLINK(\"\"x\"\")\nsecond line\",203.0.113.9"), "{}", lines[many]);
            assert_eq!(audited(&t.db, "audit_log.exported").await, 1);
            // Compressed on the way, as a browser asks for it, the stream ends cleanly.
            let compressed = axum::http::Request::get(&path)
                .header(header::COOKIE, &admin)
                .header(header::ACCEPT_ENCODING, "br")
                .body(axum::body::Body::empty())
                .unwrap();
            let compressed = send(&app, compressed).await;
            assert_eq!(compressed.status, StatusCode::OK);
            assert_eq!(compressed.headers[header::CONTENT_ENCODING], "br");
            assert!(!compressed.body.is_empty());
            assert_eq!(audited(&t.db, "audit_log.exported").await, 2);

            // Only administrators; the refusal is audited and sends no entry.
            let therapist = sign_in(&app, THERAPIST).await;
            let denied_before = audited(&t.db, "access.denied").await;
            let refused = page(&app, &path, Some(&therapist)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            assert!(!refused.body.contains("Jordan"));
            assert_eq!(audited(&t.db, "access.denied").await, denied_before + 1);
            assert_eq!(page(&app, &path, None).await.status, StatusCode::UNAUTHORIZED);
            let wrong = page(&app, "/admin/organization/audit-log.csv?from=yesterday", Some(&admin)).await;
            assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
            assert_eq!(audited(&t.db, "audit_log.exported").await, 2);
        }),
    )
    .await;
}
