//! The portal's own server functions, for portal logins.

use leptos::prelude::*;

use crate::domain::access::PortalClientHome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::portal};

/// A client's portal home: what the signed-in login may do for them.
#[server(endpoint = "get_portal_client")]
pub async fn get_portal_client(client_id: i32) -> Result<PortalClientHome, AppError> {
    run(|ctx| async move { portal::home(&ctx, client_id, chrono::Utc::now()).await }).await
}
