//! The practice's profile on both databases: the name and contact details save at once and reach
//! the portal's footer; a new time zone answers first with what it changes and is saved only
//! when confirmed; an unknown zone is refused; only administrators edit, each change audited.

use crate::common;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use app::server::store::entities::{audit_log, organization};
use common::{call, each_database, json, sign_in};

fn profile(zone: &str, confirm: bool) -> String {
    format!(
        "input[name]=Bright%20Path%20Therapy&input[time_zone]={}&input[contact_email]=Desk%40BrightPath.example&input[contact_phone]=207-555-0111{}",
        zone.replace('/', "%2F"),
        if confirm { "&input[confirm_time_zone]=true" } else { "" }
    )
}

async fn bright_path(db: &sea_orm::DatabaseConnection) -> organization::Model {
    organization::Entity::find()
        .filter(organization::Column::TimeZone.ne("America/Chicago"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_profile_saves_and_a_new_time_zone_waits_for_its_confirmation() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let reply = call(
                &app,
                "update_organization_profile",
                &profile("America/New_York", false),
                Some(&therapist),
            )
            .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);

            let reply = call(
                &app,
                "update_organization_profile",
                &profile("America/New_York", false),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(json(&reply.body), serde_json::json!("Saved"));
            let org = bright_path(&t.db).await;
            assert_eq!(
                (
                    org.name.as_str(),
                    org.contact_email.as_str(),
                    org.contact_phone.as_str()
                ),
                (
                    "Bright Path Therapy",
                    "desk@brightpath.example",
                    "207-555-0111"
                )
            );
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("organization.updated"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(entry
                .old_value
                .unwrap()
                .starts_with("Bright Path ABA; America/New_York"));
            assert!(entry.new_value.unwrap().contains("desk@brightpath.example"));
            // The portal's footer has them.
            let client = sign_in(&app, "client@brightpath.example").await;
            let viewer = json(&call(&app, "current_viewer", "", Some(&client)).await.body);
            assert_eq!(
                viewer["kind"]["Portal"]["practice_phone"], "207-555-0111",
                "{viewer}"
            );

            // A new zone: nothing saved yet, the answer says what changes.
            let reply = call(
                &app,
                "update_organization_profile",
                &profile("America/Chicago", false),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let change = json(&reply.body)["ConfirmTimeZone"].clone();
            assert_eq!(change["from"], "America/New_York", "{change}");
            assert_eq!(change["to"], "America/Chicago");
            assert!(
                change["weekly_hours"].as_u64().unwrap() > 0,
                "the demo therapists have hours: {change}"
            );
            assert!(
                change["example"]
                    .as_str()
                    .unwrap()
                    .contains("10:00 AM in America/New_York is 9:00 AM in America/Chicago"),
                "{change}"
            );
            assert_eq!(bright_path(&t.db).await.time_zone, "America/New_York");

            let reply = call(
                &app,
                "update_organization_profile",
                &profile("Mars/Olympus", true),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            assert!(reply.body.contains("Choose a time zone"), "{}", reply.body);

            let reply = call(
                &app,
                "update_organization_profile",
                &profile("America/Chicago", true),
                Some(&admin),
            )
            .await;
            assert_eq!(
                json(&reply.body),
                serde_json::json!("Saved"),
                "{}",
                reply.body
            );
            let zones: Vec<String> = organization::Entity::find()
                .all(&t.db)
                .await
                .unwrap()
                .into_iter()
                .map(|o| o.time_zone)
                .collect();
            assert_eq!(zones, ["America/Chicago", "America/Chicago"]);
        }),
    )
    .await;
}
