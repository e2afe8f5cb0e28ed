//! What travels to the browser: compressed pages, precompressed bundle files, and cache headers
//! that keep a client's data out of every cache while the hashed bundle is kept for a year.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::config::LeptosOptions;

use common::{call, each_database, send, sign_in, Reply};

async fn get(app: &axum::Router, path: &str, cookie: Option<&str>, encoding: &str) -> Reply {
    let mut req = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_ENCODING, encoding);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

fn header_of(reply: &Reply, name: header::HeaderName) -> &str {
    reply
        .headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_are_compressed_and_never_stored() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cookie = sign_in(&app, "admin@brightpath.example").await;
            for (path, cookie) in [("/admin", Some(cookie.as_str())), ("/sign-in", None)] {
                let reply = get(&app, path, cookie, "gzip, deflate, br").await;
                assert_eq!(reply.status, StatusCode::OK, "{path}");
                assert_eq!(header_of(&reply, header::CONTENT_ENCODING), "br", "{path}");
                assert_eq!(
                    header_of(&reply, header::CACHE_CONTROL),
                    "no-store",
                    "{path}"
                );
                assert!(header_of(&reply, header::VARY).contains("accept-encoding"));
                let gzip = get(&app, path, cookie, "gzip").await;
                assert_eq!(header_of(&gzip, header::CONTENT_ENCODING), "gzip", "{path}");
                let plain = get(&app, path, cookie, "identity").await;
                assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "", "{path}");
                assert!(plain.body.contains("<!DOCTYPE html>"), "{path}");
            }
            // A server function's JSON answer is not stored either.
            let reply = common::call(&app, "current_viewer", "", Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(header_of(&reply, header::CACHE_CONTROL), "no-store");
        }),
    )
    .await;
}

#[tokio::test]
async fn the_portal_home_loads_the_islands_bundle_and_a_staff_page_the_main_one() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            let home = format!("/portal/clients/{jordan}");
            let reply = get(&app, &home, Some(&cookie), "identity").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let html = &reply.body;
            // The islands bundle and its script, under this response's nonce; no main bundle.
            let islands = modules(html);
            assert_eq!(islands.len(), 2, "{html}");
            assert!(islands.iter().all(|m| m.starts_with(ISLANDS)), "{html}");
            let nonce = html
                .split("<script type=\"module\" nonce=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("the islands script's nonce");
            let policy = header_of(&reply, header::CONTENT_SECURITY_POLICY);
            assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy}");
            // The page's two interactive parts are islands, with their props.
            assert!(
                html.contains("<leptos-island data-component=\"IdleIsland_"),
                "{html}"
            );
            assert!(
                html.contains("<leptos-island data-component=\"UnreadIsland_"),
                "{html}"
            );
            assert!(html.contains("data-props="), "{html}");
            // A staff page hydrates whole, with the main bundle and no island.
            let staff = sign_in(&app, "therapist@brightpath.example").await;
            let client_page = get(
                &app,
                &format!("/admin/clients/{jordan}"),
                Some(&staff),
                "identity",
            )
            .await;
            assert_eq!(client_page.status, StatusCode::OK, "{}", client_page.body);
            let main = modules(&client_page.body);
            assert!(!main.is_empty(), "{}", client_page.body);
            assert!(
                main.iter().all(|m| m.starts_with("/pkg/client_portal")),
                "{main:?}"
            );
            assert!(
                !client_page.body.contains("/pkg/islands"),
                "{}",
                client_page.body
            );
            assert!(
                !client_page.body.contains("<leptos-island"),
                "{}",
                client_page.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn a_clients_pages_of_links_are_islands_pages_too() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let jordan = common::client_id(&t.db, "Jordan").await;
            // The forms list, Appointments and the access log; the Payments tab too, even while it says "Not
            // available" (payments are off in the demo), and a receipt, even one that is not there.
            for (page, status) in [
                ("forms", StatusCode::OK),
                ("appointments", StatusCode::OK),
                ("access-log", StatusCode::OK),
                ("payments", StatusCode::FORBIDDEN),
                ("receipts/999999", StatusCode::FORBIDDEN),
            ] {
                let path = format!("/portal/clients/{jordan}/{page}");
                let reply = get(&app, &path, Some(&cookie), "identity").await;
                assert_eq!(reply.status, status, "{path}: {}", reply.body);
                let bundle = modules(&reply.body);
                assert_eq!(bundle.len(), 2, "{path}: {}", reply.body);
                assert!(
                    bundle.iter().all(|m| m.starts_with(ISLANDS)),
                    "{path}: {bundle:?}"
                );
                // No main bundle and no lazily loaded view's chunk is named (the stylesheet is).
                let code: Vec<&str> = pkg_files(&reply.body)
                    .into_iter()
                    .filter(|f| f.ends_with(".js") || f.ends_with(".wasm"))
                    .collect();
                assert!(
                    code.iter()
                        .all(|f| f.starts_with(&ISLANDS["/pkg/".len()..])),
                    "{path}: {code:?}"
                );
                // The shell's idle dialog is an island on every one of them.
                assert!(
                    reply
                        .body
                        .contains("<leptos-island data-component=\"IdleIsland_"),
                    "{path}: {}",
                    reply.body
                );
                // Appointments: the tab is one island, rendered with its request form, which
                // posts without JavaScript too.
                if page == "appointments" {
                    assert!(
                        reply
                            .body
                            .contains("<leptos-island data-component=\"AppointmentsIsland_"),
                        "{}",
                        reply.body
                    );
                    assert!(
                        reply.body.contains("action=\"/api/request_slot\""),
                        "{}",
                        reply.body
                    );
                }
            }
        }),
    )
    .await;
}

