//! The organization overview (administrators).

use leptos::prelude::*;

use crate::domain::viewer::OrganizationOverview;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{context::run, services::organization};

/// The caller's organization: locations and staff.
#[server(endpoint = "get_organization")]
pub async fn get_organization() -> Result<OrganizationOverview, AppError> {
    run(|ctx| async move { organization::overview(&ctx).await }).await
}
