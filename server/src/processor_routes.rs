//! The processors' own HTTP endpoints: the sandbox's tokenize endpoint, the only place a card
//! number is ever sent to (the sandbox stands in for a processor's card entry), and Stripe's
//! webhook endpoint for each organization.

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::json;

use app::domain::payments::CardInput;
use app::error::AppError;
use app::server::access::context::Ctx;
use app::server::processors::sandbox::{self, TokenizeError};
use app::server::services::webhooks::{self, Handled};
use app::server::AppState;

/// The largest card request the sandbox reads.
const MAX_CARD_REQUEST: usize = 4 * 1024;

/// `POST /sandbox/v1/tokens` with a JSON [`CardInput`], for a signed-in person (the pay page's
/// own session): `200 {id, brand, last4}`, `400 {error: {message, fields}}`, `401` without a
/// session, or `429` after [`sandbox::MAX_TOKENS_PER_HOUR`] cards in an hour. The body is never
/// logged and never echoed back.
pub async fn sandbox_tokens(State(state): State<AppState>, req: Request) -> Response {
    // Outside demo mode (and `SANDBOX_PAYMENTS=1`) the sandbox does not exist: a real card
    // number must never reach this server.
    if !state.deployment.sandbox() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (parts, body) = req.into_parts();
    let actor = match Ctx::from_parts(state.clone(), Some(&parts)).await {
        Ok(Ctx {
            actor: Some(actor), ..
        }) => actor,
        Ok(_) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "Please sign in to pay.",
                json!({}),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox tokenize: the session");
            return unavailable();
        }
    };
    let Ok(body) = axum::body::to_bytes(body, MAX_CARD_REQUEST).await else {
        return error(
            StatusCode::BAD_REQUEST,
            "The card details could not be read.",
            json!({}),
        );
    };
    let Ok(card) = serde_json::from_slice::<CardInput>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The card details could not be read.",
            json!({}),
        );
    };
    match sandbox::tokenize(&state.db, &card, &actor.label().to_string(), Utc::now()).await {
        Ok(token) => Json(token).into_response(),
        Err(TokenizeError::Card(fields)) => {
            let by_field: serde_json::Map<String, serde_json::Value> = fields
                .0
                .iter()
                .map(|(f, m)| (f.clone(), json!(m)))
                .collect();
            error(
                StatusCode::BAD_REQUEST,
                "Check the card details.",
                serde_json::Value::Object(by_field),
            )
        }
        Err(TokenizeError::TooMany) => error(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many cards were tried in the last hour. Try again later.",
            json!({}),
        ),
        Err(TokenizeError::Db(e)) => {
            tracing::error!(error = %e, "sandbox tokenize");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "The sandbox processor is unavailable. Try again.",
        json!({}),
    )
}

fn error(status: StatusCode, message: &str, fields: serde_json::Value) -> Response {
    (
        status,
        Json(json!({ "error": { "message": message, "fields": fields } })),
    )
        .into_response()
}

/// `POST /webhooks/stripe/{organization}`: a Stripe event, checked against the organization's
/// webhook secret. 200 once handled (also for a replay), 400 for a bad signature or a stale
/// timestamp, 404 for an organization without Stripe keys.
pub async fn stripe_webhook(
    State(state): State<AppState>,
    Path(organization_id): Path<i32>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match webhooks::stripe(&state, organization_id, &body, signature, Utc::now()).await {
        Ok(Handled::Applied) => (StatusCode::OK, "handled").into_response(),
        Ok(Handled::Duplicate) => (StatusCode::OK, "already handled").into_response(),
        Err(e @ AppError::Invalid(_)) => {
            tracing::warn!(organization_id, "stripe webhook refused: {e}");
            (StatusCode::BAD_REQUEST, e.to_string()).into_response()
        }
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    }
}
