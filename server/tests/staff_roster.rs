//! Organization → Staff on both databases: an invited therapist joins from the emailed link; the
//! organization always keeps an active administrator who can sign in, also when two
//! administrators demote each other at once; deactivation ends sessions, stops sign-in, takes
//! the person out of booking, and reassigns or declines their open requests; reactivation
//! restores them.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use app::domain::schedule::BookingStatus;
use app::server::store::entities::{booking, outbox, portal_account, staff_user};
use common::{
    audited, booking_row, call, client_id, each_database, json, password_form, sign_in, staff_id,
    token_sent_to,
};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";

fn invitation(name: &str, email: &str, admin: bool, therapist: bool) -> String {
    let mut form = format!(
        "input[name]={}&input[email]={}&input[credentials]=RBT",
        name.replace(' ', "%20"),
        email.replace('@', "%40")
    );
    if admin {
        form.push_str("&input[roles][is_admin]=true");
    }
    if therapist {
        form.push_str("&input[roles][is_therapist]=true");
    }
    form
}

fn edit(staff_id: i32, name: &str, admin: bool, therapist: bool) -> String {
    format!(
        "staff_id={staff_id}&input[name]={}&input[credentials]=BCBA&input[roles][is_admin]={admin}&input[roles][is_therapist]={therapist}",
        name.replace(' ', "%20")
    )
}

