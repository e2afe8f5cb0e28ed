//! Staff manage a client's appointments, on both databases: the list with status and payment
//! state; a change (reschedule and edit) to a free future time only, audited with the old and
//! new values, and two staff moving two appointments into one slot at once: exactly one wins; a
//! cancellation with its reason, by the practice or on the client's behalf, that the portal
//! shows and the family is emailed about; and a last-minute cancellation acknowledged off the
//! calendar's count; and the portal home's card for the next appointment or request.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use app::domain::schedule::{when_label, BookingStatus};
use app::server::store::entities::{audit_log, booking, organization, outbox, staff_user};
use common::{audited, booking_row, call, client_id, each_database, json, sign_in, staff_id};

fn form(staff: i32, date: &str, time: &str, service: &str, price: &str) -> String {
    format!(
        "input[staff_id]={staff}&input[location]=telehealth&input[date]={date}&input[time]={}&input[duration_minutes]=60&input[service]={}&input[price]={price}",
        time.replace(':', "%3A"),
        service.replace(' ', "%20")
    )
}

/// Makes an appointment as `cookie`; returns its id.
async fn make(
    app: &axum::Router,
    cookie: &str,
    client: i32,
    staff: i32,
    date: &str,
    time: &str,
) -> i32 {
    let reply = call(
        app,
        "create_appointment",
        &format!(
            "client_id={client}&{}",
            form(staff, date, time, "ABA session", "95")
        ),
        Some(cookie),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[tokio::test]
async fn staff_change_and_cancel_appointments_and_the_family_hears_of_it() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let taylor = staff_id(&t.db, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let first = make(&app, &admin, jordan, taylor, "2031-03-03", "10:00").await;
            let second = make(&app, &admin, jordan, taylor, "2031-03-04", "13:00").await;

            let list = json(
                &call(
                    &app,
                    "list_client_appointments",
                    &format!("client_id={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            let row = list["upcoming"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == first)
                .unwrap()
                .clone();
            assert_eq!(
                (row["date"].as_str(), row["time"].as_str()),
                (Some("2031-03-03"), Some("10:00")),
                "{row}"
            );
            assert_eq!(row["payment"], "Owed");
            assert_eq!(row["price"], "95");

            // Rescheduled and edited at once; the old and new values are audited.
            let mails_before = outbox::Entity::find().all(&t.db).await.unwrap().len();
            let change = |date: &str, time: &str| {
                format!(
                    "client_id={jordan}&booking_id={first}&{}",
                    form(taylor, date, time, "Speech session", "100")
                )
            };
            let reply = call(
                &app,
                "change_appointment",
                &change("2031-03-04", "11:00"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let moved = booking::Entity::find_by_id(first)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (moved.service.as_str(), moved.price_cents),
                ("Speech session", Some(10_000))
            );
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("appointment.changed"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(entry.old_value.unwrap().contains("ABA session"));
            assert!(entry.new_value.unwrap().contains("Speech session"));
            let mails = outbox::Entity::find().all(&t.db).await.unwrap();
            let new: Vec<_> = mails[mails_before..]
                .iter()
                .map(|m| (m.recipient.as_str(), m.subject.as_str()))
                .collect();
            assert!(
                new.contains(&(
                    "client@brightpath.example",
                    "Bright Path ABA changed an appointment"
                )),
                "{new:?}"
            );
            assert!(
                new.iter().all(|(_, subject)| !subject.contains("Speech")),
                "no service in emails: {new:?}"
            );

            // Onto a taken time, or into the past: refused, nothing changed.
            let reply = call(
                &app,
                "change_appointment",
                &change("2031-03-04", "13:30"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            let reply = call(
                &app,
                "change_appointment",
                &change("2020-01-06", "10:00"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            // Nobody outside the client's care changes it.
            let other = sign_in(&app, "admin@otherclinic.example").await;
            assert_eq!(
                call(
                    &app,
                    "change_appointment",
                    &change("2031-03-05", "10:00"),
                    Some(&other)
                )
                .await
                .status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                call(
                    &app,
                    "change_appointment",
                    &change("2031-03-05", "10:00"),
                    Some(&client)
                )
                .await
                .status,
                StatusCode::FORBIDDEN
            );

            // Cancelled on the client's behalf, with the reason the portal shows.
            let cancel = |reason: &str| {
                format!(
                    "client_id={jordan}&booking_id={second}&input[reason]={}&input[by_client]=true",
                    reason.replace(' ', "%20")
                )
            };
            let reply = call(&app, "staff_cancel_appointment", &cancel(""), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            let reply = call(
                &app,
                "staff_cancel_appointment",
                &cancel("Family vacation"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let reply = call(
                &app,
                "staff_cancel_appointment",
                &cancel("Again"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT);
            let portal = json(
                &call(
                    &app,
                    "list_appointments",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            let shown = portal
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == second)
                .unwrap()
                .clone();
            assert_eq!(shown["status"], "Cancelled", "{shown}");
            let list = json(
                &call(
                    &app,
                    "list_client_appointments",
                    &format!("client_id={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            let row = list["upcoming"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == second)
                .unwrap()
                .clone();
            assert_eq!(
                row["cancellation"], "Cancelled by the client: Family vacation",
                "{row}"
            );
            assert_eq!(audited(&t.db, "appointment.cancelled").await, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn two_staff_moving_two_appointments_into_one_slot_exactly_one_wins() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let taylor = staff_id(&t.db, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            for round in 0..5 {
                let date = format!("2031-05-{:02}", 5 + round);
                let a = make(&app, &admin, jordan, taylor, &date, "09:00").await;
                let b = make(&app, &admin, jordan, taylor, &date, "11:00").await;
                let (move_a, move_b) = (
                    format!(
                        "client_id={jordan}&booking_id={a}&{}",
                        form(taylor, &date, "14:00", "ABA session", "95")
                    ),
                    format!(
                        "client_id={jordan}&booking_id={b}&{}",
                        form(taylor, &date, "14:30", "ABA session", "95")
                    ),
                );
                let (x, y) = tokio::join!(
                    call(&app, "change_appointment", &move_a, Some(&admin)),
                    call(&app, "change_appointment", &move_b, Some(&therapist)),
                );
                let mut statuses = [x.status, y.status];
                statuses.sort();
                assert_eq!(
                    statuses,
                    [StatusCode::OK, StatusCode::CONFLICT],
                    "round {round} on {}: {} / {}",
                    t.kind,
                    x.body,
                    y.body
                );
            }
        }),
    )
    .await;
}

#[tokio::test]
async fn a_last_minute_cancellation_is_acknowledged_off_the_calendar_count() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let taylor = staff_id(&t.db, "therapist@brightpath.example").await;
            let badge =
                |v: serde_json::Value| v["kind"]["Staff"]["calendar_badge"].as_u64().unwrap();
            let before = badge(json(
                &call(&app, "current_viewer", "", Some(&therapist))
                    .await
                    .body,
            ));
            // The client cancelled in the portal three hours ahead.
            let start = Utc::now() + Duration::hours(3);
            let org = staff_user::Entity::find_by_id(taylor)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .organization_id;
            let row = booking::ActiveModel {
                last_minute: Set(true),
                requested_by: Set("client".into()),
                cancelled_by: Set(Some("client".into())),
                ..booking_row(org, (taylor, jordan), BookingStatus::Cancelled, start, 60)
            }
            .insert(&t.db)
            .await
            .unwrap();
            assert_eq!(
                badge(json(
                    &call(&app, "current_viewer", "", Some(&therapist))
                        .await
                        .body
                )),
                before + 1
            );
            let other = sign_in(&app, "admin@otherclinic.example").await;
            let reply = call(
                &app,
                "acknowledge_cancellation",
                &format!("booking_id={}", row.id),
                Some(&other),
            )
            .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            let reply = call(
                &app,
                "acknowledge_cancellation",
                &format!("booking_id={}", row.id),
                Some(&therapist),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(
                badge(json(
                    &call(&app, "current_viewer", "", Some(&therapist))
                        .await
                        .body
                )),
                before
            );
            let inbox = json(
                &call(&app, "get_calendar_inbox", "", Some(&therapist))
                    .await
                    .body,
            );
            assert!(inbox["last_minute_changes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != row.id));
            assert_eq!(audited(&t.db, "appointment.acknowledged").await, 1);
        }),
    )
    .await;
}

/// The portal home's card shows the client's next appointment or request: the earliest future
/// one that is requested or booked, with its therapist and its time in the practice's zone; past,
/// declined and cancelled ones do not count, and with none the card says so.
#[tokio::test]
async fn the_portal_home_shows_the_next_appointment_or_request() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let client = sign_in(&app, "client@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let taylor = staff_user::Entity::find_by_id(
                staff_id(&t.db, "therapist@brightpath.example").await,
            )
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
            let zone = organization::Entity::find_by_id(taylor.organization_id)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .zone();
            let next = || {
                let (app, client) = (app.clone(), client.clone());
                async move {
                    let reply = call(
                        &app,
                        "get_portal_client",
                        &format!("client_id={jordan}"),
                        Some(&client),
                    )
                    .await;
                    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                    json(&reply.body)["agenda"]["next_appointment"].clone()
                }
            };
            booking::Entity::update_many()
                .col_expr(
                    booking::Column::Status,
                    Expr::value(BookingStatus::Cancelled),
                )
                .filter(booking::Column::ClientId.eq(jordan))
                .exec(&t.db)
                .await
                .unwrap();
            assert!(next().await.is_null(), "{}", next().await);

            // At night and far from the demo's week, so that no other booking of Taylor's overlaps.
            let org = taylor.organization_id;
            let add = |status: BookingStatus, start: &str| {
                let start = start.parse::<chrono::DateTime<Utc>>().unwrap();
                booking_row(org, (taylor.id, jordan), status, start, 60).insert(&t.db)
            };
            add(BookingStatus::Booked, "2020-01-01T03:00:00Z")
                .await
                .unwrap();
            add(BookingStatus::Declined, "2040-01-01T03:00:00Z")
                .await
                .unwrap();
            let requested = add(BookingStatus::Requested, "2040-01-03T03:00:00Z")
                .await
                .unwrap();
            let booked = add(BookingStatus::Booked, "2040-01-10T03:00:00Z")
                .await
                .unwrap();
            let card = |requested: bool, row: &booking::Model| {
                serde_json::json!({
                    "when": when_label(&zone, row.starts_at, row.ends_at),
                    "staff_name": taylor.name,
                    "requested": requested,
                })
            };
            assert_eq!(next().await, card(true, &requested));

            booking::ActiveModel {
                id: Set(requested.id),
                status: Set(BookingStatus::Declined),
                ..Default::default()
            }
            .update(&t.db)
            .await
            .unwrap();
            assert_eq!(next().await, card(false, &booked));
        }),
    )
    .await;
}
