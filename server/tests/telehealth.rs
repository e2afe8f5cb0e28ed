//! Telehealth on both databases: a therapist's default video link and an appointment's own; the
//! portal offers "Join" only from 15 minutes before a booked telehealth appointment until its
//! end, and the link never reaches an email or a calendar file.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use chrono_tz::America::New_York;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use app::server::store::entities::{outbox, staff_user};
use common::{call, client_id, each_database, json, page, sign_in};

const DEFAULT: &str = "https://meet.example.org/taylor-room";
const OWN: &str = "https://video.example.net/session-42";

/// The local date and time in New York (Bright Path's zone) `minutes` from now, as the form
/// takes them.
fn local_in(minutes: i64) -> (String, String) {
    let at = (Utc::now() + Duration::minutes(minutes)).with_timezone(&New_York);
    (
        at.format("%Y-%m-%d").to_string(),
        at.format("%H%%3A%M").to_string(),
    )
}

#[tokio::test]
async fn join_shows_from_fifteen_minutes_before_and_the_link_stays_out_of_emails_and_files() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let morgan = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq("admin@brightpath.example"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            let reply = call(&app, "set_video_link", "link=http%3A%2F%2Finsecure.example", Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            let reply = call(&app, "set_video_link", &format!("link={}", DEFAULT.replace(':', "%3A").replace('/', "%2F")), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

            let make = |minutes: i64, link: &str, location: &str| {
                let (date, time) = local_in(minutes);
                format!(
                    "client_id={jordan}&input[staff_id]={morgan}&input[location]={location}&input[date]={date}&input[time]={time}&input[duration_minutes]=60&input[service]=ABA&input[price]=&input[video_link]={}",
                    link.replace(':', "%3A").replace('/', "%2F")
                )
            };
            // A link is only for telehealth.
            let reply = call(&app, "create_appointment", &make(300, OWN, "1"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            let soon: i32 = serde_json::from_str(&call(&app, "create_appointment", &make(10, "", "telehealth"), Some(&admin)).await.body).unwrap();
            let own: i32 = serde_json::from_str(&call(&app, "create_appointment", &make(-50, OWN, "telehealth"), Some(&admin)).await.body).unwrap();
            let later: i32 = serde_json::from_str(&call(&app, "create_appointment", &make(120, "", "telehealth"), Some(&admin)).await.body).unwrap();

            let list = json(&call(&app, "list_appointments", &format!("client_id={jordan}"), Some(&client)).await.body);
            let join = |id: i32| list.as_array().unwrap().iter().find(|a| a["id"] == id).map(|a| a["join"].clone());
            assert_eq!(join(soon), Some(serde_json::json!(DEFAULT)), "the therapist's link 10 minutes ahead");
            assert_eq!(join(own), Some(serde_json::json!(OWN)), "the appointment's own link, under way");
            assert_eq!(join(later), Some(serde_json::Value::Null), "no Join two hours ahead");

            // Neither the calendar file nor any email carries a link.
            let file = page(&app, &format!("/portal/clients/{jordan}/appointments/{soon}/ics"), Some(&client)).await;
            assert_eq!(file.status, StatusCode::OK);
            assert!(!file.body.contains("meet.example.org") && !file.body.contains("video.example.net"), "{}", file.body);
            let reply = call(&app, "staff_cancel_appointment", &format!("client_id={jordan}&booking_id={soon}&input[reason]=Moved"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            for mail in outbox::Entity::find().all(&t.db).await.unwrap() {
                assert!(!mail.body.contains("meet.example.org") && !mail.body.contains("video.example.net"), "{}", mail.body);
            }
        }),
    )
    .await;
}
