//! Client Portal Settings: organization switches, card processing, Manage Clients, effective
//! settings and the audit log.

use leptos::prelude::*;

use crate::domain::audit::{AuditFilter, AuditPage};
use crate::domain::paging::PageAt;
use crate::domain::portal_settings::{PortalClientPage, PortalSettings, SettingChanged};
use crate::domain::settings::EffectiveSettings;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::{audit_log, settings},
};

/// The organization's settings and card-processing status (administrators).
#[server(endpoint = "get_portal_settings")]
pub async fn get_portal_settings() -> Result<PortalSettings, AppError> {
    run(|ctx| async move { settings::get(&ctx).await }).await
}

/// Turns one setting on or off for the organization, or (with `client_id`) for one client (administrators).
#[server(endpoint = "change_setting")]
pub async fn change_setting(
    client_id: Option<i32>,
    setting: String,
    on: bool,
) -> Result<SettingChanged, AppError> {
    run(|ctx| async move { settings::change(&ctx, client_id, &setting, on).await }).await
}

/// Enables credit-card processing with a processor, or disables it with an empty one (administrators).
#[server(endpoint = "set_card_processing")]
pub async fn set_card_processing(processor: String) -> Result<PortalSettings, AppError> {
    run(|ctx| async move { settings::set_card_processing(&ctx, &processor).await }).await
}

/// Manage Clients: the clients who use the portal, with their turn-offs (administrators).
#[server(endpoint = "list_portal_clients")]
pub async fn list_portal_clients(
    query: String,
    #[server(default)] at: PageAt,
) -> Result<PortalClientPage, AppError> {
    run(|ctx| async move { settings::portal_clients(&ctx, &query, at).await }).await
}

/// The effective settings of one client (the client, their contacts, or staff who may see them).
#[server(endpoint = "get_effective_settings")]
pub async fn get_effective_settings(client_id: i32) -> Result<EffectiveSettings, AppError> {
    run(|ctx| async move { ctx.effective_for(client_id).await }).await
}

/// The audit log, newest first, narrowed by `filter` (administrators).
#[server(endpoint = "list_audit_log")]
pub async fn list_audit_log(
    #[server(default)] filter: AuditFilter,
    #[server(default)] at: PageAt,
) -> Result<AuditPage, AppError> {
    run(|ctx| async move { audit_log::audit_log(&ctx, filter, at).await }).await
}
