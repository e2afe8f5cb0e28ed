//! Self-scheduling on both databases: a slot requested by 100 clients at once is held exactly
//! once, the 24-hour rule with an injected clock, and the setting and scope checks.

use crate::common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::America::New_York;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;

use app::server::access::actor::Actor;
use app::server::access::context::Ctx;
use app::server::access::session::Owner;
use app::server::services::scheduling;
use app::server::store::entities::{booking, client_contact, location, portal_account};
use common::{call, client_id, each_database, events_until, sign_in, TestDb};

fn enc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// A context for the portal login with `email`, as a request would build it.
async fn portal_ctx(t: &TestDb, email: &str) -> Ctx {
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::Email.eq(email))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    Ctx {
        state: t.state(),
        actor: Actor::load(&t.db, Owner::Portal(account.id)).await.unwrap(),
        ip: Some("127.0.0.1".into()),
        device: None,
        token: None,
        memo: Default::default(),
    }
}

/// A Monday 08:00 in New York, years ahead, as the injected clock.
fn monday_morning() -> DateTime<Utc> {
    New_York
        .with_ymd_and_hms(2030, 1, 7, 8, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_hundred_concurrent_requests_for_one_slot_hold_it_exactly_once() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let slots = call(
                &app,
                "list_open_slots",
                &format!("client_id={jordan}"),
                Some(&parent),
            )
            .await;
            assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
            let slots: Vec<Value> = serde_json::from_str(&slots.body).unwrap();
            let slot = slots
                .iter()
                .find(|s| s["last_minute"] == false)
                .expect("an open slot")
                .clone();
            let form = format!(
                "client_id={jordan}&slot={}%40{}&note=First%20visit",
                slot["staff_id"],
                enc(slot["start"].as_str().unwrap())
            );
            let tasks: Vec<_> = (0..100)
                .map(|_| {
                    let (app, parent, form) = (app.clone(), parent.clone(), form.clone());
                    tokio::spawn(
                        async move { call(&app, "request_slot", &form, Some(&parent)).await },
                    )
                })
                .collect();
            let mut ok = 0;
            let mut taken = 0;
            for task in tasks {
                let reply = task.await.unwrap();
                match reply.status {
                    StatusCode::OK => ok += 1,
                    StatusCode::CONFLICT => {
                        assert!(reply.body.contains("just taken"), "{}", reply.body);
                        taken += 1;
                    }
                    other => panic!("unexpected {other}: {}", reply.body),
                }
            }
            assert_eq!((ok, taken), (1, 99), "on {}", t.kind);
            let held = booking::Entity::find()
                .filter(booking::Column::Status.eq("requested"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(held, 1);
            // The slot is no longer offered.
            let again = call(
                &app,
                "list_open_slots",
                &format!("client_id={jordan}"),
                Some(&parent),
            )
            .await;
            assert!(
                !again.body.contains(slot["start"].as_str().unwrap()),
                "the held slot is gone"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_24_hour_rule_follows_its_setting() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let ctx = portal_ctx(&t, "client@brightpath.example").await;
            let now = monday_morning();
            let therapist = booking_staff(&ctx, jordan, now).await;
            let nine = format!("{therapist}@{}", (now + Duration::hours(1)).to_rfc3339());
            let tomorrow_ten = format!("{therapist}@{}", (now + Duration::hours(26)).to_rfc3339());

            let slots = scheduling::open_slots_for(&ctx, jordan, now).await.unwrap();
            assert!(
                slots.iter().all(|s| !s.last_minute),
                "no last-minute slots while the setting is off"
            );
            let refused = scheduling::request(&ctx, jordan, &nine, "", now)
                .await
                .unwrap_err();
            assert!(refused.to_string().contains("within 24 hours"), "{refused}");
            scheduling::request(&ctx, jordan, &tomorrow_ten, "", now)
                .await
                .expect("25 hours ahead is fine");

            let on = call(
                &app,
                "change_setting",
                "setting=within_24_hours&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(on.status, StatusCode::OK, "{}", on.body);
            let ctx = portal_ctx(&t, "client@brightpath.example").await;
            assert!(scheduling::open_slots_for(&ctx, jordan, now)
                .await
                .unwrap()
                .iter()
                .any(|s| s.last_minute));
            let id = scheduling::request(&ctx, jordan, &nine, "", now)
                .await
                .expect("allowed now");
            let row = booking::Entity::find_by_id(id)
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(row.last_minute, "marked last-minute");
            let past = format!("{therapist}@{}", (now - Duration::hours(1)).to_rfc3339());
            assert!(scheduling::request(&ctx, jordan, &past, "", now)
                .await
                .is_err());
        }),
    )
    .await;
}

/// The staff member whose slots Jordan is offered at `now`.
async fn booking_staff(ctx: &Ctx, jordan: i32, now: DateTime<Utc>) -> i32 {
    scheduling::open_slots_for(ctx, jordan, now).await.unwrap()[0].staff_id
}

#[tokio::test]
async fn scheduling_needs_its_setting_and_for_contacts_the_scope() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let parent = sign_in(&app, "parent@brightpath.example").await;
        let client = sign_in(&app, "client@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let alex = client_contact::Entity::find().one(&t.db).await.unwrap().unwrap().id;
        let slots = |cookie: String| {
            let app = app.clone();
            async move { call(&app, "list_open_slots", &format!("client_id={jordan}"), Some(&cookie)).await.status }
        };
        assert_eq!(slots(parent.clone()).await, StatusCode::OK);
        let forms_only = format!("client_id={jordan}&contact_id={alex}&access[portal_access]=true&access[forms]=true");
        assert_eq!(call(&app, "set_contact_access", &forms_only, Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(slots(parent.clone()).await, StatusCode::FORBIDDEN, "no scheduling scope");
        assert_eq!(slots(client.clone()).await, StatusCode::OK);
        call(&app, "change_setting", &format!("client_id={jordan}&setting=self_scheduling&on=false"), Some(&admin)).await;
        assert_eq!(slots(client.clone()).await, StatusCode::FORBIDDEN, "self-scheduling off for Jordan");
        let start = enc(&(Utc::now() + Duration::days(3)).to_rfc3339());
        let request = call(&app, "request_slot", &format!("client_id={jordan}&slot=2%40{start}&note="), Some(&client)).await;
        assert_eq!(request.status, StatusCode::FORBIDDEN);
    }))
    .await;
}

#[tokio::test]
async fn requests_are_accepted_or_declined_and_cancellations_follow_the_24_hour_rule() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let slots: Vec<Value> = serde_json::from_str(
                &call(
                    &app,
                    "list_open_slots",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            )
            .unwrap();
            let mut ids = Vec::new();
            for slot in slots.iter().filter(|s| s["last_minute"] == false).take(2) {
                let form = format!(
                    "client_id={jordan}&slot={}%40{}&note=",
                    slot["staff_id"],
                    enc(slot["start"].as_str().unwrap())
                );
                let reply = call(&app, "request_slot", &form, Some(&client)).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                ids.push(reply.body.trim().parse::<i32>().unwrap());
            }
            let inbox: Value = serde_json::from_str(
                &call(&app, "get_calendar_inbox", "", Some(&therapist))
                    .await
                    .body,
            )
            .unwrap();
            assert_eq!(inbox["pending"].as_array().unwrap().len(), 2, "{inbox}");

            let accept = call(
                &app,
                "decide_request",
                &format!("booking_id={}&accept=true&reason=", ids[0]),
                Some(&therapist),
            )
            .await;
            assert_eq!(accept.status, StatusCode::OK, "{}", accept.body);
            let again = call(
                &app,
                "decide_request",
                &format!("booking_id={}&accept=false&reason=", ids[0]),
                Some(&therapist),
            )
            .await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            let decline = call(
                &app,
                "decide_request",
                &format!("booking_id={}&accept=false&reason=Fully%20booked", ids[1]),
                Some(&therapist),
            )
            .await;
            assert_eq!(decline.status, StatusCode::OK);
            let mails = app::server::store::entities::outbox::Entity::find()
                .filter(
                    app::server::store::entities::outbox::Column::Recipient
                        .eq("client@brightpath.example"),
                )
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(mails, 2, "the client is emailed about each decision");
            let listed = call(
                &app,
                "list_appointments",
                &format!("client_id={jordan}"),
                Some(&client),
            )
            .await;
            assert!(
                listed.body.contains("\"Booked\"") && listed.body.contains("Fully booked"),
                "{}",
                listed.body
            );
            let declined_start = booking::Entity::find_by_id(ids[1])
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .starts_at;
            let open = call(
                &app,
                "list_open_slots",
                &format!("client_id={jordan}"),
                Some(&client),
            )
            .await;
            assert!(
                open.body.contains(&declined_start.to_rfc3339()),
                "a declined request frees its slot"
            );

            let cancel = call(
                &app,
                "cancel_appointment",
                &format!("client_id={jordan}&booking_id={}", ids[0]),
                Some(&client),
            )
            .await;
            assert_eq!(
                cancel.status,
                StatusCode::OK,
                "more than 24 hours ahead: {}",
                cancel.body
            );

            // An appointment in two hours cannot be cancelled online until the sub-setting is on.
            use sea_orm::{ActiveModelTrait, IntoActiveModel, NotSet, Set};
            let mut soon = booking::Entity::find_by_id(ids[0])
                .one(&t.db)
                .await
                .unwrap()
                .unwrap()
                .into_active_model();
            soon.id = NotSet;
            soon.status = Set(app::domain::schedule::BookingStatus::Booked);
            soon.starts_at = Set(Utc::now() + Duration::hours(2));
            soon.ends_at = Set(Utc::now() + Duration::hours(3));
            let soon = soon.insert(&t.db).await.unwrap();
            let refused = call(
                &app,
                "cancel_appointment",
                &format!("client_id={jordan}&booking_id={}", soon.id),
                Some(&client),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(refused.body.contains("within 24 hours"), "{}", refused.body);
            call(
                &app,
                "change_setting",
                "setting=within_24_hours&on=true",
                Some(&admin),
            )
            .await;
            let allowed = call(
                &app,
                "cancel_appointment",
                &format!("client_id={jordan}&booking_id={}", soon.id),
                Some(&client),
            )
            .await;
            assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
            let inbox: Value = serde_json::from_str(
                &call(&app, "get_calendar_inbox", "", Some(&therapist))
                    .await
                    .body,
            )
            .unwrap();
            assert_eq!(
                inbox["last_minute_changes"].as_array().unwrap().len(),
                1,
                "{inbox}"
            );
            let viewer: Value = serde_json::from_str(
                &call(&app, "current_viewer", "", Some(&therapist))
                    .await
                    .body,
            )
            .unwrap();
            let listed = inbox["pending"].as_array().unwrap().len() as u64 + 1;
            assert_eq!(
                viewer["kind"]["Staff"]["calendar_badge"], listed,
                "the badge counts what the inbox lists"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_calendar_badge_follows_requests_live_across_processes() {
    each_database(
        true,
        body!(|t| {
            // Two "processes": two routers with their own live hub, one database.
            let (first, second) = (t.app(), t.app());
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&first, "client@brightpath.example").await;
            let therapist = sign_in(&second, "therapist@brightpath.example").await;
            let slots: Vec<Value> = serde_json::from_str(
                &call(
                    &first,
                    "list_open_slots",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            )
            .unwrap();
            let slot = slots
                .iter()
                .find(|s| s["last_minute"] == false)
                .expect("an open slot");
            let form = format!(
                "client_id={jordan}&slot={}%40{}&note=",
                slot["staff_id"],
                enc(slot["start"].as_str().unwrap())
            );

            let listening = tokio::spawn(events_until(
                second.clone(),
                therapist.clone(),
                "event: calendar\ndata: 1\n".into(),
            ));
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            let request = call(&first, "request_slot", &form, Some(&client)).await;
            assert_eq!(request.status, StatusCode::OK, "{}", request.body);
            let seen = listening.await.unwrap();
            assert!(
                seen.starts_with("event: unread"),
                "the stream opens with the counts: {seen}"
            );
            assert!(seen.contains("event: calendar\ndata: 0\n"), "{seen}");
            assert!(
                seen.contains("event: calendar\ndata: 1\n"),
                "the request raised the badge: {seen}"
            );

            let booking_id: i32 = request.body.trim().parse().unwrap();
            let listening = tokio::spawn(events_until(
                second.clone(),
                therapist.clone(),
                "event: calendar\ndata: 0\n".into(),
            ));
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            let decline = call(
                &second,
                "decide_request",
                &format!("booking_id={booking_id}&accept=false&reason="),
                Some(&therapist),
            )
            .await;
            assert_eq!(decline.status, StatusCode::OK);
            let seen = listening.await.unwrap();
            assert!(
                seen.contains("event: calendar\ndata: 1\n")
                    && seen.contains("event: calendar\ndata: 0\n"),
                "the answer lowered it: {seen}"
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn staff_make_appointments_only_in_free_time_and_see_them_in_the_week() {
    each_database(true, body!(|t| {
        let app = t.app();
        let therapist = sign_in(&app, "therapist@brightpath.example").await;
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let taylor: Value = serde_json::from_str(&call(&app, "get_calendar", "query[date]=2099-01-05", Some(&therapist)).await.body).unwrap();
        let taylor_id = taylor["staff_id"].as_i64().unwrap();
        let form = |staff: i64, time: &str| {
            format!("client_id={jordan}&input[staff_id]={staff}&input[location]=telehealth&input[date]=2099-01-05&input[time]={time}&input[duration_minutes]=60&input[service]=ABA%20session&input[price]=120")
        };
        let made = call(&app, "create_appointment", &form(taylor_id, "10%3A00"), Some(&therapist)).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let overlapping = call(&app, "create_appointment", &form(taylor_id, "10%3A30"), Some(&admin)).await;
        assert_eq!(overlapping.status, StatusCode::CONFLICT);
        assert!(overlapping.body.contains("just taken"), "{}", overlapping.body);
        let admin_id: Value = serde_json::from_str(&call(&app, "current_viewer", "", Some(&admin)).await.body).unwrap();
        assert!(admin_id["kind"]["Staff"]["is_therapist"].as_bool().unwrap());
        let not_mine = call(&app, "create_appointment", &form(taylor_id + 100, "12%3A00"), Some(&therapist)).await;
        assert_eq!(not_mine.status, StatusCode::BAD_REQUEST, "a therapist books only themselves");
        let bad = call(&app, "create_appointment", &form(taylor_id, "25%3A00"), Some(&therapist)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let week: Value = serde_json::from_str(&call(&app, "get_calendar", "query[date]=2099-01-07", Some(&therapist)).await.body).unwrap();
        assert_eq!(week["anchor"], "2099-01-05");
        let monday = &week["days"][0]["items"];
        assert_eq!(monday[0]["time"], "10:00–11:00", "local time in New York: {week}");
        assert_eq!(monday[0]["client_name"], "Jordan Lee");
        let other = call(&app, "get_calendar", &format!("query[staff]={}&query[date]=2099-01-07", taylor_id + 100), Some(&therapist)).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "a therapist sees only their own calendar");
        // The appointment holds the time: that slot is not offered in the portal.
        let booked = booking::Entity::find().filter(booking::Column::Service.eq("ABA session")).one(&t.db).await.unwrap().unwrap();
        assert_eq!(booked.status.key(), "booked");
        assert_eq!(booked.price_cents, Some(12_000));
    }))
    .await;
}

#[tokio::test]
async fn appointments_download_as_ics_and_staff_subscribe_to_a_private_feed() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let client = sign_in(&app, "client@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            let demo = booking::Entity::find().one(&t.db).await.unwrap().unwrap();
            let path = format!("/portal/clients/{jordan}/appointments/{}/ics", demo.id);
            let file = common::page(&app, &path, Some(&client)).await;
            assert_eq!(file.status, StatusCode::OK, "{}", file.body);
            assert_eq!(file.headers["content-type"], "text/calendar; charset=utf-8");
            assert!(
                file.body.contains("BEGIN:VEVENT") && file.body.contains("Taylor Brooks"),
                "{}",
                file.body
            );
            // At a clinic, the file carries its address until Hide Location Address is on.
            let clinic = location::Entity::find()
                .filter(location::Column::Name.eq("Main Clinic"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            let mut moved: booking::ActiveModel = demo.clone().into();
            moved.location_id = Set(Some(clinic.id));
            moved.update(&t.db).await.unwrap();
            let file = common::page(&app, &path, Some(&client)).await;
            assert!(file.body.contains("Harbor Street"), "{}", file.body);
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let on = call(
                &app,
                "change_setting",
                "setting=hide_location_address&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(on.status, StatusCode::OK, "{}", on.body);
            let file = common::page(&app, &path, Some(&client)).await;
            assert!(
                file.body.contains("Main Clinic") && !file.body.contains("Harbor Street"),
                "{}",
                file.body
            );
            assert_eq!(
                common::page(&app, &path, None).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                common::page(&app, &path, Some(&therapist)).await.status,
                StatusCode::FORBIDDEN
            );

            let url = call(&app, "create_calendar_feed", "", Some(&therapist)).await;
            assert_eq!(url.status, StatusCode::OK, "{}", url.body);
            let url: String = serde_json::from_str(&url.body).unwrap();
            let feed_path = url.strip_prefix("http://portal.test").unwrap().to_owned();
            let feed = common::page(&app, &feed_path, None).await;
            assert_eq!(feed.status, StatusCode::OK);
            assert!(
                feed.body.contains("SUMMARY:Jordan\r\n"),
                "first names only: {}",
                feed.body
            );
            assert!(
                !feed.body.contains("Lee") && !feed.body.contains("LOCATION"),
                "{}",
                feed.body
            );
            // A new link replaces the old one.
            call(&app, "create_calendar_feed", "", Some(&therapist)).await;
            assert_eq!(
                common::page(&app, &feed_path, None).await.status,
                StatusCode::NOT_FOUND
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn a_therapist_edits_availability_and_the_portal_follows() {
    each_database(true, body!(|t| {
        let app = t.app();
        let therapist = sign_in(&app, "therapist@brightpath.example").await;
        let client = sign_in(&app, "client@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let admin = sign_in(&app, "admin@brightpath.example").await;
        // Only Taylor's slots, to count them: Morgan is not assigned to Jordan.
        let count = || {
            let (app, client) = (app.clone(), client.clone());
            async move {
                let body = call(&app, "list_open_slots", &format!("client_id={jordan}"), Some(&client)).await.body;
                serde_json::from_str::<Vec<Value>>(&body).unwrap().len()
            }
        };
        let before = count().await;
        let saturday = "input[kind]=weekly&input[weekday]=6&input[date]=&input[start]=09%3A00&input[end]=12%3A00";
        assert_eq!(call(&app, "add_availability", saturday, Some(&therapist)).await.status, StatusCode::OK);
        // Three Saturdays of three hourly slots are ahead; today's may have passed already.
        let after = count().await;
        assert!((before + 6..=before + 9).contains(&after), "{before} then {after}");
        let bad = call(&app, "add_availability", "input[kind]=weekly&input[weekday]=6&input[date]=&input[start]=12%3A00&input[end]=09%3A00", Some(&therapist)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let view: Value = serde_json::from_str(&call(&app, "get_availability", "", Some(&therapist)).await.body).unwrap();
        let saturday_row = view["weekly"].as_array().unwrap().iter().find(|r| r["when"] == "Saturday").unwrap()["id"].clone();
        assert_eq!(call(&app, "set_slot_minutes", "minutes=90", Some(&therapist)).await.status, StatusCode::OK);
        assert_eq!(call(&app, "set_slot_minutes", "minutes=5", Some(&therapist)).await.status, StatusCode::BAD_REQUEST);
        call(&app, "set_slot_minutes", "minutes=60", Some(&therapist)).await;
        let removed = call(&app, "remove_availability", &format!("weekly=true&id={saturday_row}"), Some(&therapist)).await;
        assert_eq!(removed.status, StatusCode::OK);
        assert_eq!(count().await, before);
        // Someone else's row cannot be removed.
        let admins: Value = serde_json::from_str(&call(&app, "get_availability", "", Some(&admin)).await.body).unwrap();
        let theirs = admins["weekly"][0]["id"].clone();
        let refused = call(&app, "remove_availability", &format!("weekly=true&id={theirs}"), Some(&therapist)).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }))
    .await;
}

#[tokio::test]
async fn a_contact_with_the_payments_scope_sees_appointments_but_cannot_cancel_them() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let parent = sign_in(&app, "parent@brightpath.example").await;
        let jordan = client_id(&t.db, "Jordan").await;
        let alex = client_contact::Entity::find().one(&t.db).await.unwrap().unwrap().id;
        let payments_only = format!("client_id={jordan}&contact_id={alex}&access[portal_access]=true&access[payments]=true");
        assert_eq!(call(&app, "set_contact_access", &payments_only, Some(&admin)).await.status, StatusCode::OK);
        let listed = call(&app, "list_appointments", &format!("client_id={jordan}"), Some(&parent)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert!(listed.body.contains("\"can_cancel\":false") && !listed.body.contains("\"can_cancel\":true"), "{}", listed.body);
        // The portal tab in one call says the same: the list, no request form, and whom the
        // contact may not wait for.
        let tab: Value = serde_json::from_str(&call(&app, "get_appointments_tab", &format!("client_id={jordan}"), Some(&parent)).await.body).unwrap();
        assert_eq!(tab["list"], serde_json::from_str::<Value>(&listed.body).unwrap());
        assert_eq!(tab["open"], Value::Null);
        let waitlist: Value = serde_json::from_str(&call(&app, "get_portal_waitlist", &format!("client_id={jordan}"), Some(&parent)).await.body).unwrap();
        assert_eq!(tab["waitlist"], waitlist);
        // The client, who may schedule, gets the open slots in it too.
        let own = sign_in(&app, "client@brightpath.example").await;
        let mine: Value = serde_json::from_str(&call(&app, "get_appointments_tab", &format!("client_id={jordan}"), Some(&own)).await.body).unwrap();
        let slots: Value = serde_json::from_str(&call(&app, "get_request_slots", &format!("client_id={jordan}"), Some(&own)).await.body).unwrap();
        assert!(mine["open"].as_array().is_some_and(|open| !open.is_empty()), "{mine}");
        assert_eq!(mine["open"], slots);
        let upcoming = booking::Entity::find()
            .filter(booking::Column::ClientId.eq(jordan))
            .filter(booking::Column::StartsAt.gt(Utc::now() + Duration::days(2)))
            .one(&t.db)
            .await
            .unwrap()
            .expect("a demo appointment ahead");
        let cancel = call(&app, "cancel_appointment", &format!("client_id={jordan}&booking_id={}", upcoming.id), Some(&parent)).await;
        assert_eq!(cancel.status, StatusCode::FORBIDDEN);
        assert_eq!(booking::Entity::find_by_id(upcoming.id).one(&t.db).await.unwrap().unwrap().status.key(), "booked");
    }))
    .await;
}
