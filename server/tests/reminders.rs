//! Appointment reminders on both databases: each booked appointment within the practice's hours
//! is reminded once, to the client's own login and the contacts with the scheduling scope who
//! want reminders, through the queued mail path, with an .ics that never carries the video
//! link; a login's own opt-out and the practice's 0 hours are obeyed; and two real server
//! processes on one PostgreSQL database remind every appointment exactly once.

use crate::common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use app::domain::reminders::local_time;
use app::domain::schedule::BookingStatus;
use app::server::mail::retry::retry_due;
use app::server::services::reminders::send_due;
use app::server::store::entities::{booking, mail_retry, outbox, staff_user};
use common::process::{throwaway_postgres, Server};
use common::{audited, booking_row, call, client_id, each_database, json, sign_in};

const VIDEO: &str = "https://meet.example.org/private-room-7";
const SUBJECT: &str = "Reminder: appointment with Bright Path";

/// Counts every demo appointment as reminded already, so that only the test's own are due.
async fn quiet(db: &DatabaseConnection) {
    booking::Entity::update_many()
        .col_expr(booking::Column::RemindedAt, Expr::value(Some(Utc::now())))
        .exec(db)
        .await
        .unwrap();
}

/// Adds an appointment of Jordan's with Taylor Brooks (telehealth, with its own video link);
/// `None` when it overlaps one of the demo's.
async fn add(db: &DatabaseConnection, start: DateTime<Utc>, status: BookingStatus) -> Option<i32> {
    let taylor = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq("therapist@brightpath.example"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let jordan = client_id(db, "Jordan").await;
    booking::ActiveModel {
        video_link: Set(Some(VIDEO.into())),
        ..booking_row(
            taylor.organization_id,
            (taylor.id, jordan),
            status,
            start,
            15,
        )
    }
    .insert(db)
    .await
    .ok()
    .map(|b| b.id)
}

/// The reminders in the outbox: (recipient, body, attachment name, attachment).
async fn sent(db: &DatabaseConnection) -> Vec<outbox::Model> {
    let mut rows: Vec<outbox::Model> = outbox::Entity::find()
        .filter(outbox::Column::Subject.starts_with(SUBJECT))
        .all(db)
        .await
        .unwrap();
    rows.sort_by(|a, b| a.recipient.cmp(&b.recipient));
    rows
}

async fn queued(db: &DatabaseConnection) -> Vec<String> {
    let mut to: Vec<String> = mail_retry::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.recipient)
        .collect();
    to.sort();
    to
}

