//! Recurring appointments, on both databases: a 12-week Mon/Wed/Fri series across the spring
//! daylight-saving change keeps its local time; the check lists the dates taken by another
//! appointment or by time off; making the series without skipping them makes nothing; two
//! staff making overlapping series at once: exactly one is made; edits and cancellations of
//! "this one", "this and following" and "the whole series".

use crate::common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use app::domain::schedule::BookingStatus;
use app::server::store::entities::{appointment_series, audit_log, booking};
use common::{audited, call, client_id, each_database, futures_join, json, sign_in, staff_id};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";

/// The series form: Mon/Wed/Fri at `time` for two hours, telehealth, from `first` for `weeks`.
fn series_form(client: i32, staff: i32, first: &str, time: &str, weeks: u32, skip: &str) -> String {
    format!(
        "client_id={client}&input[staff_id]={staff}&input[location]=telehealth&input[date]={first}\
         &input[time]={}&input[duration_minutes]=120&input[service]=ABA%20session&input[price]=\
         &repeat[days][mon]=true&repeat[days][wed]=true&repeat[days][fri]=true&repeat[weeks]={weeks}&repeat[until]=\
         &repeat[skip]={skip}",
        time.replace(':', "%3A")
    )
}

/// The bookings of series `id`, soonest first.
async fn members(db: &DatabaseConnection, id: i64) -> Vec<booking::Model> {
    booking::Entity::find()
        .filter(booking::Column::SeriesId.eq(id as i32))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_twelve_week_series_keeps_its_local_time_across_daylight_saving() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_id(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            // 2031-02-17 is a Monday; New York's clocks go forward on Sunday 2031-03-09.
            let form = series_form(jordan, taylor, "2031-02-17", "15:30", 12, "");
            let plan = call(&app, "plan_series", &form, Some(&admin)).await;
            assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
            let plan = json(&plan.body);
            let dates = plan["dates"].as_array().unwrap();
            assert_eq!(dates.len(), 36);
            assert!(dates.iter().all(|d| d["conflict"].is_null()), "{plan}");
            assert_eq!(plan["pattern"], "Every Mon, Wed, Fri at 15:30");
            assert_eq!(dates[0]["when"], "Mon 17 Feb 2031, 15:30–17:30 EST");
            assert_eq!(dates[35]["when"], "Fri 9 May 2031, 15:30–17:30 EDT");

            let made = call(&app, "create_series", &form, Some(&admin)).await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
            let made = json(&made.body);
            assert_eq!(
                (made["made"].as_u64(), made["skipped"].as_u64()),
                (Some(36), Some(0))
            );
            let rows = members(&t.db, made["series_id"].as_i64().unwrap()).await;
            assert_eq!(rows.len(), 36);
            let tz = chrono_tz::America::New_York;
            for row in &rows {
                let local = row.starts_at.with_timezone(&tz);
                assert_eq!(local.format("%H:%M").to_string(), "15:30", "{row:?}");
                assert_eq!((row.ends_at - row.starts_at).num_minutes(), 120);
                assert_eq!(row.status, BookingStatus::Booked);
            }
            // Before the change 15:30 is 20:30 UTC; after it, 19:30 UTC.
            assert_eq!(rows[0].starts_at.format("%H:%M").to_string(), "20:30");
            assert_eq!(rows[35].starts_at.format("%H:%M").to_string(), "19:30");
            let last = rows[35].starts_at.with_timezone(&tz).date_naive();
            assert_eq!(last, NaiveDate::from_ymd_opt(2031, 5, 9).unwrap());
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("appointment.series_created"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(entry.object, format!("client:{jordan}"));
            let value = entry.new_value.unwrap();
            assert!(
                value.contains("Every Mon, Wed, Fri at 15:30 36 appointments"),
                "{value}"
            );
            assert!(value.contains("2031-02-17 to 2031-05-09"), "{value}");

            // The client's page names the series on each of its appointments.
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
            let listed = list["upcoming"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["series"] == "Every Mon, Wed, Fri at 15:30")
                .count();
            assert_eq!(listed, 36);
        }),
    )
    .await;
}

