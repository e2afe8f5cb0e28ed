//! Organization → Locations on both databases: an administrator adds and edits a location (every
//! field checked on the server, old and new values audited); an archived location is offered for
//! no new appointment or form, stays on past ones, and comes back when restored.

use crate::common;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use app::server::store::entities::{audit_log, location};
use common::{audited, call, client_id, each_database, json, sign_in};

fn form(id: i32, name: &str, street: &str, postal: &str) -> String {
    format!(
        "location_id={id}&input[name]={}&input[street]={}&input[city]=Portland&input[state]=ME&input[postal_code]={postal}&input[phone]=207-555-0199",
        name.replace(' ', "%20"),
        street.replace(' ', "%20")
    )
}

#[tokio::test]
async fn an_administrator_adds_edits_and_archives_a_location() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let jordan = client_id(&t.db, "Jordan").await;

            let reply = call(&app, "save_location", &form(0, "", "", "nope!"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            assert!(reply.body.contains("Enter a postal code"), "{}", reply.body);
            let reply = call(&app, "save_location", &form(0, "Westside", "9 Elm St", "04102"), Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);

            let reply = call(&app, "save_location", &form(0, "Westside", "9 Elm St", "04102"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let id: i32 = serde_json::from_str(&reply.body).unwrap();
            let reply = call(&app, "save_location", &form(id, "Westside Office", "11 Elm St", "04102"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let row = location::Entity::find_by_id(id).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.address, "11 Elm St, Portland, ME 04102");
            let entry = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("location.updated"))
                .one(&t.db)
                .await
                .unwrap()
                .unwrap();
            assert!(entry.old_value.unwrap().contains("9 Elm St"));
            assert!(entry.new_value.unwrap().contains("11 Elm St"));

            // Offered while active.
            let options = json(&call(&app, "list_form_templates", "", Some(&admin)).await.body);
            assert!(options["locations"].as_array().unwrap().iter().any(|l| l["id"] == id), "{options}");
            let appointment = format!(
                "client_id={jordan}&input[staff_id]={}&input[location]={id}&input[date]=2031-06-03&input[time]=10:00&input[duration_minutes]=60&input[service]=ABA&input[price]=",
                staff_of(&t.db, "therapist@brightpath.example").await
            );
            let reply = call(&app, "create_appointment", &appointment, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

            // Archived: offered for nothing new; the appointment made there keeps it.
            let reply = call(&app, "set_location_archived", &format!("location_id={id}&archived=true"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let options = json(&call(&app, "list_form_templates", "", Some(&admin)).await.body);
            assert!(options["locations"].as_array().unwrap().iter().all(|l| l["id"] != id), "{options}");
            let later = appointment.replace("2031-06-03", "2031-06-10");
            let reply = call(&app, "create_appointment", &later, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            assert!(reply.body.contains("active location"), "{}", reply.body);
            let template = json(&call(&app, "list_form_templates", "", Some(&admin)).await.body)["templates"][0]["id"].clone();
            let send = format!("client_id={jordan}&input[template_ids][0]={template}&input[recipient]=client&input[location_id]={id}&input[due_on]=2099-01-01");
            let reply = call(&app, "send_forms", &send, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            let kept = app::server::store::entities::booking::Entity::find()
                .filter(app::server::store::entities::booking::Column::LocationId.eq(id))
                .all(&t.db)
                .await
                .unwrap();
            assert_eq!(kept.len(), 1);
            let listed = json(&call(&app, "list_locations", "", Some(&admin)).await.body);
            let last = listed.as_array().unwrap().last().unwrap().clone();
            assert_eq!((last["id"].as_i64(), last["archived"].as_bool()), (Some(id as i64), Some(true)), "archived last: {listed}");

            // Restored: offered again.
            let reply = call(&app, "set_location_archived", &format!("location_id={id}&archived=false"), Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let reply = call(&app, "create_appointment", &later, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(audited(&t.db, "location.created").await, 1);
            assert_eq!(audited(&t.db, "location.archived").await, 1);
            assert_eq!(audited(&t.db, "location.restored").await, 1);

            // Another practice's administrator cannot see or change it.
            let other = sign_in(&app, "admin@otherclinic.example").await;
            let reply = call(&app, "set_location_archived", &format!("location_id={id}&archived=true"), Some(&other)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            let theirs = json(&call(&app, "list_locations", "", Some(&other)).await.body);
            assert!(theirs.as_array().unwrap().iter().all(|l| l["id"] != id));
        }),
    )
    .await;
}

async fn staff_of(db: &sea_orm::DatabaseConnection, email: &str) -> i32 {
    use app::server::store::entities::staff_user;
    staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}
