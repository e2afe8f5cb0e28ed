//! Clients for staff: scoping, search, pagination, validation, management and tenant isolation.

mod common;

use axum::http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use app::server::store::entities::{client, client_contact, organization};
use common::{call, client_id, each_database, page, sign_in};

#[tokio::test]
async fn therapists_see_assigned_clients_and_admins_see_their_organization() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let list = call(&app, "list_clients", "query=&page=1", Some(&therapist)).await;
            assert!(
                list.body.contains("Jordan Lee") && list.body.contains("Sam Lee"),
                "{}",
                list.body
            );
            assert!(!list.body.contains("Riley"));

            let other_admin = sign_in(&app, "admin@otherclinic.example").await;
            let list = call(&app, "list_clients", "query=&page=1", Some(&other_admin)).await;
            assert!(
                list.body.contains("Riley Chen") && !list.body.contains("Jordan"),
                "{}",
                list.body
            );
            let jordan = client_id(&t.db, "Jordan").await;
            let detail = call(
                &app,
                "get_client",
                &format!("id={jordan}"),
                Some(&other_admin),
            )
            .await;
            assert_eq!(detail.status, StatusCode::NOT_FOUND);

            let admin = sign_in(&app, "admin@brightpath.example").await;
            let detail = call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await;
            assert!(
                detail.body.contains("Taylor Brooks") && detail.body.contains("Alex Lee"),
                "{}",
                detail.body
            );
            let html = page(&app, &format!("/admin/clients/{jordan}"), Some(&admin)).await;
            assert!(html.body.contains("Jordan Lee") && html.body.contains("Alex Lee"));
        }),
    )
    .await;
}

#[tokio::test]
async fn unassigned_therapist_cannot_open_a_client_until_assigned() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let created = call(
            &app,
            "create_client",
            "input[first_name]=Avery&input[last_name]=Stone&input[date_of_birth]=2018-03-04&input[email]=",
            Some(&admin),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let avery: i32 = created.body.parse().unwrap();
        let therapist = sign_in(&app, "therapist@brightpath.example").await;
        let denied = call(&app, "get_client", &format!("id={avery}"), Some(&therapist)).await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND);

        let therapist_id = 2; // Taylor Brooks, the second demo staff member.
        let assigned = call(&app, "assign_staff", &format!("client_id={avery}&staff_id={therapist_id}"), Some(&admin)).await;
        assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
        let again = call(&app, "assign_staff", &format!("client_id={avery}&staff_id={therapist_id}"), Some(&admin)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(call(&app, "get_client", &format!("id={avery}"), Some(&therapist)).await.status, StatusCode::OK);

        let removed = call(&app, "unassign_staff", &format!("client_id={avery}&staff_id={therapist_id}"), Some(&admin)).await;
        assert_eq!(removed.status, StatusCode::OK);
        assert_eq!(call(&app, "get_client", &format!("id={avery}"), Some(&therapist)).await.status, StatusCode::NOT_FOUND);
        // Staff of another organization cannot be assigned.
        let foreign = call(&app, "assign_staff", &format!("client_id={avery}&staff_id=3"), Some(&admin)).await;
        assert_eq!(foreign.status, StatusCode::BAD_REQUEST, "{}", foreign.body);
    }))
    .await;
}

#[tokio::test]
async fn invalid_client_input_is_refused_per_field_and_saves_nothing() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        let before = client::Entity::find().count(&t.db).await.unwrap();
        let bad = call(
            &app,
            "create_client",
            "input[first_name]=&input[last_name]=Stone&input[date_of_birth]=2999-01-01&input[email]=nope",
            Some(&admin),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("First name is required.") && bad.body.contains("future"), "{}", bad.body);
        assert_eq!(client::Entity::find().count(&t.db).await.unwrap(), before);

        let jordan = client_id(&t.db, "Jordan").await;
        let contact = call(
            &app,
            "add_contact",
            &format!("client_id={jordan}&input[name]=Pat Lee&input[email]=pat%40example.com&input[phone]=207 555 0100&input[relationship]=guardian"),
            Some(&admin),
        )
        .await;
        assert_eq!(contact.status, StatusCode::OK, "{}", contact.body);
        let bad_contact = call(
            &app,
            "add_contact",
            &format!("client_id={jordan}&input[name]=&input[email]=&input[phone]=12&input[relationship]=uncle"),
            Some(&admin),
        )
        .await;
        assert_eq!(bad_contact.status, StatusCode::BAD_REQUEST);
        assert_eq!(client_contact::Entity::find().count(&t.db).await.unwrap(), 2);

        let updated = call(
            &app,
            "update_client",
            &format!("id={jordan}&input[first_name]=Jordan&input[last_name]=Lee-Park&input[date_of_birth]=2012-04-02&input[email]=client%40brightpath.example"),
            Some(&admin),
        )
        .await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        let found = call(&app, "list_clients", "query=lee-p&page=1", Some(&admin)).await;
        assert!(found.body.contains("Jordan Lee-Park"), "{}", found.body);
    }))
    .await;
}

#[tokio::test]
async fn search_is_case_insensitive_literal_and_paginated() {
    each_database(true, body!(|t| {
        let app = t.app();
        let admin = sign_in(&app, "admin@brightpath.example").await;
        for i in 0..30 {
            let form = format!("input[first_name]=Test{i:02}&input[last_name]=Pager&input[date_of_birth]=2015-01-01&input[email]=");
            assert_eq!(call(&app, "create_client", &form, Some(&admin)).await.status, StatusCode::OK);
        }
        let first: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=PAGER&page=1", Some(&admin)).await.body).unwrap();
        assert_eq!(first["total"], 30);
        assert_eq!(first["pages"], 2);
        assert_eq!(first["clients"].as_array().unwrap().len(), 25);
        let second: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=pager&page=2", Some(&admin)).await.body).unwrap();
        assert_eq!(second["clients"].as_array().unwrap().len(), 5);
        let wildcard: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=%25&page=1", Some(&admin)).await.body).unwrap();
        assert_eq!(wildcard["total"], 0, "% is matched literally");
        let by_first_name: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=test0&page=1", Some(&admin)).await.body).unwrap();
        assert_eq!(by_first_name["total"], 10, "first-name prefix");
        let full: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=Jordan%20%20LEE&page=1", Some(&admin)).await.body).unwrap();
        assert_eq!(full["total"], 1, "\"first last\" prefix");
        let other_admin = sign_in(&app, "admin@otherclinic.example").await;
        let foreign: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=lee&page=1", Some(&other_admin)).await.body).unwrap();
        assert_eq!(foreign["total"], 0, "search stays inside the organization");
    }))
    .await;
}

#[tokio::test]
async fn demo_data_is_idempotent() {
    each_database(
        true,
        body!(|t| {
            server::demo::load(&t.db).await.unwrap();
            assert_eq!(organization::Entity::find().count(&t.db).await.unwrap(), 2);
            assert_eq!(client::Entity::find().count(&t.db).await.unwrap(), 4);
        }),
    )
    .await;
}
