//! The organization overview with the practice's profile, and the outbox (administrators).

use leptos::prelude::*;

use crate::domain::organization::{OrganizationOverview, OutboxPage, ProfileInput, ProfileSaved};
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

/// Saves the practice's name, time zone and contact details; a new time zone answers with what
/// it changes until it is confirmed.
#[server(endpoint = "update_organization_profile")]
pub async fn update_organization_profile(input: ProfileInput) -> Result<ProfileSaved, AppError> {
    run(|ctx| async move { organization::update_profile(&ctx, &input).await }).await
}

/// One page of the organization's outbox, newest first.
#[server(endpoint = "list_outbox")]
pub async fn list_outbox(#[server(default)] at: PageAt) -> Result<OutboxPage, AppError> {
    run(|ctx| async move { outbox::list(&ctx, at).await }).await
}