#[tokio::test]
async fn the_sign_in_page_is_an_islands_page_and_its_form_posts_without_javascript() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let reply = get(&app, "/sign-in", None, "identity").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let bundle = modules(&reply.body);
            assert_eq!(bundle.len(), 2, "{}", reply.body);
            assert!(bundle.iter().all(|m| m.starts_with(ISLANDS)), "{bundle:?}");
            assert!(
                reply
                    .body
                    .contains("<leptos-island data-component=\"SignInIsland_"),
                "{}",
                reply.body
            );
            // The form inside the island is a real form, for a browser that runs no script yet.
            assert!(
                reply.body.contains("action=\"/api/sign_in\"")
                    && reply.body.contains("method=\"post\""),
                "{}",
                reply.body
            );
            // The second step (here without a first one) still hydrates whole.
            let step = get(&app, "/sign-in/two-step", None, "identity").await;
            let main = modules(&step.body);
            assert!(
                !main.is_empty() && main.iter().all(|m| m.starts_with("/pkg/client_portal")),
                "{}",
                step.body
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_pages_behind_sign_ins_links_are_islands_pages_whose_forms_post_without_javascript() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            // Each page, its island, and where its form posts (a link that does not work shows
            // no form, and says so).
            for (path, island, action) in [
                (
                    "/forgot-password",
                    Some("ForgotPasswordIsland_"),
                    Some("/api/request_password_reset"),
                ),
                (
                    "/unlock?token=nothing",
                    Some("UnlockIsland_"),
                    Some("/api/unlock_device"),
                ),
                ("/welcome?token=nothing", None, None),
                ("/reset-password?token=nothing", None, None),
            ] {
                let reply = get(&app, path, None, "identity").await;
                assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
                let bundle = modules(&reply.body);
                assert_eq!(bundle.len(), 2, "{path}: {}", reply.body);
                assert!(
                    bundle.iter().all(|m| m.starts_with(ISLANDS)),
                    "{path}: {bundle:?}"
                );
                let body = &reply.body;
                match (island, action) {
                    (Some(island), Some(action)) => {
                        let tag = format!("<leptos-island data-component=\"{island}");
                        assert!(body.contains(&tag), "{path}: {body}");
                        let form = format!("action=\"{action}\"");
                        assert!(body.contains(&form), "{path}: {body}");
                    }
                    _ => {
                        assert!(body.contains("This link does not work"), "{path}: {body}");
                        assert!(!body.contains("<leptos-island data-component=\"PasswordIsland_"));
                    }
                }
            }
        }),
    )
    .await;
}