#[tokio::test]
async fn an_invited_therapist_joins_from_the_emailed_link() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let therapist = sign_in(&app, THERAPIST).await;

            // Only administrators invite; every field is checked on the server.
            let form = invitation("Sam Rivera", "sam@brightpath.example", false, true);
            let reply = call(&app, "invite_staff", &form, Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            let reply = call(
                &app,
                "invite_staff",
                &invitation("", "nobody", false, false),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            assert!(
                reply
                    .body
                    .contains("Choose Administrator, Therapist, or both."),
                "{}",
                reply.body
            );
            let reply = call(
                &app,
                "invite_staff",
                &invitation("Dup", THERAPIST, false, true),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            // Another practice's staff address is refused without naming that practice.
            let reply = call(
                &app,
                "invite_staff",
                &invitation("Other", "admin@otherclinic.example", false, true),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(!reply.body.contains("Other Clinic"), "{}", reply.body);

            let reply = call(&app, "invite_staff", &form, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let roster =
                json(&call(&app, "list_staff", "", Some(&admin)).await.body)["staff"].clone();
            let sam = roster
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["email"] == "sam@brightpath.example")
                .unwrap()
                .clone();
            assert!(sam["status"]["Invited"].is_object(), "{sam}");
            assert_eq!(sam["credentials"], "RBT");
            assert_eq!(sam["roles"]["is_therapist"], true);
            assert_eq!(sam["roles"]["is_admin"], false);
            // Not joined yet: no sign-in works with any password.
            let reply = call(
                &app,
                "sign_in",
                "email=sam%40brightpath.example&password=demo-password-1",
                None,
            )
            .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

            // A resend replaces the link: the first one stops working.
            let first = token_sent_to(&t.db, "sam@brightpath.example").await;
            let sam_id = sam["id"].as_i64().unwrap();
            let reply = call(
                &app,
                "resend_staff_invitation",
                &format!("staff_id={sam_id}"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let second = token_sent_to(&t.db, "sam@brightpath.example").await;
            assert_ne!(first, second);
            let reply = call(
                &app,
                "accept_link",
                &password_form(&first, "a long new password"),
                None,
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT);
            let reply = call(
                &app,
                "accept_link",
                &password_form(&second, "a long new password"),
                None,
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let sam_cookie = reply.session_cookie().unwrap();
            let viewer = json(
                &call(&app, "current_viewer", "", Some(&sam_cookie))
                    .await
                    .body,
            );
            assert_eq!(viewer["name"], "Sam Rivera", "{viewer}");

            let roster =
                json(&call(&app, "list_staff", "", Some(&admin)).await.body)["staff"].clone();
            let sam = roster
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == sam_id)
                .unwrap()
                .clone();
            assert_eq!(sam["status"], "Active", "{sam}");
            let reply = call(
                &app,
                "resend_staff_invitation",
                &format!("staff_id={sam_id}"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            assert_eq!(audited(&t.db, "staff.invited").await, 1);
            assert_eq!(audited(&t.db, "staff.invitation_resent").await, 1);
            assert_eq!(audited(&t.db, "staff.invitation_accepted").await, 1);

            // Another practice's administrator cannot touch Bright Path's staff.
            let other = sign_in(&app, "admin@otherclinic.example").await;
            let reply = call(
                &app,
                "update_staff",
                &edit(sam_id as i32, "Taken Over", true, true),
                Some(&other),
            )
            .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);

            // Another practice invites a Bright Path parent's address: it is not told that the
            // address is a portal login here; the invitee learns it on accepting, and the
            // parent's own login keeps working.
            let form = invitation("Alex Lee", "parent@brightpath.example", false, true);
            let reply = call(&app, "invite_staff", &form, Some(&other)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let token = token_sent_to(&t.db, "parent@brightpath.example").await;
            let reply = call(
                &app,
                "accept_link",
                &password_form(&token, "a long new password"),
                None,
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            assert!(
                reply.body.contains("already has a portal login"),
                "{}",
                reply.body
            );
            sign_in(&app, "parent@brightpath.example").await;
        }),
    )
    .await;
}

#[tokio::test]
async fn the_practice_always_keeps_an_active_administrator_who_can_sign_in() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let me = staff_id(&t.db, ADMIN).await;
            let last_admin = "at least one active administrator";

            // Alone: no demoting or deactivating oneself.
            let reply = call(
                &app,
                "update_staff",
                &edit(me, "Avery Admin", false, true),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT);
            assert!(reply.body.contains(last_admin), "{}", reply.body);
            let reply = call(
                &app,
                "deactivate_staff",
                &format!("staff_id={me}&open_requests=decline"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

            // An administrator still to accept the invitation does not count.
            let reply = call(
                &app,
                "invite_staff",
                &invitation("Robin Second", "robin@brightpath.example", true, false),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let reply = call(
                &app,
                "update_staff",
                &edit(me, "Avery Admin", false, true),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

            // Once they have joined, either may step down, but not both at once.
            let token = token_sent_to(&t.db, "robin@brightpath.example").await;
            let robin = call(
                &app,
                "accept_link",
                &password_form(&token, "a long new password"),
                None,
            )
            .await
            .session_cookie()
            .unwrap();
            let robin_id = staff_id(&t.db, "robin@brightpath.example").await;
            let (demote_robin, demote_me) = (
                edit(robin_id, "Robin Second", false, true),
                edit(me, "Avery Admin", false, true),
            );
            let (a, b) = tokio::join!(
                call(&app, "update_staff", &demote_robin, Some(&admin)),
                call(&app, "update_staff", &demote_me, Some(&robin)),
            );
            // One wins. The other is refused: by the last-administrator rule when both checks
            // overlap, or as no longer an administrator when the first change came before it.
            let mut statuses = [a.status, b.status];
            statuses.sort();
            assert_eq!(statuses[0], StatusCode::OK, "{} / {}", a.body, b.body);
            assert!(
                matches!(statuses[1], StatusCode::CONFLICT | StatusCode::FORBIDDEN),
                "{} / {}",
                a.body,
                b.body
            );
            let admins = staff_user::Entity::find()
                .filter(staff_user::Column::Email.is_in([ADMIN, "robin@brightpath.example"]))
                .filter(staff_user::Column::IsAdmin.eq(true))
                .all(&t.db)
                .await
                .unwrap();
            assert_eq!(admins.len(), 1, "on {}", t.kind);
            let entry = app::server::store::entities::audit_log::Entity::find()
                .filter(app::server::store::entities::audit_log::Column::Action.eq("staff.updated"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(entry.old_value.unwrap().contains("Administrator"));
            assert!(entry.new_value.unwrap().ends_with("Therapist"));
        }),
    )
    .await;
}

/// A request for `staff` at `hours` from now by the parent's login.
async fn request(
    db: &DatabaseConnection,
    staff: i32,
    client: i32,
    hours: i64,
    status: BookingStatus,
) -> i32 {
    let parent = portal_account::Entity::find()
        .filter(portal_account::Column::Email.eq("parent@brightpath.example"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let start = Utc::now() + Duration::hours(hours);
    booking::ActiveModel {
        requested_by: Set(format!("portal:{}", parent.id)),
        ..booking_row(parent.organization_id, (staff, client), status, start, 60)
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn deactivation_signs_out_and_hands_over_and_reactivation_restores() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let therapist = sign_in(&app, THERAPIST).await;
            let (me, taylor) = (staff_id(&t.db, ADMIN).await, staff_id(&t.db, THERAPIST).await);
            let reply = call(&app, "create_calendar_feed", "", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let jordan = client_id(&t.db, "Jordan").await;
            // Two open requests, far ahead; the administrator is busy at the second one's time.
            let free = request(&t.db, taylor, jordan, 24 * 400, BookingStatus::Requested).await;
            let clash = request(&t.db, taylor, jordan, 24 * 401, BookingStatus::Requested).await;
            request(&t.db, me, jordan, 24 * 401, BookingStatus::Booked).await;
            let mails_before = outbox::Entity::find().all(&t.db).await.unwrap().len();

            let roster = json(&call(&app, "list_staff", "", Some(&admin)).await.body)["staff"].clone();
            let row = roster.as_array().unwrap().iter().find(|r| r["id"] == taylor).unwrap().clone();
            assert_eq!(row["open_requests"], 2, "{row}");
            // The therapist taking over must be an active therapist of the practice.
            let reply = call(&app, "deactivate_staff", &format!("staff_id={taylor}&open_requests={taylor}"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);

            let reply = call(&app, "deactivate_staff", &format!("staff_id={taylor}&open_requests={me}"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let done = json(&reply.body);
            assert_eq!((done["reassigned"].as_i64(), done["declined"].as_i64()), (Some(1), Some(1)), "{done}");
            assert!(done["sessions_ended"].as_i64().unwrap() >= 1);

            // Signed out on the next request, and the right password no longer signs in.
            let reply = call(&app, "get_calendar", "", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
            let reply = call(&app, "sign_in", "email=therapist%40brightpath.example&password=demo-password-1", None).await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            assert!(reply.body.contains("deactivated"), "{}", reply.body);
            // No reset link reaches them either.
            call(&app, "request_password_reset", "input[email]=therapist%40brightpath.example", None).await;

            let moved = booking::Entity::find_by_id(free).one(&t.db).await.unwrap().unwrap();
            assert_eq!((moved.staff_id, moved.status), (me, BookingStatus::Requested));
            let declined = booking::Entity::find_by_id(clash).one(&t.db).await.unwrap().unwrap();
            assert_eq!(declined.status, BookingStatus::Declined);
            assert!(declined.decision_reason.unwrap().contains("no longer available"));
            let taylor_row = staff_user::Entity::find_by_id(taylor).one(&t.db).await.unwrap().unwrap();
            assert!(taylor_row.calendar_feed_hash.is_none(), "the feed stops");
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let mails: Vec<_> = outbox::Entity::find().all(&t.db).await.unwrap();
            assert_eq!(mails.len(), mails_before + 1, "one family emailed: {mails:?}");
            assert_eq!(mails.last().unwrap().recipient, "parent@brightpath.example");

            // Out of every picker: no new appointments, no self-scheduling slots.
            let form = format!(
                "client_id={jordan}&input[staff_id]={taylor}&input[location]=telehealth&input[date]=2031-03-03&input[time]=10:00&input[duration_minutes]=60&input[service]=ABA&input[price]="
            );
            let reply = call(&app, "create_appointment", &form, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(reply.body.contains("active therapist"), "{}", reply.body);
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let slots = call(&app, "list_open_slots", &format!("client_id={jordan}"), Some(&parent)).await;
            assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
            assert!(json(&slots.body).as_array().unwrap().iter().all(|s| s["staff_id"] != taylor));
            // History stays: still assigned to Jordan, shown as deactivated.
            let detail = json(&call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await.body);
            let assigned = detail["assigned_staff"].as_array().unwrap().iter().find(|s| s["id"] == taylor).cloned();
            assert_eq!(assigned.map(|s| s["active"].clone()), Some(serde_json::Value::Bool(false)));
            assert_eq!(audited(&t.db, "staff.deactivated").await, 1);
            assert_eq!(audited(&t.db, "sign_in.deactivated").await, 1);
            assert_eq!(audited(&t.db, "appointment.reassigned").await, 1);

            let reply = call(&app, "reactivate_staff", &format!("staff_id={taylor}"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let again = sign_in(&app, THERAPIST).await;
            let reply = call(&app, "get_calendar", "", Some(&again)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        }),
    )
    .await;
}
