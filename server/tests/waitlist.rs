//! The waitlist, on both databases: joining follows self-scheduling and the care team; a
//! cancellation's freed slot is offered to the three oldest matching clients, the next three
//! two hours later; two clients racing for the offered slot make exactly one booking, and the
//! booked client leaves the list.

use crate::common;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, TimeZone, Utc, Weekday};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use app::server::services::waitlist::offer_freed;
use app::server::store::entities::{booking, outbox, staff_user, waitlist_entry, waitlist_offer};
use common::{audited, call, client_id, each_database, futures_join, json, sign_in, staff_member};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";
const EVERY_DAY_AND_TIME: &str = "input[days][mon]=true&input[days][tue]=true\
    &input[days][wed]=true&input[days][thu]=true&input[days][fri]=true&input[days][sat]=true\
    &input[days][sun]=true&input[morning]=true&input[afternoon]=true&input[evening]=true";

/// A new client of Taylor Brooks's, made by the administrator; returns its id.
async fn new_client(app: &axum::Router, admin: &str, first: &str, taylor: i32) -> i32 {
    let made = call(
        app,
        "create_client",
        &format!("input[first_name]={first}&input[last_name]=Wait&input[date_of_birth]=2016-04-04&input[email]="),
        Some(admin),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let id: i32 = made.body.parse().unwrap();
    let assigned = call(
        app,
        "assign_staff",
        &format!("client_id={id}&staff_id={taylor}"),
        Some(admin),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    id
}

/// Puts client `client` on Taylor's list directly, joined `minutes_ago`.
async fn wait_directly(
    db: &DatabaseConnection,
    taylor: &staff_user::Model,
    client: i32,
    minutes_ago: i64,
) {
    waitlist_entry::ActiveModel {
        id: NotSet,
        organization_id: Set(taylor.organization_id),
        client_id: Set(client),
        staff_id: Set(taylor.id),
        weekdays: Set("mon,tue,wed,thu,fri".into()),
        parts_of_day: Set("morning,afternoon".into()),
        joined_by: Set("staff:1".into()),
        created_at: Set(Utc::now() - Duration::minutes(minutes_ago)),
        left_at: Set(None),
        left_reason: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
}

/// Next week's Tuesday at 11:00 in New York (at least three days ahead, inside the portal's
/// three weeks; the demo's own appointments are at 10:00).
fn next_tuesday_eleven() -> chrono::DateTime<Utc> {
    let tz = chrono_tz::America::New_York;
    let mut day = Utc::now().with_timezone(&tz).date_naive() + Duration::days(3);
    while day.weekday() != Weekday::Tue {
        day += Duration::days(1);
    }
    tz.from_local_datetime(&day.and_hms_opt(11, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_freed_slot_goes_to_three_waiting_clients_at_a_time_and_one_request_wins() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let therapist = sign_in(&app, THERAPIST).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let (jordan, sam) = (client_id(&t.db, "Jordan").await, client_id(&t.db, "Sam").await);

            // Jordan (own login) and then Sam (the parent) join; three more clients wait after them.
            for (who, cookie) in [(jordan, &client), (sam, &parent)] {
                let joined = call(
                    &app,
                    "join_waitlist",
                    &format!("client_id={who}&input[staff_id]={}&{EVERY_DAY_AND_TIME}", taylor.id),
                    Some(cookie),
                )
                .await;
                assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
            }
            let mut later = Vec::new();
            for (n, name) in ["Cara", "Dev", "Eli"].into_iter().enumerate() {
                let id = new_client(&app, &admin, name, taylor.id).await;
                wait_directly(&t.db, &taylor, id, 10 - n as i64).await;
                later.push(id);
            }
            // Jordan and Sam joined just now: make them the oldest.
            waitlist_entry::Entity::update_many()
                .col_expr(waitlist_entry::Column::CreatedAt, sea_orm::sea_query::Expr::value(Utc::now() - Duration::hours(5)))
                .filter(waitlist_entry::Column::ClientId.eq(jordan))
                .exec(&t.db)
                .await
                .unwrap();
            waitlist_entry::Entity::update_many()
                .col_expr(waitlist_entry::Column::CreatedAt, sea_orm::sea_query::Expr::value(Utc::now() - Duration::hours(4)))
                .filter(waitlist_entry::Column::ClientId.eq(sam))
                .exec(&t.db)
                .await
                .unwrap();

            // Another client's Tuesday 11:00 is cancelled by the practice.
            let other = new_client(&app, &admin, "Fay", taylor.id).await;
            let start = next_tuesday_eleven();
            let local = start.with_timezone(&chrono_tz::America::New_York);
            let made = call(
                &app,
                "create_appointment",
                &format!(
                    "client_id={other}&input[staff_id]={}&input[location]=telehealth&input[date]={}\
                     &input[time]=11%3A00&input[duration_minutes]=60&input[service]=ABA&input[price]=",
                    taylor.id,
                    local.format("%Y-%m-%d")
                ),
                Some(&admin),
            )
            .await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
            let booking: i32 = made.body.parse().unwrap();
            let mails_before = outbox::Entity::find().count(&t.db).await.unwrap();
            let cancelled = call(
                &app,
                "staff_cancel_appointment",
                &format!("client_id={other}&booking_id={booking}&input[reason]=Family%20moved"),
                Some(&admin),
            )
            .await;
            assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);

            // The first batch: the three oldest, at once.
            let offers = || {
                waitlist_offer::Entity::find()
                    .filter(waitlist_offer::Column::StartsAt.eq(start))
                    .order_by_asc(waitlist_offer::Column::Id)
                    .all(&t.db)
            };
            let first = offers().await.unwrap();
            let mut offered = Vec::new();
            for o in &first {
                let entry = waitlist_entry::Entity::find_by_id(o.entry_id).one(&t.db).await.unwrap().unwrap();
                offered.push(entry.client_id);
            }
            assert_eq!(offered, [jordan, sam, later[0]]);
            assert!(first.iter().all(|o| o.batch == 1));
            let mails = outbox::Entity::find()
                .order_by_asc(outbox::Column::Id)
                .all(&t.db)
                .await
                .unwrap();
            let offers_sent: Vec<_> = mails[mails_before as usize..]
                .iter()
                .filter(|m| m.subject.contains("a time opened up"))
                .collect();
            let mut to: Vec<&str> = offers_sent.iter().map(|m| m.recipient.as_str()).collect();
            to.sort();
            // Jordan's own login; the parent for Jordan and for Sam.
            assert_eq!(to, ["client@brightpath.example", "parent@brightpath.example", "parent@brightpath.example"]);
            let letter = &offers_sent[0].body;
            let slot_key = format!("{}@{}", taylor.id, start.to_rfc3339());
            assert!(letter.contains(&format!("/appointments?slot={}", slot_key.replace('+', "%2B"))), "{letter}");
            assert!(!letter.contains("Taylor") && !letter.contains("Fay"), "no therapist or client: {letter}");

            // Nobody has asked two hours later: the next three (here two) are offered it.
            assert_eq!(offer_freed(&t.db, &t.state().mailer, Utc::now() + Duration::minutes(30)).await.unwrap(), 0);
            assert_eq!(offer_freed(&t.db, &t.state().mailer, Utc::now() + Duration::minutes(125)).await.unwrap(), 2);
            let all = offers().await.unwrap();
            assert_eq!(all.len(), 5);
            assert!(all[3..].iter().all(|o| o.batch == 2));
            // Everyone was offered it: the minute's pass reads and stops, with no write
            // transaction (no slot lock, no free-time check) while the slot waits to start.
            let statements = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let mut watched = t.db.clone();
            let seen = statements.clone();
            watched.set_metric_callback(move |info| seen.lock().unwrap().push(info.statement.sql.clone()));
            assert_eq!(offer_freed(&watched, &t.state().mailer, Utc::now() + Duration::minutes(250)).await.unwrap(), 0);
            let statements = statements.lock().unwrap().clone();
            assert!(
                statements.iter().all(|sql| !sql.contains("pg_advisory") && !sql.contains("\"bookings\"")),
                "{statements:#?}"
            );
            assert_eq!(audited(&t.db, "waitlist.offered").await, 5);

            // Jordan's login and the parent (for Sam) ask for it at once: one request holds it.
            let key = slot_key.replace('+', "%2B").replace(':', "%3A");
            let replies = futures_join(2, |i| {
                let app = app.clone();
                let (cookie, who) = if i == 0 { (client.clone(), jordan) } else { (parent.clone(), sam) };
                let key = key.clone();
                async move { call(&app, "request_slot", &format!("client_id={who}&slot={key}&note="), Some(&cookie)).await }
            })
            .await;
            let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
            assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
            assert!(statuses.contains(&409), "{statuses:?}");
            let held: Vec<booking::Model> = booking::Entity::find()
                .filter(booking::Column::StartsAt.eq(start))
                .filter(booking::Column::Status.is_in(["requested", "booked"]))
                .all(&t.db)
                .await
                .unwrap();
            assert_eq!(held.len(), 1);
            // Accepted: the winner leaves Taylor's waitlist; the other stays on it.
            let accepted = call(&app, "decide_request", &format!("booking_id={}&accept=true&reason=", held[0].id), Some(&therapist)).await;
            assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
            let winner = held[0].client_id;
            let loser = if winner == jordan { sam } else { jordan };
            let db = &t.db;
            let open = |c: i32| async move {
                waitlist_entry::Entity::find()
                    .filter(waitlist_entry::Column::ClientId.eq(c))
                    .filter(waitlist_entry::Column::LeftAt.is_null())
                    .count(db)
                    .await
                    .unwrap()
            };
            assert_eq!(open(winner).await, 0);
            assert_eq!(open(loser).await, 1);
            let left = waitlist_entry::Entity::find()
                .filter(waitlist_entry::Column::ClientId.eq(winner))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(left.left_reason.as_deref(), Some("booked"));
        }),
    )
    .await;
}

#[tokio::test]
async fn joining_follows_self_scheduling_and_the_care_team_and_staff_manage_the_list() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let therapist = sign_in(&app, THERAPIST).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            let join = |staff: i32, prefs: &str| {
                format!("client_id={jordan}&input[staff_id]={staff}&{prefs}")
            };

            let view = json(
                &call(
                    &app,
                    "get_portal_waitlist",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert_eq!(view["entries"].as_array().unwrap().len(), 0);
            assert!(
                view["therapists"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t[1] == "Taylor Brooks"),
                "{view}"
            );

            let bad = call(
                &app,
                "join_waitlist",
                &join(taylor.id, "input[days][mon]=true"),
                Some(&client),
            )
            .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
            assert!(
                bad.body.contains("Choose at least one part of the day."),
                "{}",
                bad.body
            );
            let admin_id = staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq(ADMIN))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .id;
            let not_team = call(
                &app,
                "join_waitlist",
                &join(admin_id, EVERY_DAY_AND_TIME),
                Some(&client),
            )
            .await;
            assert_eq!(
                not_team.status,
                StatusCode::BAD_REQUEST,
                "{}",
                not_team.body
            );

            let joined = call(
                &app,
                "join_waitlist",
                &join(taylor.id, "input[days][tue]=true&input[morning]=true"),
                Some(&client),
            )
            .await;
            assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
            let again = call(
                &app,
                "join_waitlist",
                &join(taylor.id, EVERY_DAY_AND_TIME),
                Some(&client),
            )
            .await;
            assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
            assert_eq!(audited(&t.db, "waitlist.joined").await, 1);

            // Staff see it; a therapist only their own list.
            let list = json(&call(&app, "list_waitlist", "", Some(&therapist)).await.body);
            assert_eq!(list[0]["client_name"], "Jordan Lee");
            assert_eq!(list[0]["preferences"], "Tue · mornings");
            let others = call(
                &app,
                "list_waitlist",
                &format!("staff={admin_id}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(others.status, StatusCode::NOT_FOUND);
            let everyone = json(
                &call(&app, "list_waitlist", "staff=all", Some(&admin))
                    .await
                    .body,
            );
            assert_eq!(everyone.as_array().unwrap().len(), 1);

            // Self-scheduling off for Jordan: no joining, and no offers.
            let off = call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=self_scheduling&on=false"),
                Some(&admin),
            )
            .await;
            assert_eq!(off.status, StatusCode::OK, "{}", off.body);
            let refused = call(
                &app,
                "join_waitlist",
                &join(admin_id, EVERY_DAY_AND_TIME),
                Some(&client),
            )
            .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
            let view = json(
                &call(
                    &app,
                    "get_portal_waitlist",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert!(view["therapists"].is_null(), "{view}");
            let entry = list[0]["id"].as_i64().unwrap();
            app::server::store::waitlist::time_freed(
                &t.db,
                taylor.id,
                (
                    next_tuesday_eleven(),
                    next_tuesday_eleven() + Duration::hours(1),
                ),
                Utc::now(),
            )
            .await
            .unwrap();
            assert_eq!(
                offer_freed(&t.db, &t.state().mailer, Utc::now())
                    .await
                    .unwrap(),
                0
            );

            // The therapist takes Jordan off the list.
            let removed = call(
                &app,
                "remove_from_waitlist",
                &format!("entry_id={entry}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
            assert_eq!(
                json(&call(&app, "list_waitlist", "", Some(&therapist)).await.body)
                    .as_array()
                    .unwrap()
                    .len(),
                0
            );
            let gone = call(
                &app,
                "remove_from_waitlist",
                &format!("entry_id={entry}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(gone.status, StatusCode::NOT_FOUND);
            assert_eq!(audited(&t.db, "waitlist.removed").await, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn a_slot_within_24_hours_is_offered_only_with_the_24_hour_setting() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let taylor = staff_member(&t.db, THERAPIST).await;
            let jordan = client_id(&t.db, "Jordan").await;
            wait_directly(&t.db, &taylor, jordan, 60).await;
            // The clock: a Monday 08:00 in New York years ahead; the freed hour is at 11:00.
            let tz = chrono_tz::America::New_York;
            let at = |h: u32| {
                tz.with_ymd_and_hms(2030, 1, 7, h, 0, 0)
                    .unwrap()
                    .with_timezone(&Utc)
            };
            let (now, slot) = (at(8), (at(11), at(12)));
            let mailer = t.state().mailer;
            app::server::store::waitlist::time_freed(&t.db, taylor.id, slot, now)
                .await
                .unwrap();
            assert_eq!(
                offer_freed(&t.db, &mailer, now).await.unwrap(),
                0,
                "three hours ahead, setting off"
            );

            let on = call(
                &app,
                "change_setting",
                "setting=within_24_hours&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(on.status, StatusCode::OK, "{}", on.body);
            app::server::store::waitlist::time_freed(&t.db, taylor.id, slot, now)
                .await
                .unwrap();
            assert_eq!(
                offer_freed(&t.db, &mailer, now).await.unwrap(),
                1,
                "setting on"
            );
            let offer = waitlist_offer::Entity::find()
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((offer.starts_at, offer.batch), (slot.0, 1));
        }),
    )
    .await;
}