#[tokio::test]
async fn conflicts_are_listed_and_a_series_is_all_or_nothing() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let therapist = sign_in(&app, THERAPIST).await;
            let taylor = staff_id(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            let sam = client_id(&t.db, "Sam").await;
            // Sam has Wednesday 2031-02-19 at 16:00; Taylor is off Friday 2031-02-28 morning
            // to afternoon.
            let single = call(
                &app,
                "create_appointment",
                &format!(
                    "client_id={sam}&input[staff_id]={taylor}&input[location]=telehealth\
                     &input[date]=2031-02-19&input[time]=16%3A00&input[duration_minutes]=60\
                     &input[service]=Speech&input[price]="
                ),
                Some(&admin),
            )
            .await;
            assert_eq!(single.status, StatusCode::OK, "{}", single.body);
            let off = call(
                &app,
                "add_availability",
                "input[kind]=time_off&input[date]=2031-02-28&input[start]=12%3A00&input[end]=16%3A00",
                Some(&therapist),
            )
            .await;
            assert_eq!(off.status, StatusCode::OK, "{}", off.body);

            let form = series_form(jordan, taylor, "2031-02-17", "15:30", 2, "");
            let plan = json(&call(&app, "plan_series", &form, Some(&admin)).await.body);
            let conflicts: Vec<(String, String)> = plan["dates"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| !d["conflict"].is_null())
                .map(|d| (d["date"].as_str().unwrap().to_owned(), d["conflict"].as_str().unwrap().to_owned()))
                .collect();
            assert_eq!(
                conflicts,
                [
                    ("2031-02-19".to_owned(), "Another appointment 16:00–17:00.".to_owned()),
                    ("2031-02-28".to_owned(), "Time off.".to_owned()),
                ]
            );

            // Without skipping them: refused, naming the dates, and nothing is made.
            let refused = call(&app, "create_series", &form, Some(&admin)).await;
            assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
            assert!(refused.body.contains("Wed 19 Feb, Fri 28 Feb"), "{}", refused.body);
            assert_eq!(appointment_series::Entity::find().count(&t.db).await.unwrap(), 0);
            let jordans = || {
                booking::Entity::find()
                    .filter(booking::Column::ClientId.eq(jordan))
                    .filter(booking::Column::SeriesId.is_not_null())
                    .count(&t.db)
            };
            assert_eq!(jordans().await.unwrap(), 0);

            // Skipping them: the other four are made.
            let skip = series_form(jordan, taylor, "2031-02-17", "15:30", 2, "2031-02-19,2031-02-28");
            let made = call(&app, "create_series", &skip, Some(&admin)).await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
            let made = json(&made.body);
            assert_eq!((made["made"].as_u64(), made["skipped"].as_u64()), (Some(4), Some(2)));
            assert_eq!(jordans().await.unwrap(), 4);

            // The same series again: every date is taken now.
            let again = json(&call(&app, "plan_series", &skip, Some(&admin)).await.body);
            assert!(again["dates"].as_array().unwrap().iter().all(|d| !d["conflict"].is_null()));

            // Bad input: each field named, nothing made.
            let bad = call(
                &app,
                "plan_series",
                &format!(
                    "client_id={jordan}&input[staff_id]={taylor}&input[location]=telehealth\
                     &input[date]=2031-02-17&input[time]=15%3A30&input[duration_minutes]=120\
                     &input[service]=ABA&input[price]=&repeat[weeks]=60&repeat[until]="
                ),
                Some(&admin),
            )
            .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
            assert!(bad.body.contains("Choose at least one weekday."), "{}", bad.body);
            assert!(bad.body.contains("Enter a number of weeks from 1 to 52."), "{}", bad.body);

            // A therapist makes series for themselves only.
            let other = staff_id(&t.db, ADMIN).await;
            let theirs = series_form(jordan, other, "2031-06-02", "09:00", 1, "");
            let reply = call(&app, "create_series", &theirs, Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(reply.body.contains("for yourself only"), "{}", reply.body);
        }),
    )
    .await;
}

#[tokio::test]
async fn two_series_racing_for_the_same_times_make_exactly_one() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_id(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            let sam = client_id(&t.db, "Sam").await;
            let replies = futures_join(2, |i| {
                let app = app.clone();
                let admin = admin.clone();
                let client = if i == 0 { jordan } else { sam };
                async move {
                    let form = series_form(client, taylor, "2031-09-01", "10:00", 8, "");
                    call(&app, "create_series", &form, Some(&admin)).await
                }
            })
            .await;
            let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
            assert_eq!(
                statuses.iter().filter(|s| **s == 200).count(),
                1,
                "{statuses:?} {:?}",
                replies.iter().map(|r| &r.body).collect::<Vec<_>>()
            );
            assert!(statuses.contains(&409), "{statuses:?}");
            assert_eq!(
                appointment_series::Entity::find()
                    .count(&t.db)
                    .await
                    .unwrap(),
                1
            );
            let held = booking::Entity::find()
                .filter(booking::Column::StaffId.eq(taylor))
                .filter(booking::Column::SeriesId.is_not_null())
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(held, 24);
        }),
    )
    .await;
}

