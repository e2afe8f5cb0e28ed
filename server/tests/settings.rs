//! Client Portal Settings through the server functions, on both databases.

use crate::common;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use app::server::store::entities::audit_log;
use common::{call, client_id, each_database, json, sign_in};

/// The `SettingSet` array of a `SettingChanged`, `PortalSettings` or `EffectiveSettings` answer,
/// in `Setting::ALL` order.
fn flags(v: &Value) -> Vec<bool> {
    let v = v.get("settings").unwrap_or(v);
    let set = v.get("org").unwrap_or(v);
    set.as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_bool().unwrap())
        .collect()
}

// Indexes in Setting::ALL.
const PAYMENTS: usize = 0;
const INSURANCE: usize = 1;
const MESSAGING: usize = 2;
const SCHEDULING: usize = 3;
const WITHIN_24: usize = 4;
const ADD_PAYERS: usize = 5;

#[tokio::test]
async fn changes_are_validated_by_the_shared_rule() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let start = json(
                &call(&app, "get_portal_settings", "", Some(&admin))
                    .await
                    .body,
            );
            assert_eq!(
                flags(&start),
                vec![false, true, true, true, false, true, true, false],
                "SPEC §5 starting point"
            );
            assert!(start["card_processor"].is_null());

            let refused = call(
                &app,
                "change_setting",
                "setting=payments&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(
                refused.body.contains("credit-card processing"),
                "{}",
                refused.body
            );

            let enabled = call(
                &app,
                "set_card_processing",
                "processor=sandbox",
                Some(&admin),
            )
            .await;
            assert_eq!(json(&enabled.body)["card_processor"], "Sandbox");
            let on = call(
                &app,
                "change_setting",
                "setting=payments&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(on.status, StatusCode::OK, "{}", on.body);
            assert!(flags(&json(&on.body))[PAYMENTS]);
            let bad = call(
                &app,
                "set_card_processing",
                "processor=bitcoin",
                Some(&admin),
            )
            .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);

            call(
                &app,
                "change_setting",
                "setting=insurance_info&on=false",
                Some(&admin),
            )
            .await;
            call(
                &app,
                "change_setting",
                "setting=add_payers&on=false",
                Some(&admin),
            )
            .await;
            let refused = call(
                &app,
                "change_setting",
                "setting=add_payers&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(
                refused.body.contains("Display Insurance Info"),
                "{}",
                refused.body
            );
            let unknown = call(
                &app,
                "change_setting",
                "setting=teleportation&on=true",
                Some(&admin),
            )
            .await;
            assert_eq!(unknown.status, StatusCode::BAD_REQUEST);

            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let denied = call(
                &app,
                "change_setting",
                "setting=secure_messaging&on=false",
                Some(&therapist),
            )
            .await;
            assert_eq!(denied.status, StatusCode::FORBIDDEN);
            let after = json(
                &call(&app, "get_portal_settings", "", Some(&admin))
                    .await
                    .body,
            );
            assert!(flags(&after)[MESSAGING], "the therapist changed nothing");
        }),
    )
    .await;
}

