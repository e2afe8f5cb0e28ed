//! The axum router: server functions (POST only), server-rendered pages, calendar files, the
//! audit log's CSV export, the sandbox's tokenize endpoint and Stripe's webhooks, static files,
//! and the cross-site request guard and security headers around them.

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;

use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};

use app::error::AppError;
use app::server::access::context::RequestCtx;
use app::server::AppState;

use crate::{audit_export, calendar_files, live_events, processor_routes};
use app::{shell, App};

/// The router's state: Leptos options for rendering plus the app's own state.
#[derive(Clone, Debug, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// Builds the whole application router.
pub fn router(state: ServerState) -> Router {
    // Generated once per process: generating a route list suppresses resource loading
    // process-wide, and a page rendered meanwhile would hang (leptos issue #4773). Tests build
    // many routers in one process, side by side with requests.
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let app_state = state.app.clone();
    let options = state.leptos_options.clone();
    let hashed_assets = state.leptos_options.hash_files;
    Router::new()
        .route("/api/{*fn_name}", post(server_fn_handler))
        .route(
            "/portal/clients/{client}/appointments/{booking}/ics",
            get(calendar_files::appointment),
        )
        .route("/calendar/{file}", get(calendar_files::feed))
        .route(
            "/admin/organization/audit-log.csv",
            get(audit_export::audit_csv),
        )
        .route("/events", get(live_events::events))
        .route("/sandbox/v1/tokens", post(processor_routes::sandbox_tokens))
        .route(
            "/webhooks/stripe/{organization}",
            post(processor_routes::stripe_webhook),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_request_context(&app_state),
            move || shell(options.clone()),
        )
        // The bundle, with its precompressed copies; a missing file is a plain 404.
        .nest_service(
            PKG_ROUTE,
            ServeDir::new(Path::new(&*state.leptos_options.site_root).join(PKG_DIR))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler::<ServerState, _>(shell))
        .layer(middleware::from_fn_with_state(hashed_assets, cache_headers))
        .layer(
            // HTML and JSON compressed on the fly, at a level that costs little per request;
            // the bundle is precompressed at build time and passes through untouched, and the
            // event stream is never compressed (tower-http's default predicate).
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(CompressionLevel::Precise(4)),
        )
        .layer(middleware::from_fn_with_state(
            state.app.sessions.secure_cookie,
            security_headers,
        ))
        .layer(middleware::from_fn(server_fn_body_limit))
        .layer(middleware::from_fn(same_site_only))
        .with_state(state)
}

async fn server_fn_handler(
    State(state): State<ServerState>,
    req: Request<Body>,
) -> impl IntoResponse {
    let app_state = state.app.clone();
    handle_server_fns_with_context(move || provide_request_context(&app_state), req).await
}

/// A server function's body is read whole before its call (Leptos registers each function's
/// own route too), at most [`MAX_SERVER_FN_BODY`]: 413 beyond, whether or not the request
/// announced its length.
async fn server_fn_body_limit(req: Request<Body>, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_SERVER_FN_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "This request is too large.").into_response();
    };
    if carries_nul(&bytes) || parts.uri.query().is_some_and(|q| carries_nul(q.as_bytes())) {
        let err = AppError::invalid("form", "Text cannot contain a null character.");
        let body = serde_json::to_string(&err).unwrap_or_default();
        return (StatusCode::BAD_REQUEST, body).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether a form or JSON body holds a NUL character, raw or escaped, which no person types and
/// PostgreSQL cannot store in text.
fn carries_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes.windows(3).any(|w| w == b"%00")
        || bytes.windows(6).any(|w| w == b"\\u0000")
}

/// What every page render and server function call finds in its Leptos context: the app's
/// state, and a request context that its first server function or resource resolves for all.
fn provide_request_context(app_state: &AppState) {
    provide_context(app_state.clone());
    provide_context(RequestCtx::default());
}

/// Refuses state-changing requests that come from another site (CSRF defence in depth,
/// beside the SameSite=Lax cookie): `Sec-Fetch-Site` must be same-origin (or absent/none),
/// and an `Origin` header must name this host.
async fn same_site_only(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_site(&req) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response()
    }
}

fn is_same_site(req: &Request<Body>) -> bool {
    let headers = req.headers();
    let fetch_site_ok = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None => true,
        Some(site) => site == "same-origin" || site == "none",
    };
    let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            !host.is_empty() && origin_host.trim_end_matches('/') == host
        }
    };
    fetch_site_ok && origin_ok
}

/// What browsers and proxies may keep. The bundle under `/pkg` has content-hashed names in a
/// release build, so it is cached for a year and never revalidated; without hashes (a debug
/// build) it is revalidated every time. Everything else is a page or a server function's answer,
/// possibly about a client, so nothing may store it: the back button after sign-out, or a shared
/// computer's cache, must not show anyone's data.
async fn cache_headers(State(hashed): State<bool>, req: Request<Body>, next: Next) -> Response {
    let asset = req.uri().path().starts_with(PKG_ROUTE);
    let mut res = next.run(req).await;
    let value = match (asset, res.status().is_success()) {
        (true, true) if hashed => ASSET_CACHE,
        (true, true) => "no-cache",
        _ => "no-store",
    };
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// The bundle's folder under the site root (`site-pkg-dir` in Cargo.toml), and its address.
const PKG_DIR: &str = "pkg";
const PKG_ROUTE: &str = "/pkg";

/// Powerful browser features no page of the app uses, turned off (payment only for the app
/// itself and Stripe's card field).
/// Only features Chromium knows are named: an unknown one is a console error on every page.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), usb=(), payment=(self \"https://js.stripe.com\")";

/// The largest server-function request read (a form template or a form's answers are far
/// smaller); beyond it, 413 before anything is parsed.
pub const MAX_SERVER_FN_BODY: usize = 1024 * 1024;

/// The cache policy of a content-hashed asset.
pub const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

/// Browser protections on every answer. Served over https (`https`: the cookie is `Secure`),
/// browsers are also told to use nothing else for a year (HSTS).
async fn security_headers(State(https): State<bool>, req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    // A page has set its own, with its nonce; everything else gets the policy without one.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(app::server::csp::BASE),
        );
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}