#[tokio::test]
async fn the_portal_account_is_an_islands_page_whose_forms_post_without_javascript() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            // Two sessions: the other device gets a "Sign out" form.
            sign_in(&app, "parent@brightpath.example").await;
            let cookie = sign_in(&app, "parent@brightpath.example").await;
            let reply = get(&app, "/portal/account", Some(&cookie), "identity").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let body = &reply.body;
            let bundle = modules(body);
            assert_eq!(bundle.len(), 2, "{body}");
            assert!(bundle.iter().all(|m| m.starts_with(ISLANDS)), "{bundle:?}");
            assert!(
                body.contains("<leptos-island data-component=\"AccountIsland_"),
                "{body}"
            );
            for action in ["change_password", "end_session", "set_my_reminders"] {
                let form = format!("action=\"/api/{action}\"");
                assert!(body.contains(&form), "{action}: {body}");
            }
            assert!(body.contains("role=\"switch\""), "{body}");
            // Staff have no portal: their account (with two-step verification) hydrates whole.
            let staff = sign_in(&app, "therapist@brightpath.example").await;
            let theirs = get(&app, "/admin/account", Some(&staff), "identity").await;
            assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
            let main = modules(&theirs.body);
            assert!(
                !main.is_empty() && main.iter().all(|m| m.starts_with("/pkg/client_portal")),
                "{}",
                theirs.body
            );
            assert!(!theirs.body.contains("AccountIsland_"), "{}", theirs.body);
            let portal = get(&app, "/portal/account", Some(&staff), "identity").await;
            assert!(portal.status.is_redirection(), "{}", portal.status);
        }),
    )
    .await;
}

/// Where an islands page's modules are: the islands bundle's folder (`islands.<hash>` after
/// `make build`, `islands` here, where the tests' server has no `islands-hash.txt`).
const ISLANDS: &str = "/pkg/islands/";
/// Where a task page's modules are (`islands-tasks.<hash>` after `make build`).
const TASK_ISLANDS: &str = "/pkg/islands-tasks/";
/// Where Billing & Insurance Info's modules are (`islands-insurance.<hash>`).
const INSURANCE_ISLANDS: &str = "/pkg/islands-insurance/";

/// Billing & Insurance Info is an islands page of its own bundle, whose policies and form are
/// one island. The form posts without JavaScript, and Edit and Cancel are plain links that load
/// the page with and without `?edit=`.
#[tokio::test]
async fn billing_and_insurance_info_is_an_islands_page_with_plain_edit_links() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = common::client_id(&t.db, "Jordan").await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let args = format!("client_id={jordan}");
            let view = common::json(&call(&app, "get_insurance", &args, Some(&cookie)).await.body);
            let payer = &view["payers"][0]["id"];
            let saved = call(
                &app,
                "save_policy",
                &format!(
                    "client_id={jordan}&policy_id=0&input[payer]={payer}&input[member_id]=W123456789\
                     &input[group_number]=&input[subscriber_name]=Jordan%20Lee\
                     &input[subscriber_dob]=2000-05-01&input[relationship]=self&input[rank]=primary\
                     &input[effective_on]=2026-01-01&input[terminates_on]="
                ),
                Some(&cookie),
            )
            .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            let policy = common::json(&saved.body)["policies"][0]["id"].clone();
            let base = format!("/portal/clients/{jordan}/insurance");
            let body =
                &islands_page(&app, &base, &cookie, INSURANCE_ISLANDS, "InsuranceIsland").await;
            assert!(body.contains("action=\"/api/save_policy\""), "{body}");
            assert!(body.contains("W123456789"), "{body}");
            assert!(body.contains("Add a policy"), "{body}");
            let edit = format!("{base}?edit={policy}");
            assert!(body.contains(&format!("<a href=\"{edit}\">Edit")), "{body}");
            // The editor: the policy's form, with Cancel back to the list.
            let body =
                &islands_page(&app, &edit, &cookie, INSURANCE_ISLANDS, "InsuranceIsland").await;
            assert!(body.contains("Edit policy"), "{body}");
            assert!(!body.contains("Add a policy"), "{body}");
            assert!(
                body.contains(&format!("name=\"policy_id\" value=\"{policy}\"")),
                "{body}"
            );
            assert!(
                body.contains(&format!("<a href=\"{base}\" class=\"button secondary\">Cancel")),
                "{body}"
            );
        }),
    )
    .await;
}

