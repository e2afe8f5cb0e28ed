//! iCalendar downloads outside the server functions: one appointment from the portal (with the
//! session cookie), and a staff member's private feed (by the secret in its URL).

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use app::error::AppError;
use app::server::access::context::Ctx;
use app::server::services::appointments;

use crate::router::ServerState;

fn ics(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A refusal answered with its status and message.
pub(crate) fn refused(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, err.to_string()).into_response()
}

/// `GET /portal/clients/{client}/appointments/{booking}/ics`.
pub async fn appointment(
    State(state): State<ServerState>,
    Path((client, booking)): Path<(i32, i32)>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let ctx = match Ctx::from_parts(state.app.clone(), Some(&parts)).await {
        Ok(ctx) => ctx,
        Err(e) => return refused(e),
    };
    match appointments::portal_ics(&ctx, client, booking).await {
        Ok(body) => ics(body, &format!("appointment-{booking}.ics")),
        Err(e) => refused(e),
    }
}

/// `GET /calendar/{secret}.ics`: 404 for an unknown or replaced secret.
pub async fn feed(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    match appointments::feed(&state.app.db, token, Utc::now()).await {
        Ok(Some(body)) => ics(body, "calendar.ics"),
        Ok(None) => refused(AppError::NotFound),
        Err(e) => refused(e),
    }
}
