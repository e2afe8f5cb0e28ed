//! A practice's first start without demo data: `server org create` makes the organization and
//! its first administrator, whose link sets a password and lands in the admin.

use crate::common;

use axum::http::StatusCode;

use common::{call, each_database};
use server::org_setup::{create, NewOrganization};

fn lakeside() -> NewOrganization {
    NewOrganization {
        name: "Lakeside Therapy".into(),
        time_zone: "America/Chicago".into(),
        admin_email: "owner@lakeside.example".into(),
        admin_name: "Robin Vale".into(),
    }
}

#[tokio::test]
async fn the_first_administrator_accepts_the_link_and_runs_the_practice() {
    each_database(
        false,
        body!(|t| {
            let app = t.app();
            let path = create(&t.db, &lakeside()).await.unwrap();
            let token = path.strip_prefix("/welcome?token=").unwrap();
            // The same address cannot be made an administrator twice.
            let again = create(&t.db, &lakeside()).await.unwrap_err();
            assert!(again.contains("already has a login"), "{again}");

            let form = format!(
                "input[token]={token}&input[password]=lakeside-password&input[confirm]=lakeside-password"
            );
            let reply = call(&app, "accept_link", &form, None).await;
            assert!(reply.status.is_success() || reply.status.is_redirection(), "{} {}", reply.status, reply.body);
            let cookie = reply.session_cookie().expect("signed in");
            let org = call(&app, "get_organization", "", Some(&cookie)).await;
            assert_eq!(org.status, StatusCode::OK, "{}", org.body);
            assert!(org.body.contains("Lakeside Therapy") && org.body.contains("America/Chicago"));
            let settings = call(&app, "get_portal_settings", "", Some(&cookie)).await;
            assert_eq!(settings.status, StatusCode::OK, "{}", settings.body);
            // The link worked once.
            let reply = call(&app, "accept_link", &form, None).await;
            assert_eq!(reply.status, StatusCode::CONFLICT);
        }),
    )
    .await;
}

#[test]
fn the_command_prints_the_administrators_link() {
    let dir = std::env::temp_dir().join(format!("cp-org-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "org",
            "create",
            "--name",
            "Lakeside Therapy",
            "--time-zone",
            "America/Chicago",
            "--admin-email",
            "owner@lakeside.example",
        ])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("org.sqlite").display()),
        )
        .env("SECRETS_KEY_FILE", dir.join("secrets.key"))
        .env("PUBLIC_URL", "https://portal.lakeside.example")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("https://portal.lakeside.example/welcome?token="),
        "{stdout}"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "org",
            "create",
            "--name",
            "X",
            "--time-zone",
            "Nowhere/Else",
            "--admin-email",
            "a@b.example",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("IANA"));
}