#[tokio::test]
async fn a_sub_setting_survives_its_parent_being_turned_off_and_on() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            assert_eq!(
                call(
                    &app,
                    "change_setting",
                    "setting=within_24_hours&on=true",
                    Some(&admin)
                )
                .await
                .status,
                StatusCode::OK
            );
            let off = json(
                &call(
                    &app,
                    "change_setting",
                    "setting=self_scheduling&on=false",
                    Some(&admin),
                )
                .await
                .body,
            );
            assert!(
                !flags(&off)[SCHEDULING] && flags(&off)[WITHIN_24],
                "stored value kept"
            );
            let effective = json(
                &call(
                    &app,
                    "get_effective_settings",
                    &format!("client_id={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert!(!flags(&effective)[WITHIN_24], "but not effective");
            call(
                &app,
                "change_setting",
                "setting=self_scheduling&on=true",
                Some(&admin),
            )
            .await;
            let effective = json(
                &call(
                    &app,
                    "get_effective_settings",
                    &format!("client_id={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert!(flags(&effective)[WITHIN_24], "restored");
        }),
    )
    .await;
}

#[tokio::test]
async fn client_turn_offs_affect_only_that_client_and_cannot_enable_what_is_off() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let (jordan, sam) = (
                client_id(&t.db, "Jordan").await,
                client_id(&t.db, "Sam").await,
            );
            let r = call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=insurance_info&on=false"),
                Some(&admin),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);

            let client = sign_in(&app, "client@brightpath.example").await;
            let mine = json(
                &call(
                    &app,
                    "get_effective_settings",
                    &format!("client_id={jordan}"),
                    Some(&client),
                )
                .await
                .body,
            );
            assert!(
                !flags(&mine)[INSURANCE] && !flags(&mine)[ADD_PAYERS],
                "off for Jordan, and add-payers with it"
            );
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let sams = json(
                &call(
                    &app,
                    "get_effective_settings",
                    &format!("client_id={sam}"),
                    Some(&parent),
                )
                .await
                .body,
            );
            assert!(flags(&sams)[INSURANCE], "Sam keeps it");
            let other = call(
                &app,
                "get_effective_settings",
                &format!("client_id={sam}"),
                Some(&client),
            )
            .await;
            assert_eq!(
                other.status,
                StatusCode::FORBIDDEN,
                "Jordan cannot read Sam's settings"
            );

            // The organization turns messaging off: a client switch cannot turn it back on.
            call(
                &app,
                "change_setting",
                "setting=secure_messaging&on=false",
                Some(&admin),
            )
            .await;
            let refused = call(
                &app,
                "change_setting",
                &format!("client_id={sam}&setting=secure_messaging&on=true"),
                Some(&admin),
            )
            .await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(
                refused.body.contains("off for the whole organization"),
                "{}",
                refused.body
            );

            // Manage Clients lists both portal clients (Sam through the parent's login) with their turn-offs.
            let page = json(
                &call(&app, "list_portal_clients", "query=lee", Some(&admin))
                    .await
                    .body,
            );
            let names: Vec<&str> = page["clients"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, vec!["Jordan Lee", "Sam Lee"]);
            assert_eq!(page["clients"][0]["off"][INSURANCE], true);
            assert_eq!(page["clients"][1]["off"][INSURANCE], false);
            let none = json(
                &call(&app, "list_portal_clients", "query=riley", Some(&admin))
                    .await
                    .body,
            );
            assert_eq!(none["paging"]["count"]["rows"], 0);
        }),
    )
    .await;
}

#[tokio::test]
async fn every_change_is_audited_with_old_and_new_values() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;
            call(
                &app,
                "change_setting",
                "setting=secure_messaging&on=false",
                Some(&admin),
            )
            .await;
            call(
                &app,
                "change_setting",
                &format!("client_id={jordan}&setting=insurance_info&on=false"),
                Some(&admin),
            )
            .await;
            let rows = audit_log::Entity::find()
                .filter(audit_log::Column::Action.starts_with("setting."))
                .order_by_asc(audit_log::Column::Id)
                .all(&t.db)
                .await
                .unwrap();
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[0].action, "setting.organization.secure_messaging");
            assert_eq!(
                (rows[0].old_value.as_deref(), rows[0].new_value.as_deref()),
                (Some("on"), Some("off"))
            );
            assert_eq!(rows[1].action, "setting.client.insurance_info");
            assert_eq!(rows[1].object, format!("client:{jordan}"));
            assert!(rows[1].actor.starts_with("staff:"));

            let all = json(&call(&app, "list_audit_log", "", Some(&admin)).await.body);
            assert_eq!(
                all["rows"][0]["action"], "setting.client.insurance_info",
                "newest first"
            );
            assert_eq!(all["rows"][0]["object"], "Jordan Lee");
            assert_eq!(
                all["rows"][0]["actor"],
                "Morgan Reyes, administrator and therapist"
            );
            let jordans = json(
                &call(
                    &app,
                    "list_audit_log",
                    &format!("filter[client]={jordan}"),
                    Some(&admin),
                )
                .await
                .body,
            );
            assert_eq!(jordans["rows"].as_array().unwrap().len(), 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn concurrent_changes_to_different_settings_both_stick() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let first = sign_in(&app, "admin@brightpath.example").await;
            let second = sign_in(&app, "admin@brightpath.example").await;
            let (a, b) = tokio::join!(
                call(
                    &app,
                    "change_setting",
                    "setting=secure_messaging&on=false",
                    Some(&first)
                ),
                call(
                    &app,
                    "change_setting",
                    "setting=contact_access&on=false",
                    Some(&second)
                ),
            );
            assert_eq!(
                (a.status, b.status),
                (StatusCode::OK, StatusCode::OK),
                "{} {}",
                a.body,
                b.body
            );
            let now = flags(&json(
                &call(&app, "get_portal_settings", "", Some(&first))
                    .await
                    .body,
            ));
            assert!(
                !now[MESSAGING] && !now[6],
                "neither change overwrote the other: {now:?}"
            );
        }),
    )
    .await;
}
