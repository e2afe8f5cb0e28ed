//! Every list costs the same number of SQL statements with 10 rows as with 200: no query per
//! row. Counted with sea-orm's metric callback, on both databases.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, DurationRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, NotSet, QueryFilter,
    QueryOrder, Set,
};

use app::domain::intake::FormStatus;
use app::domain::payments::PaymentStatus;
use app::domain::portal_settings::CardProcessor;
use app::domain::schedule::BookingStatus;
use app::server::store::entities::{
    audit_log, booking, client, client_staff, form_template_version, insurance_policy, location,
    message, outbox, payment, sent_form,
};
use common::{
    booking_row, call, client_id, each_database, enable_payments, page, sign_in, staff_id, TestDb,
};

/// The first Monday, noon UTC, eight weeks ago: past appointments go there (owed for), in one
/// week of the calendar.
fn past_monday() -> chrono::DateTime<Utc> {
    let now = Utc::now().duration_trunc(Duration::days(1)).unwrap();
    now - Duration::weeks(8) - Duration::days(now.weekday().num_days_from_monday() as i64)
        + Duration::hours(12)
}

/// Adds rows `from..to` to each list: Jordan's appointments (half past and owed, half ahead),
/// payments of every other past one, sent forms, Sam's insurance policies, audit entries, emails
/// in the outbox, and clients assigned to the therapist, who uses the portal, each with a message.
async fn grow(db: &DatabaseConnection, from: usize, to: usize) {
    let jordan = client::Entity::find_by_id(client_id(db, "Jordan").await)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let sam = client_id(db, "Sam").await;
    let org = jordan.organization_id;
    let therapist = staff_id(db, "therapist@brightpath.example").await;
    let version = form_template_version::Entity::find()
        .order_by_asc(form_template_version::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let location = location::Entity::find()
        .filter(location::Column::OrganizationId.eq(org))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let policy = insurance_policy::Entity::find()
        .filter(insurance_policy::Column::ClientId.eq(sam))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let future = now.duration_trunc(Duration::hours(1)).unwrap() + Duration::days(10);
    for k in from..to {
        let half = k / 2;
        let starts_at = if k % 2 == 0 {
            past_monday() + Duration::minutes(30 * half as i64)
        } else {
            future + Duration::minutes(30 * half as i64)
        };
        let row = booking::ActiveModel {
            telehealth: Set(false),
            service: Set(format!("Session {k}")),
            price_cents: Set(Some(9_000)),
            requested_by: Set("staff:2".into()),
            ..booking_row(
                org,
                (therapist, jordan.id),
                BookingStatus::Booked,
                starts_at,
                30,
            )
        }
        .insert(db)
        .await
        .unwrap();
        if k % 4 == 0 {
            payment::ActiveModel {
                id: NotSet,
                organization_id: Set(org),
                client_id: Set(jordan.id),
                booking_id: Set(row.id),
                processor: Set(CardProcessor::Sandbox),
                idempotency_key: Set(format!("scale-{k}")),
                processor_ref: Set(Some(format!("ch_{k}"))),
                amount_cents: Set(9_000),
                currency: Set("usd".into()),
                status: Set(PaymentStatus::Succeeded),
                decline_reason: Set(None),
                card_brand: Set(Some("visa".into())),
                card_last4: Set(Some("4242".into())),
                refunded_cents: Set(0),
                paid_by: Set("portal:1".into()),
                created_at: Set(now),
                completed_at: Set(Some(now)),
            }
            .insert(db)
            .await
            .unwrap();
        }
        sent_form::ActiveModel {
            id: NotSet,
            organization_id: Set(org),
            client_id: Set(jordan.id),
            contact_id: Set(None),
            template_version_id: Set(version),
            location_id: Set(location),
            due_on: Set(now.date_naive()),
            status: Set(FormStatus::Sent),
            draft: Set(None),
            answers: Set(None),
            signed_name: Set(None),
            signed_at: Set(None),
            signed_ip: Set(None),
            sent_by: Set("staff:1".into()),
            sent_at: Set(now),
            updated_at: Set(now),
            submitted_at: Set(None),
            reminded_at: Set(None),
            submitted_by: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        let mut copy: insurance_policy::ActiveModel = policy.clone().into();
        copy.id = NotSet;
        copy.member_id = Set(format!("M{k}"));
        copy.insert(db).await.unwrap();
        audit_log::ActiveModel {
            id: NotSet,
            organization_id: Set(Some(org)),
            actor: Set("staff:1".into()),
            action: Set("client.updated".into()),
            object: Set(format!("client:{}", jordan.id)),
            old_value: Set(None),
            new_value: Set(None),
            at: Set(now),
            ip: Set(None),
            // Outside the chain: these tests only page and count.
            prev_hash: Set(None),
            hash: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        outbox::ActiveModel {
            id: NotSet,
            organization_id: Set(Some(org)),
            recipient: Set(format!("family{k}@example.com")),
            subject: Set("Your appointment".into()),
            body: Set(format!("Email {k}")),
            attachment_name: Set(None),
            attachment: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        let mut other: client::ActiveModel = jordan.clone().into();
        other.id = NotSet;
        other.first_name = Set(format!("Scale{k}"));
        other.search_name = Set(format!("scale{k} lee"));
        other.email = Set(None);
        let other = other.insert(db).await.unwrap();
        client_staff::ActiveModel {
            client_id: Set(other.id),
            staff_id: Set(therapist),
        }
        .insert(db)
        .await
        .unwrap();
        message::ActiveModel {
            id: NotSet,
            organization_id: Set(org),
            client_id: Set(other.id),
            sender_key: Set("staff:2".into()),
            sender_name: Set("Taylor Brooks".into()),
            body: Set(format!("Message {k}")),
            created_at: Set(now),
            seen_at: Set(None),
            notified_at: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// One list: a server function (or a GET of a path starting with `/`), its arguments, and whom
/// it is asked by.
struct List {
    name: &'static str,
    target: String,
    args: String,
    cookie: String,
}

async fn statements(app: &axum::Router, count: &AtomicUsize, list: &List) -> usize {
    count.store(0, Ordering::SeqCst);
    let reply = if list.target.starts_with('/') {
        page(app, &list.target, Some(&list.cookie)).await
    } else {
        call(app, &list.target, &list.args, Some(&list.cookie)).await
    };
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}: {}",
        list.name,
        reply.body
    );
    count.load(Ordering::SeqCst)
}

#[tokio::test]
async fn every_list_costs_the_same_with_10_rows_as_with_200() {
    each_database(
        true,
        body!(|t| {
            let count = Arc::new(AtomicUsize::new(0));
            let mut db = t.db.clone();
            let counter = count.clone();
            db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            let app = TestDb { db, ..t.clone() }.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let sam = client_id(&t.db, "Sam").await;
            enable_payments(&t.db, jordan).await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let feed = common::json(
                &call(&app, "create_calendar_feed", "", Some(&therapist))
                    .await
                    .body,
            );
            let feed = feed
                .as_str()
                .unwrap()
                .rsplit_once("/calendar/")
                .unwrap()
                .1
                .to_owned();
            let week = past_monday().date_naive().to_string();
            let staff = |name, target: &str, args: String, cookie: &String| List {
                name,
                target: target.to_owned(),
                args,
                cookie: cookie.clone(),
            };
            let lists = [
                staff(
                    "portal appointments",
                    "list_appointments",
                    format!("client_id={jordan}"),
                    &client,
                ),
                staff(
                    "portal payments",
                    "get_billing",
                    format!("client_id={jordan}"),
                    &client,
                ),
                staff(
                    "portal forms",
                    "list_portal_forms",
                    format!("client_id={jordan}"),
                    &client,
                ),
                staff(
                    "calendar week",
                    "get_calendar",
                    format!("query[date]={week}"),
                    &therapist,
                ),
                staff(
                    "calendar feed",
                    &format!("/calendar/{feed}"),
                    String::new(),
                    &therapist,
                ),
                staff(
                    "staff payments",
                    "list_payments",
                    "filter[status]=&filter[q]=&filter[from]=&filter[to]=".into(),
                    &admin,
                ),
                staff(
                    "client's forms",
                    "list_client_forms",
                    format!("client_id={jordan}"),
                    &admin,
                ),
                staff(
                    "insurance",
                    "get_insurance",
                    format!("client_id={sam}"),
                    &admin,
                ),
                staff(
                    "messages inbox",
                    "get_message_inbox",
                    String::new(),
                    &therapist,
                ),
                staff("client list", "list_clients", "query=".into(), &admin),
                staff(
                    "Manage Clients",
                    "list_portal_clients",
                    "query=".into(),
                    &admin,
                ),
                staff("audit log", "list_audit_log", String::new(), &admin),
                staff("outbox", "list_outbox", String::new(), &admin),
            ];
            grow(&t.db, 0, 10).await;
            let mut small = Vec::new();
            for list in &lists {
                small.push(statements(&app, &count, list).await);
            }
            grow(&t.db, 10, 200).await;
            for (list, small) in lists.iter().zip(small) {
                let large = statements(&app, &count, list).await;
                assert_eq!(
                    small, large,
                    "{}: {} costs {small} statements with 10 rows and {large} with 200",
                    t.kind, list.name
                );
            }
        }),
    )
    .await;
}
