//! Each kind of change is recorded with what it was before and what it became, and never with a
//! secret: these tests read the recorded values of each entry, not only that one exists (both
//! databases). Settings, locations, appointment moves, staff roles, the practice's profile and
//! contact access are checked the same way in their own files.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use app::domain::schedule::BookingStatus;
use app::server::store::entities::audit_log;
use common::{booking_row, call, client_id, each_database, policy_of, sign_in, staff_id};

const ADMIN: &str = "admin@brightpath.example";
const THERAPIST: &str = "therapist@brightpath.example";

/// The newest entry of `action`: its actor, object, old and new values.
async fn recorded(db: &DatabaseConnection, action: &str) -> audit_log::Model {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {action} entry"))
}

fn values(entry: &audit_log::Model) -> (String, String) {
    (
        entry.old_value.clone().unwrap_or_default(),
        entry.new_value.clone().unwrap_or_default(),
    )
}

async fn ok(app: &axum::Router, name: &str, form: &str, cookie: &str) {
    let reply = call(app, name, form, Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
}

#[tokio::test]
async fn a_clients_details_record_the_old_and_new_values() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let jordan = client_id(&t.db, "Jordan").await;
            let form = format!(
                "id={jordan}&input[first_name]=Jordan&input[last_name]=Lee-Park\
                 &input[date_of_birth]=2012-04-02&input[email]=client%40brightpath.example"
            );
            ok(&app, "update_client", &form, &admin).await;
            let entry = recorded(&t.db, "client.update").await;
            let (old, new) = values(&entry);
            assert!(old.contains("\"last_name\":\"Lee\""), "{old}");
            assert!(new.contains("\"last_name\":\"Lee-Park\""), "{new}");
            assert_eq!(entry.object, format!("client:{jordan}"));
            assert_eq!(
                entry.actor,
                format!("staff:{}", staff_id(&t.db, ADMIN).await)
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn a_therapists_slot_length_and_video_link_record_before_and_after_without_the_link() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, THERAPIST).await;
            ok(&app, "set_slot_minutes", "minutes=45", &therapist).await;
            assert_eq!(
                values(&recorded(&t.db, "availability.slot_minutes").await),
                ("60".to_owned(), "45".to_owned())
            );
            let link = "link=https%3A%2F%2Fmeet.example%2Fj%2F42%3Fpwd%3Dsecret123";
            ok(&app, "set_video_link", link, &therapist).await;
            assert_eq!(
                values(&recorded(&t.db, "availability.video_link").await),
                ("none".to_owned(), "set".to_owned())
            );
            ok(&app, "set_video_link", "link=", &therapist).await;
            assert_eq!(
                values(&recorded(&t.db, "availability.video_link").await),
                ("set".to_owned(), "none".to_owned())
            );
            let passcodes = audit_log::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(audit_log::Column::OldValue.contains("secret123"))
                        .add(audit_log::Column::NewValue.contains("secret123")),
                )
                .all(&t.db)
                .await
                .unwrap();
            assert!(passcodes.is_empty(), "the link's passcode was logged");
        }),
    )
    .await;
}

#[tokio::test]
async fn reminder_hours_and_processor_keys_record_the_change_but_only_the_keys_last_four() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            ok(&app, "set_reminder_hours", "hours=48", &admin).await;
            assert_eq!(
                values(&recorded(&t.db, "organization.reminder_hours").await),
                ("24".to_owned(), "48".to_owned())
            );
            let keys = |n: &str| {
                format!(
                    "input[secret_key]=sk_test_recorded{n}&input[publishable_key]=pk_test_recorded{n}\
                     &input[webhook_secret]=whsec_recorded{n}"
                )
            };
            ok(&app, "save_stripe_keys", &keys("0001"), &admin).await;
            ok(&app, "save_stripe_keys", &keys("0002"), &admin).await;
            let (old, new) = values(&recorded(&t.db, "organization.stripe_keys").await);
            assert_eq!(old, "secret …0001 publishable …0001 webhook …0001");
            assert_eq!(new, "secret …0002 publishable …0002 webhook …0002");
            let leaked = audit_log::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(audit_log::Column::OldValue.contains("recorded000"))
                        .add(audit_log::Column::NewValue.contains("recorded000")),
                )
                .all(&t.db)
                .await
                .unwrap();
            assert!(leaked.is_empty(), "a key reached the log: {leaked:?}");
        }),
    )
    .await;
}

#[tokio::test]
async fn a_password_change_is_recorded_without_the_password_or_its_hash() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, THERAPIST).await;
            let form = "input[current]=demo-password-1&input[password]=a-brand-new-password\
                        &input[confirm]=a-brand-new-password";
            ok(&app, "change_password", form, &therapist).await;
            let entry = recorded(&t.db, "password.changed").await;
            assert_eq!((entry.old_value, entry.new_value), (None, None));
            assert_eq!(
                entry.object,
                format!("staff:{}", staff_id(&t.db, THERAPIST).await)
            );
            let every = audit_log::Entity::find().all(&t.db).await.unwrap();
            assert!(every.iter().all(|e| {
                let text = format!("{:?} {:?}", e.old_value, e.new_value);
                !text.contains("a-brand-new-password")
                    && !text.contains("demo-password-1")
                    && !text.contains("$argon2")
            }));
        }),
    )
    .await;
}

#[tokio::test]
async fn a_policy_change_and_a_cancellation_record_what_they_replaced() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, ADMIN).await;
            let sam = client_id(&t.db, "Sam").await;
            let policy = policy_of(&t.db, sam).await;
            let form = format!(
                "client_id={sam}&policy_id={}&input[payer]={}&input[member_id]=NEW0042\
                 &input[group_number]=G-7&input[subscriber_name]=Alex%20Lee\
                 &input[subscriber_dob]={}&input[relationship]={}&input[rank]={}\
                 &input[effective_on]={}&input[terminates_on]=",
                policy.id,
                policy.payer_id,
                policy.subscriber_dob,
                policy.relationship.key(),
                policy.rank.key(),
                policy.effective_on,
            );
            ok(&app, "save_policy", &form, &admin).await;
            let entry = recorded(&t.db, "insurance.policy.updated").await;
            let (old, new) = values(&entry);
            assert!(old.contains(&format!("member:{} ", policy.member_id)), "{old}");
            assert!(new.contains("member:NEW0042 group:G-7"), "{new}");
            assert_eq!(entry.object, format!("client:{sam} policy:{}", policy.id));

            // A staff cancellation: the status before, and who cancelled, the booking and why.
            let taylor = staff_id(&t.db, THERAPIST).await;
            let org = policy.organization_id;
            let start = Utc::now() + Duration::days(40);
            let visit = booking_row(org, (taylor, sam), BookingStatus::Booked, start, 60)
                .insert(&t.db)
                .await
                .unwrap()
                .id;
            let form = format!(
                "client_id={sam}&booking_id={visit}&input[reason]=Therapist%20unwell&input[by_client]=false"
            );
            ok(&app, "staff_cancel_appointment", &form, &admin).await;
            let (old, new) = values(&recorded(&t.db, "appointment.cancelled").await);
            assert_eq!(old, "booked");
            assert_eq!(new, format!("booking:{visit} by staff: Therapist unwell"));
        }),
    )
    .await;
}
