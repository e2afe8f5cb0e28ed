//! The organization overview and the outbox (administrators).

use leptos::prelude::*;

use crate::domain::organization::OrganizationOverview;
use crate::domain::organization::OutboxPage;
use crate::domain::paging::PageAt;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::{organization, outbox},
};

/// The caller's organization: locations and staff.
#[server(endpoint = "get_organization")]
pub async fn get_organization() -> Result<OrganizationOverview, AppError> {
    run(|ctx| async move { organization::overview(&ctx).await }).await
}

/// One page of the organization's outbox, newest first.
#[server(endpoint = "list_outbox")]
pub async fn list_outbox(#[server(default)] at: PageAt) -> Result<OutboxPage, AppError> {
    run(|ctx| async move { outbox::list(&ctx, at).await }).await
}