/// A form to fill in is a task islands page whose form is one island; submitted, it reads back
/// with no form island, still with the task bundle.
#[tokio::test]
async fn a_form_to_fill_in_loads_the_task_bundle_and_its_read_back_has_no_form_island() {
    each_database(
        true,
        body!(|t| {
            use app::domain::intake::FormStatus;
            use app::server::store::entities::sent_form;
            use sea_orm::{ActiveModelTrait, EntityTrait, Set};
            let app = t.app();
            let jordan = common::client_id(&t.db, "Jordan").await;
            let form = sent_form::Entity::find().one(&t.db).await.unwrap().unwrap();
            let cookie = sign_in(&app, "parent@brightpath.example").await;
            let path = format!("/portal/clients/{jordan}/forms/{}", form.id);
            let body = &islands_page(&app, &path, &cookie, TASK_ISLANDS, "FillInIsland").await;
            assert!(body.contains("Sign and submit"), "{body}");
            // Submitted, the same address reads the answers back, with no form to fill in.
            let mut done: sent_form::ActiveModel = form.into();
            done.status = Set(FormStatus::Completed);
            done.answers = Set(Some("{}".into()));
            done.submitted_at = Set(Some(chrono::Utc::now()));
            done.update(&t.db).await.unwrap();
            let locked = get(&app, &path, Some(&cookie), "identity").await;
            assert_eq!(locked.status, StatusCode::OK, "{}", locked.body);
            assert!(
                locked.body.contains("This form is locked."),
                "{}",
                locked.body
            );
            assert!(!locked.body.contains("FillInIsland_"), "{}", locked.body);
            let bundle = modules(&locked.body);
            assert!(!bundle.is_empty(), "{}", locked.body);
            assert!(
                bundle.iter().all(|m| m.starts_with(TASK_ISLANDS)),
                "{bundle:?}"
            );
        }),
    )
    .await;
}

/// Paying an appointment is a task islands page whose card form is one island. Its inputs have
/// no `name`, so that nothing of a card is ever posted to this server.
#[tokio::test]
async fn card_entry_loads_the_task_bundle_and_its_inputs_post_nothing() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let (path, cookie) = card_entry(&t.db, &app).await;
            let body = &islands_page(&app, &path, &cookie, TASK_ISLANDS, "CardIsland").await;
            assert!(
                body.contains("<form novalidate class=\"stacked card-form\""),
                "{body}"
            );
            assert!(body.contains("Card number"), "{body}");
            let form = body.split("card-form").nth(1).unwrap_or_default();
            let form = form.split("</form>").next().unwrap_or_default();
            assert!(!form.contains(" name="), "{form}");
            // The Payments tab it comes from stays with the other islands bundle.
            let tab = path.rsplit_once('/').unwrap().0;
            let reply = get(&app, tab, Some(&cookie), "identity").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let bundle = modules(&reply.body);
            assert!(!bundle.is_empty(), "{}", reply.body);
            assert!(bundle.iter().all(|m| m.starts_with(ISLANDS)), "{bundle:?}");
        }),
    )
    .await;
}

/// A lazy island's files arrive with its page: the page's head preloads the island's own file
/// and the chunks it shares, as the bundle's split loader names them, and nothing of an island
/// the page does not show.
#[tokio::test]
async fn an_islands_page_preloads_the_files_of_its_lazy_islands() {
    each_database(
        true,
        body!(|t| {
            let root = std::env::temp_dir().join(format!("cp-site-{}", rand::random::<u64>()));
            let folder = root.join("pkg").join("islands");
            std::fs::create_dir_all(&folder).unwrap();
            let loader = "export const __wasm_split_load_account_island_loader_7 = wrapAsyncCb(makeLoad(() => {\n    \
                const src = fetch(new URL(\"./split_account_island_loader_7.wasm\", import.meta.url));\n}\n\
                , [__chunk_8, __chunk_9]));\n\
                export const __wasm_split_load_conversation_island_loader_5 = wrapAsyncCb(makeLoad(() => {\n    \
                const src = fetch(new URL(\"./split_conversation_island_loader_5.wasm\", import.meta.url));\n}\n\
                , [__chunk_9]));\n";
            std::fs::write(folder.join("__wasm_split.js"), loader).unwrap();
            let app = t.app_with(
                LeptosOptions::builder()
                    .output_name("client_portal")
                    .site_root(root.display().to_string())
                    .build(),
            );
            let cookie = sign_in(&app, "parent@brightpath.example").await;
            let reply = get(&app, "/portal/account", Some(&cookie), "identity").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let head = reply.body.split("</head>").next().unwrap();
            let preloads: Vec<&str> = head
                .split("<link ")
                .filter(|tag| tag.contains("rel=\"preload\"") && tag.contains("as=\"fetch\""))
                .filter_map(|tag| tag.split("href=\"").nth(1)?.split('"').next())
                .collect();
            for file in [
                "split_account_island_loader_7.wasm",
                "chunk_8.wasm",
                "chunk_9.wasm",
            ] {
                let href = format!("/pkg/islands/{file}");
                assert!(preloads.contains(&href.as_str()), "{href}: {head}");
            }
            assert!(!head.contains("split_conversation_island"), "{head}");
            let _ = std::fs::remove_dir_all(&root);
        }),
    )
    .await;
}

