//! Two-step sign-in for staff on both databases: enrolment from the Account page, a sign-in that
//! waits for its code, a code that works only once (also a recovery code), wrong codes limited
//! like passwords, the practice's requirement that makes staff enrol at their next sign-in, and
//! an administrator's reset, each audited.

use crate::common;

use axum::http::{header, StatusCode};
use chrono::Utc;
use totp_rs::{Algorithm, Secret, TOTP};

use common::{audited, call, each_database, json, sign_in, Reply};

const THERAPIST: &str = "therapist@brightpath.example";
const SIGN_IN: &str = "email=therapist%40brightpath.example&password=demo-password-1";

/// The code of `secret` (as the page shows it, grouped) `steps` steps from now.
fn code(secret: &str, steps: i64) -> String {
    let bytes = Secret::Encoded(secret.replace(' ', "")).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    totp.generate((Utc::now().timestamp() + steps * 30) as u64)
}

/// The second-step cookie a sign-in answered with (`name=value`).
fn challenge_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cp_two_step=") && !v.starts_with("cp_two_step=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// Signs in with the password; returns the challenge cookie (there must be no session yet).
async fn password_step(app: &axum::Router) -> String {
    let reply = call(app, "sign_in", SIGN_IN, None).await;
    assert!(
        reply.session_cookie().is_none(),
        "no session before the code"
    );
    challenge_cookie(&reply).expect("a second step")
}

#[tokio::test]
async fn an_enrolled_sign_in_waits_for_a_code_that_works_once() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let therapist = sign_in(&app, THERAPIST).await;
            let reply = call(&app, "start_two_step", "", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let enrolment = json(&reply.body);
            assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
            let secret = enrolment["secret"].as_str().unwrap().to_owned();
            let token = enrolment["token"].as_str().unwrap().to_owned();
            // A wrong first code (the right one with its first digit changed) sets nothing up.
            let first = code(&secret, 0);
            let wrong: String = std::iter::once(if first.starts_with('9') { '0' } else { '9' })
                .chain(first.chars().skip(1))
                .collect();
            let reply = call(
                &app,
                "confirm_two_step",
                &format!("token={token}&code={wrong}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            let reply = call(
                &app,
                "confirm_two_step",
                &format!("token={token}&code={first}"),
                Some(&therapist),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let recovery: Vec<String> = serde_json::from_str(&reply.body).unwrap();
            assert_eq!(recovery.len(), 10);
            let account = json(&call(&app, "get_account", "", Some(&therapist)).await.body);
            assert_eq!(account["two_step"]["enrolled"], true, "{account}");
            assert_eq!(account["two_step"]["recovery_codes_left"], 10);

            // The password alone no longer signs in; the second step does, with a fresh code.
            let challenge = password_step(&app).await;
            let prompt = json(
                &call(&app, "get_second_step", "", Some(&challenge))
                    .await
                    .body,
            );
            assert_eq!(prompt["Verify"]["email"], THERAPIST, "{prompt}");
            // The code that confirmed the enrolment is used up.
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={first}"),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            let next = code(&secret, 1);
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={next}"),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let session = reply.session_cookie().expect("signed in");
            assert_eq!(
                call(&app, "get_calendar", "", Some(&session)).await.status,
                StatusCode::OK
            );
            // The challenge is spent, and the same code does not pass a new sign-in.
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={next}"),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
            let challenge = password_step(&app).await;
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={next}"),
                Some(&challenge),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "replayed: {}",
                reply.body
            );

            // A recovery code works once.
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={}", recovery[0].to_uppercase()),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let challenge = password_step(&app).await;
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={}", recovery[0]),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);

            // Wrong codes count like wrong passwords: the account pauses after five.
            let mut statuses = Vec::new();
            for _ in 0..6 {
                statuses.push(
                    call(&app, "finish_second_step", "code=999999", Some(&challenge))
                        .await
                        .status,
                );
            }
            assert!(
                statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
                "{statuses:?}"
            );
            assert!(audited(&t.db, "sign_in.two_step_failed").await >= 4);
            assert_eq!(audited(&t.db, "two_step.enrolled").await, 1);
            assert_eq!(audited(&t.db, "two_step.recovery_code_used").await, 1);
        }),
    )
    .await;
}

#[tokio::test]
async fn the_practice_requirement_makes_staff_enrol_and_an_administrator_resets_it() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let therapist = sign_in(&app, THERAPIST).await;
            let reply = call(&app, "set_two_step_required", "on=true", Some(&therapist)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            let reply = call(&app, "set_two_step_required", "on=true", Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let roster = json(&call(&app, "list_staff", "", Some(&admin)).await.body);
            assert_eq!(roster["require_two_step"], true);

            // An open session goes on; the next sign-in enrols before it gets in.
            assert_eq!(
                call(&app, "get_calendar", "", Some(&therapist))
                    .await
                    .status,
                StatusCode::OK
            );
            let challenge = password_step(&app).await;
            let prompt = json(
                &call(&app, "get_second_step", "", Some(&challenge))
                    .await
                    .body,
            );
            let secret = prompt["Enrol"]["secret"]
                .as_str()
                .expect("enrolment")
                .to_owned();
            assert!(prompt["Enrol"]["qr_svg"].as_str().unwrap().contains("<svg"));
            let reply = call(
                &app,
                "finish_second_step",
                &format!("code={}", code(&secret, 0)),
                Some(&challenge),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(
                json(&reply.body)["recovery_codes"]
                    .as_array()
                    .unwrap()
                    .len(),
                10
            );
            let enrolled = reply.session_cookie().expect("signed in after enrolling");
            // Required: it cannot be turned off.
            let reply = call(
                &app,
                "turn_off_two_step",
                &format!("code={}", code(&secret, 1)),
                Some(&enrolled),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

            // A lost phone: the administrator resets it, and the therapist's sessions end.
            let other = sign_in(&app, "admin@otherclinic.example").await;
            let taylor = json(&call(&app, "list_staff", "", Some(&admin)).await.body)["staff"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["email"] == THERAPIST)
                .unwrap()["id"]
                .clone();
            assert!(taylor.is_number());
            let reply = call(
                &app,
                "reset_two_step",
                &format!("staff_id={taylor}"),
                Some(&other),
            )
            .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            let reply = call(
                &app,
                "reset_two_step",
                &format!("staff_id={taylor}"),
                Some(&admin),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(
                call(&app, "get_calendar", "", Some(&enrolled)).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(audited(&t.db, "two_step.reset").await, 1);
            assert_eq!(audited(&t.db, "organization.two_step_required").await, 1);
            // Still required: the next sign-in enrols again.
            let challenge = password_step(&app).await;
            let prompt = json(
                &call(&app, "get_second_step", "", Some(&challenge))
                    .await
                    .body,
            );
            assert!(prompt["Enrol"].is_object(), "{prompt}");

            // Without the requirement, a reset staff member signs in with the password alone.
            call(&app, "set_two_step_required", "on=false", Some(&admin)).await;
            sign_in(&app, THERAPIST).await;
        }),
    )
    .await;
}
