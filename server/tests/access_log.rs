//! The client's own access log, on both databases: a therapist opening Jordan's page and
//! insurance shows there by name and role in plain words, with the portal sign-ins for Jordan
//! and their devices; never IP addresses, values, or another client's entries; contacts without
//! access and staff are refused.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use common::{call, client_id, each_database, json, send, sign_in};

#[tokio::test]
async fn the_client_sees_who_opened_or_changed_their_record_and_the_sign_ins() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            // The parent signs in from a phone.
            let phone = send(
                &app,
                Request::post("/api/sign_in")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, "application/json")
                    .header(
                        header::USER_AGENT,
                        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
                    )
                    .body(Body::from("email=parent%40brightpath.example&password=demo-password-1"))
                    .unwrap(),
            )
            .await;
            assert!(phone.status.is_success() || phone.status.is_redirection(), "{}", phone.body);
            let client = sign_in(&app, "client@brightpath.example").await;
            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let (jordan, sam) = (client_id(&t.db, "Jordan").await, client_id(&t.db, "Sam").await);
            for args in [format!("id={jordan}"), format!("id={sam}")] {
                assert_eq!(call(&app, "get_client", &args, Some(&therapist)).await.status, StatusCode::OK);
            }
            let seen = call(&app, "get_insurance", &format!("client_id={jordan}"), Some(&therapist)).await;
            assert_eq!(seen.status, StatusCode::OK);

            let reply = call(&app, "get_access_log", &format!("client_id={jordan}"), Some(&client)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let log = json(&reply.body);
            assert_eq!(log["client_name"], "Jordan Lee");
            let staff: Vec<(String, String)> = log["staff"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["who"].as_str().unwrap().to_owned(), l["what"].as_str().unwrap().to_owned()))
                .collect();
            assert_eq!(
                staff,
                [
                    ("Taylor Brooks, therapist".to_owned(), "Looked at the insurance information".to_owned()),
                    ("Taylor Brooks, therapist".to_owned(), "Opened the client's page".to_owned()),
                ],
                "Sam's page is not in Jordan's log"
            );
            let sign_ins: Vec<(String, String)> = log["sign_ins"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["who"].as_str().unwrap().to_owned(), l["what"].as_str().unwrap().to_owned()))
                .collect();
            assert!(sign_ins.contains(&("Alex Lee, contact".to_owned(), "Signed in from Chrome on Android".to_owned())), "{sign_ins:?}");
            assert!(sign_ins.iter().any(|(who, _)| who == "Jordan Lee, client"), "{sign_ins:?}");
            assert!(!sign_ins.iter().any(|(who, _)| who.contains("Taylor")), "staff sign-ins are not listed");
            assert!(!reply.body.contains("127.0.0.1") && !reply.body.contains("staff:"), "{}", reply.body);

            // The parent sees Sam's log too; staff have no access log of their own here.
            let parent = sign_in(&app, "parent@brightpath.example").await;
            let sams = json(&call(&app, "get_access_log", &format!("client_id={sam}"), Some(&parent)).await.body);
            assert_eq!(sams["staff"][0]["what"], "Opened the client's page");
            assert_eq!(call(&app, "get_access_log", &format!("client_id={sam}"), Some(&client)).await.status, StatusCode::FORBIDDEN);
            assert_eq!(call(&app, "get_access_log", &format!("client_id={jordan}"), Some(&therapist)).await.status, StatusCode::FORBIDDEN);
        }),
    )
    .await;
}