/// With card processing on, the address of Jordan's first payment page and a client's cookie.
async fn card_entry(db: &sea_orm::DatabaseConnection, app: &axum::Router) -> (String, String) {
    let jordan = common::client_id(db, "Jordan").await;
    common::enable_payments(db, jordan).await;
    let booking = common::owed_bookings(db, jordan).await[0];
    let cookie = sign_in(app, "client@brightpath.example").await;
    (
        format!("/portal/clients/{jordan}/payments/{booking}"),
        cookie,
    )
}

/// Loads `path` and checks that it is an islands page of the bundle in `folder` showing
/// `island`: answered 200, with that bundle's two modules and no other. Gives its HTML.
async fn islands_page(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    folder: &str,
    island: &str,
) -> String {
    let reply = get(app, path, Some(cookie), "identity").await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    let bundle = modules(&reply.body);
    assert_eq!(bundle.len(), 2, "{path}: {}", reply.body);
    assert!(
        bundle.iter().all(|m| m.starts_with(folder)),
        "{path}: {bundle:?}"
    );
    let tag = format!("<leptos-island data-component=\"{island}_");
    assert!(reply.body.contains(&tag), "{path}: {}", reply.body);
    reply.body
}

/// The JS modules a page preloads.
fn modules(html: &str) -> Vec<&str> {
    html.split("rel=\"modulepreload\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The files under `/pkg/` that a page names (scripts, preloads, the stylesheet).
fn pkg_files(html: &str) -> Vec<&str> {
    html.split("\"/pkg/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// A site root holding one bundle file and its precompressed copies, as
/// `cargo leptos build --release --precompress` writes them.
fn site_with_bundle() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("cp-site-{}", rand::random::<u64>()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("client_portal.abc123.wasm"), b"\0asm-raw-bytes").unwrap();
    std::fs::write(pkg.join("client_portal.abc123.wasm.br"), b"brotli-bytes").unwrap();
    std::fs::write(pkg.join("client_portal.abc123.wasm.gz"), b"gzip-bytes").unwrap();
    root
}

#[tokio::test]
async fn the_hashed_bundle_is_served_precompressed_and_cached_for_a_year() {
    each_database(
        false,
        body!(|t| {
            let root = site_with_bundle();
            let options = |hashed: bool| {
                LeptosOptions::builder()
                    .output_name("client_portal")
                    .site_root(root.display().to_string())
                    .hash_files(hashed)
                    .build()
            };
            let app = t.app_with(options(true));
            let wasm = "/pkg/client_portal.abc123.wasm";
            let reply = get(&app, wasm, None, "gzip, br").await;
            assert_eq!(reply.status, StatusCode::OK);
            assert_eq!(header_of(&reply, header::CONTENT_ENCODING), "br");
            assert_eq!(reply.body, "brotli-bytes");
            assert_eq!(header_of(&reply, header::CONTENT_TYPE), "application/wasm");
            assert_eq!(
                header_of(&reply, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            let reply = get(&app, wasm, None, "gzip").await;
            assert_eq!(header_of(&reply, header::CONTENT_ENCODING), "gzip");
            assert_eq!(reply.body, "gzip-bytes");
            // A missing file is an error page: never cached.
            let missing = get(&app, "/pkg/client_portal.old999.wasm", None, "br").await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
            assert_eq!(header_of(&missing, header::CACHE_CONTROL), "no-store");
            // Without hashed names (a debug build), the browser revalidates every time.
            let unhashed = t.app_with(options(false));
            let reply = get(&unhashed, wasm, None, "br").await;
            assert_eq!(header_of(&reply, header::CACHE_CONTROL), "no-cache");
            let _ = std::fs::remove_dir_all(&root);
        }),
    )
    .await;
}

/// The card entry page arrives whole from a multi-threaded server. The browser's mounted card is
/// a value tied to one thread; on the server it once was too, and when the streamed render ended
/// on another worker its drop panicked and the page was cut off mid-response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_entry_page_arrives_whole_from_a_multi_threaded_server() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let (path, cookie) = card_entry(&t.db, &app).await;
            for _ in 0..20 {
                let reply = get(&app, &path, Some(&cookie), "identity").await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                // The whole stream: the document, then the script of its resources.
                let body = reply.body.trim_end();
                assert!(
                    body.contains("</html>") && body.ends_with("</script>"),
                    "{body}"
                );
            }
        }),
    )
    .await;
}