#[tokio::test]
async fn this_one_this_and_following_and_the_whole_series() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_id(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            let made = json(
                &call(&app, "create_series", &series_form(jordan, taylor, "2031-02-17", "15:30", 2, ""), Some(&admin))
                    .await
                    .body,
            );
            let id = made["series_id"].as_i64().unwrap();
            let rows = members(&t.db, id).await;
            assert_eq!(rows.len(), 6);
            let tz = chrono_tz::America::New_York;
            let local = |b: &booking::Model| b.starts_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            let change = |b: &booking::Model, date: &str, time: &str, scope: &str| {
                format!(
                    "client_id={jordan}&booking_id={}&input[staff_id]={taylor}&input[location]=telehealth\
                     &input[date]={date}&input[time]={}&input[duration_minutes]=60&input[service]=Speech\
                     &input[price]=&scope={scope}",
                    b.id,
                    time.replace(':', "%3A")
                )
            };

            // "This one": only the first moves, to another day.
            let reply = call(&app, "change_appointment", &change(&rows[0], "2031-02-18", "09:00", "this"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let now = members(&t.db, id).await;
            assert_eq!(local(&now[0]), "2031-02-18 09:00");
            assert_eq!(local(&now[1]), "2031-02-19 15:30");

            // "This and following" from the fourth: a new date is refused, a new time is not.
            let fourth = now[3].clone();
            let date = fourth.starts_at.with_timezone(&tz).format("%Y-%m-%d").to_string();
            let moved_day = call(&app, "change_appointment", &change(&fourth, "2031-03-05", "16:00", "following"), Some(&admin)).await;
            assert_eq!(moved_day.status, StatusCode::BAD_REQUEST, "{}", moved_day.body);
            assert!(moved_day.body.contains("keeps its date"), "{}", moved_day.body);
            let reply = call(&app, "change_appointment", &change(&fourth, &date, "16:00", "following"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let now = members(&t.db, id).await;
            let times: Vec<String> = now.iter().map(|b| local(b)[11..].to_owned()).collect();
            assert_eq!(times, ["09:00", "15:30", "15:30", "16:00", "16:00", "16:00"]);
            assert!(now[3..].iter().all(|b| b.service == "Speech" && (b.ends_at - b.starts_at).num_minutes() == 60));
            assert_eq!(now[2].service, "ABA session");
            assert!(audited(&t.db, "appointment.changed").await >= 4);

            // A following change into a taken time changes none of them.
            let sam = client_id(&t.db, "Sam").await;
            let blocker = call(
                &app,
                "create_appointment",
                &format!(
                    "client_id={sam}&input[staff_id]={taylor}&input[location]=telehealth\
                     &input[date]={}&input[time]=11%3A00&input[duration_minutes]=60&input[service]=Speech&input[price]=",
                    now[5].starts_at.with_timezone(&tz).format("%Y-%m-%d")
                ),
                Some(&admin),
            )
            .await;
            assert_eq!(blocker.status, StatusCode::OK, "{}", blocker.body);
            let reply = call(&app, "change_appointment", &change(&now[3], &date, "11:00", "following"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            assert!(reply.body.contains("Nothing was changed"), "{}", reply.body);
            assert_eq!(local(&members(&t.db, id).await[3])[11..], *"16:00");

            // "The whole series": every upcoming one is cancelled.
            let cancel = |b: &booking::Model, scope: &str| {
                format!("client_id={jordan}&booking_id={}&input[reason]=Moving%20away&scope={scope}", b.id)
            };
            let reply = call(&app, "staff_cancel_appointment", &cancel(&now[1], "this"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let active = |rows: &[booking::Model]| rows.iter().filter(|b| b.status == BookingStatus::Booked).count();
            assert_eq!(active(&members(&t.db, id).await), 5);
            let reply = call(&app, "staff_cancel_appointment", &cancel(&now[2], "all"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let after = members(&t.db, id).await;
            assert_eq!(active(&after), 0);
            assert!(after.iter().all(|b| b.decision_reason.as_deref() == Some("Moving away")));
            assert_eq!(audited(&t.db, "appointment.cancelled").await, 6);
        }),
    )
    .await;
}
