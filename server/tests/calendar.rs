//! The staff calendar, on both databases: a month is its whole weeks with the days around it
//! marked; appointments of a series are marked; the location filter; every therapist's day side
//! by side for administrators only (a therapist asking is refused and audited).

use crate::common;

use axum::http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::Value;

use app::server::store::entities::location;
use common::{audited, call, client_id, each_database, json, sign_in, staff_id};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";

/// Makes an appointment for `client` with `staff` on `date` at `time` (`location`: an id or
/// `telehealth`), as the administrator.
async fn make(
    app: &axum::Router,
    admin: &str,
    (client, staff): (i32, i32),
    date: &str,
    time: &str,
    location: &str,
) {
    let reply = call(
        app,
        "create_appointment",
        &format!(
            "client_id={client}&input[staff_id]={staff}&input[location]={location}&input[date]={date}\
             &input[time]={}&input[duration_minutes]=60&input[service]=ABA&input[price]=",
            time.replace(':', "%3A")
        ),
        Some(admin),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// The items of the calendar's day `date`, as "time client" strings.
fn items_on(calendar: &Value, date: &str) -> Vec<String> {
    calendar["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .map(|d| {
            d["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    format!(
                        "{} {}",
                        i["time"].as_str().unwrap(),
                        i["client_name"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn months_series_marks_locations_and_every_therapist_side_by_side() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let therapist = sign_in(&app, THERAPIST).await;
            let taylor = staff_id(&t.db, THERAPIST).await;
            let admin_id = staff_id(&t.db, ADMIN).await;
            let (jordan, sam) = (
                client_id(&t.db, "Jordan").await,
                client_id(&t.db, "Sam").await,
            );
            let location = location::Entity::find()
                .all(&t.db)
                .await
                .unwrap()
                .into_iter()
                .find(|l| l.name == "Main Clinic")
                .unwrap()
                .id;
            // March 2031 starts on a Saturday: its month view runs from Monday 24 February.
            make(
                &app,
                &admin,
                (jordan, taylor),
                "2031-03-03",
                "09:00",
                "telehealth",
            )
            .await;
            make(
                &app,
                &admin,
                (sam, taylor),
                "2031-03-03",
                "11:00",
                &location.to_string(),
            )
            .await;
            make(
                &app,
                &admin,
                (sam, admin_id),
                "2031-03-03",
                "09:00",
                "telehealth",
            )
            .await;
            let series = call(
                &app,
                "create_series",
                &format!(
                    "client_id={jordan}&input[staff_id]={taylor}&input[location]=telehealth\
                     &input[date]=2031-03-05&input[time]=14%3A00&input[duration_minutes]=60\
                     &input[service]=ABA&input[price]=&repeat[days][wed]=true&repeat[weeks]=2"
                ),
                Some(&admin),
            )
            .await;
            assert_eq!(series.status, StatusCode::OK, "{}", series.body);

            let month = json(
                &call(
                    &app,
                    "get_calendar",
                    "query[span]=month&query[date]=2031-03-17",
                    Some(&therapist),
                )
                .await
                .body,
            );
            assert_eq!(month["anchor"], "2031-03-01");
            let days = month["days"].as_array().unwrap();
            assert_eq!(days.len(), 42);
            assert_eq!(
                (days[0]["date"].as_str(), days[0]["outside"].as_bool()),
                (Some("2031-02-24"), Some(true))
            );
            assert_eq!(days[5]["outside"], false, "Saturday 1 March");
            assert_eq!(
                items_on(&month, "2031-03-03"),
                ["09:00–10:00 Jordan Lee", "11:00–12:00 Sam Lee"]
            );
            let wednesday = &days.iter().find(|d| d["date"] == "2031-03-05").unwrap()["items"][0];
            assert_eq!(wednesday["series"], true);
            assert_eq!(
                days.iter().find(|d| d["date"] == "2031-03-03").unwrap()["items"][0]["series"],
                false
            );
            assert_eq!(items_on(&month, "2031-03-12"), ["14:00–15:00 Jordan Lee"]);

            // By location: the clinic, or telehealth.
            let clinic = json(
                &call(
                    &app,
                    "get_calendar",
                    &format!("query[span]=month&query[date]=2031-03-01&query[location]={location}"),
                    Some(&therapist),
                )
                .await
                .body,
            );
            assert_eq!(items_on(&clinic, "2031-03-03"), ["11:00–12:00 Sam Lee"]);
            assert_eq!(clinic["location"], location.to_string());
            let online = json(
                &call(
                    &app,
                    "get_calendar",
                    "query[span]=week&query[date]=2031-03-03&query[location]=telehealth",
                    Some(&therapist),
                )
                .await
                .body,
            );
            assert_eq!(items_on(&online, "2031-03-03"), ["09:00–10:00 Jordan Lee"]);
            assert_eq!(online["days"].as_array().unwrap().len(), 7);

            // Every therapist's day, for administrators: a column each.
            let team = json(
                &call(
                    &app,
                    "get_calendar",
                    "query[staff]=all&query[date]=2031-03-03",
                    Some(&admin),
                )
                .await
                .body,
            );
            assert_eq!(team["span"], "day");
            let columns: Vec<(String, usize)> = team["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["staff_name"].as_str().unwrap().to_owned(),
                        c["items"].as_array().unwrap().len(),
                    )
                })
                .collect();
            assert!(
                columns.contains(&("Taylor Brooks".to_owned(), 2)),
                "{columns:?}"
            );
            assert!(columns.iter().any(|(_, n)| *n == 1), "{columns:?}");
            let denied = audited(&t.db, "access.denied").await;
            let refused = call(
                &app,
                "get_calendar",
                "query[staff]=all&query[date]=2031-03-03",
                Some(&therapist),
            )
            .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            assert_eq!(audited(&t.db, "access.denied").await, denied + 1);
        }),
    )
    .await;
}
