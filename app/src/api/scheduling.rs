//! Self-scheduling in the portal: open slots and slot requests.

use leptos::prelude::*;

use crate::domain::schedule::OpenSlot;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{context::run, services::scheduling};

/// The open slots of the client's care team over the next weeks.
#[server(endpoint = "list_open_slots")]
pub async fn list_open_slots(client_id: i32) -> Result<Vec<OpenSlot>, AppError> {
    run(|ctx| async move { scheduling::open_slots_for(&ctx, client_id, chrono::Utc::now()).await })
        .await
}

/// Requests a slot (`start` in RFC 3339) with an optional note; returns the request's id.
#[server(endpoint = "request_slot")]
pub async fn request_slot(
    client_id: i32,
    staff_id: i32,
    start: String,
    note: String,
) -> Result<i32, AppError> {
    run(|ctx| async move {
        scheduling::request(&ctx, client_id, staff_id, &start, &note, chrono::Utc::now()).await
    })
    .await
}