#[tokio::test]
async fn each_appointment_is_reminded_once_to_the_family_that_wants_it() {
    each_database(
        true,
        body!(|t| {
            let state = t.state();
            let db = &t.db;
            quiet(db).await;
            let now = Utc::now();
            let due = add(
                db,
                now + Duration::hours(3) + Duration::minutes(7),
                BookingStatus::Booked,
            )
            .await
            .unwrap();
            add(db, now + Duration::hours(30), BookingStatus::Booked)
                .await
                .unwrap();
            add(
                db,
                now + Duration::hours(2) + Duration::minutes(3),
                BookingStatus::Cancelled,
            )
            .await
            .unwrap();
            add(
                db,
                now + Duration::hours(4) + Duration::minutes(9),
                BookingStatus::Requested,
            )
            .await
            .unwrap();

            // Two passes at once claim the appointment once; a later pass finds nothing.
            let (a, b) = tokio::join!(
                send_due(db, &state.mailer, now),
                send_due(db, &state.mailer, now)
            );
            assert_eq!(a.unwrap() + b.unwrap(), 1, "{}", t.kind);
            assert_eq!(send_due(db, &state.mailer, now).await.unwrap(), 0);
            assert_eq!(audited(db, "appointment.reminded").await, 1);
            // Queued with their retries, then sent by the retry pass.
            assert_eq!(
                queued(db).await,
                vec!["client@brightpath.example", "parent@brightpath.example"]
            );
            assert_eq!(retry_due(&state.mailer, db, now).await.unwrap(), 2);
            assert!(queued(db).await.is_empty());

            let reminders = sent(db).await;
            let to: Vec<&str> = reminders.iter().map(|r| r.recipient.as_str()).collect();
            assert_eq!(
                to,
                ["client@brightpath.example", "parent@brightpath.example"]
            );
            let jordan = client_id(db, "Jordan").await;
            let start = booking::Entity::find_by_id(due)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .starts_at;
            let when = local_time(start, &chrono_tz::America::New_York);
            for r in &reminders {
                assert!(r.subject.contains(&when), "{}", r.subject);
                assert!(r.body.contains(&when), "{}", r.body);
                assert!(
                    r.body
                        .contains(&format!("/portal/clients/{jordan}/appointments")),
                    "{}",
                    r.body
                );
                assert_eq!(r.attachment_name.as_deref(), Some("appointment.ics"));
                let ics = r.attachment.as_deref().unwrap();
                assert!(
                    ics.contains(&format!("UID:booking-{due}@client-portal")),
                    "{ics}"
                );
                assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
                for private in [VIDEO, "private-room", "ABA session", "Jordan"] {
                    assert!(!r.body.contains(private), "{private} in {}", r.body);
                    assert!(!ics.contains(private), "{private} in {ics}");
                }
            }

            // The parent turns reminders off for their own login; staff have none to turn off.
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let reply = call(&app, "set_my_reminders", "on=false", Some(&parent)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let account = json(&call(&app, "get_account", "", Some(&parent)).await.body);
            assert_eq!(account["reminders"], false);
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let reply = call(&app, "set_my_reminders", "on=false", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            assert_eq!(audited(db, "portal.reminders").await, 1);
            add(
                db,
                now + Duration::hours(5) + Duration::minutes(11),
                BookingStatus::Booked,
            )
            .await
            .unwrap();
            assert_eq!(send_due(db, &state.mailer, now).await.unwrap(), 1);
            assert_eq!(queued(db).await, vec!["client@brightpath.example"]);

            // The practice's hours: administrators only, checked, and 0 sends none.
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let reply = call(&app, "set_reminder_hours", "hours=12", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            let reply = call(&app, "set_reminder_hours", "hours=two+days", Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            assert!(reply.body.contains("0 to 168"), "{}", reply.body);
            let reply = call(&app, "set_reminder_hours", "hours=0", Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let overview = json(&call(&app, "get_organization", "", Some(&admin)).await.body);
            assert_eq!(overview["reminder_hours"], 0);
            assert_eq!(audited(db, "organization.reminder_hours").await, 1);
            add(
                db,
                now + Duration::hours(1) + Duration::minutes(13),
                BookingStatus::Booked,
            )
            .await
            .unwrap();
            assert_eq!(send_due(db, &state.mailer, now).await.unwrap(), 0);
        }),
    )
    .await;
}

/// Two server processes start at once on one PostgreSQL database with many appointments due;
/// each minute's job of both claims from the same rows. Every appointment is reminded exactly
/// once, to each of its two recipients.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_remind_each_appointment_once() {
    throwaway_postgres("cp_remind", |url| async move {
        let db = server::db::connect_and_migrate(&url).await.unwrap();
        server::demo::load(&db).await.unwrap();
        quiet(&db).await;
        let now = Utc::now();
        let mut due = Vec::new();
        for k in 0..80 {
            let start = now + Duration::hours(1) + Duration::minutes(16 * k);
            if let Some(id) = add(&db, start, BookingStatus::Booked).await {
                due.push(id);
            }
        }
        assert!(
            due.len() >= 60,
            "only {} appointments could be added",
            due.len()
        );
        let dir = std::env::temp_dir().join(format!("cp-remind-{}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        // The first pass of each process's minute job runs as it starts.
        let (first, second) = tokio::join!(Server::start(&url, &dir), Server::start(&url, &dir));
        let want = due.len() as u64 * 2;
        let started = std::time::Instant::now();
        let reminders = || {
            outbox::Entity::find()
                .filter(outbox::Column::Subject.starts_with(SUBJECT))
                .count(&db)
        };
        while reminders().await.unwrap() < want && started.elapsed().as_secs() < 90 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // Time for a duplicate to show, were there one.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert_eq!(reminders().await.unwrap(), want);
        assert_eq!(audited(&db, "appointment.reminded").await, due.len() as u64);
        let unclaimed = booking::Entity::find()
            .filter(booking::Column::Id.is_in(due.clone()))
            .filter(booking::Column::RemindedAt.is_null())
            .count(&db)
            .await
            .unwrap();
        assert_eq!(unclaimed, 0);
        for id in &due {
            let copies = outbox::Entity::find()
                .filter(outbox::Column::Attachment.contains(format!("UID:booking-{id}@")))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(copies, 2, "appointment {id}");
        }
        first.kill();
        second.kill();
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}
