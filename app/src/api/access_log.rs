//! The client's own access log in the portal (a login that acts for the client).

use leptos::prelude::*;

use crate::domain::access_log::AccessLog;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::access_log};

/// Who has seen or changed the client's record, and the portal sign-ins for the client.
#[server(endpoint = "get_access_log")]
pub async fn get_access_log(client_id: i32) -> Result<AccessLog, AppError> {
    run(|ctx| async move { access_log::view(&ctx, client_id, chrono::Utc::now()).await }).await
}
