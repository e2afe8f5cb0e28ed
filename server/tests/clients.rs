//! Clients for staff: scoping, search, pagination, validation, management and tenant isolation.

use crate::common;

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
            let list = call(&app, "list_clients", "query=", Some(&therapist)).await;
            assert!(
                list.body.contains("Jordan Lee") && list.body.contains("Sam Lee"),
                "{}",
                list.body
            );
            assert!(!list.body.contains("Riley"));

            let other_admin = sign_in(&app, "admin@otherclinic.example").await;
            let list = call(&app, "list_clients", "query=", Some(&other_admin)).await;
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
        let found = call(&app, "list_clients", "query=lee-p", Some(&admin)).await;
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
        let list = |query: String| {
            let (app, admin) = (app.clone(), admin.clone());
            async move {
                let answer = call(&app, "list_clients", &query, Some(&admin)).await;
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
                serde_json::from_str::<serde_json::Value>(&answer.body).unwrap()
            }
        };
        let names = |page: &serde_json::Value| -> Vec<String> {
            page["clients"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
        };
        // Keyset pages: 25 then 5, in name order, and back again to the same first page.
        let first = list("query=PAGER".into()).await;
        assert_eq!(first["paging"]["count"]["rows"], 30);
        assert_eq!(first["paging"]["previous"], serde_json::Value::Null);
        assert_eq!(names(&first).len(), 25);
        assert_eq!(names(&first)[0], "Test00 Pager");
        let after = first["paging"]["next"]["After"].as_i64().expect("a next page");
        let second = list(format!("query=pager&at[After]={after}")).await;
        assert_eq!(names(&second), (25..30).map(|i| format!("Test{i:02} Pager")).collect::<Vec<_>>());
        assert_eq!(second["paging"]["next"], serde_json::Value::Null, "the last page");
        let before = second["paging"]["previous"]["Before"].as_i64().expect("a previous page");
        let back = list(format!("query=pager&at[Before]={before}")).await;
        assert_eq!(names(&back), names(&first));
        assert_eq!(back["paging"]["previous"], serde_json::Value::Null, "back at the top");
        // An id from outside this list (another search) starts at the top rather than leaking.
        let jordan = list("query=jordan".into()).await["clients"][0]["id"].as_i64().unwrap();
        assert_eq!(names(&list(format!("query=pager&at[After]={jordan}")).await), names(&first));
        let wildcard: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=%25", Some(&admin)).await.body).unwrap();
        assert_eq!(wildcard["paging"]["count"]["rows"], 0, "% is matched literally");
        let by_first_name: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=test0", Some(&admin)).await.body).unwrap();
        assert_eq!(by_first_name["paging"]["count"]["rows"], 10, "first-name prefix");
        let full: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=Jordan%20%20LEE", Some(&admin)).await.body).unwrap();
        assert_eq!(full["paging"]["count"]["rows"], 1, "\"first last\" prefix");
        let other_admin = sign_in(&app, "admin@otherclinic.example").await;
        let foreign: serde_json::Value =
            serde_json::from_str(&call(&app, "list_clients", "query=lee", Some(&other_admin)).await.body).unwrap();
        assert_eq!(foreign["paging"]["count"]["rows"], 0, "search stays inside the organization");
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
