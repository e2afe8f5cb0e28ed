//! Billing & Insurance Info: a client's policies (staff who see the client, and the portal while
//! the setting is effective), and Organization → Payers (administrators).

use leptos::prelude::*;

use crate::domain::insurance::{InsuranceView, PayerDirectory, PayerInput, PolicyInput};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::{insurance, payers},
};

/// The client's policies and the payers to choose from (staff or portal).
#[server(endpoint = "get_insurance")]
pub async fn get_insurance(client_id: i32) -> Result<InsuranceView, AppError> {
    run(|ctx| async move { insurance::view(&ctx, client_id).await }).await
}

/// Adds (`policy_id` 0) or updates a policy (staff or portal).
#[server(endpoint = "save_policy")]
pub async fn save_policy(
    client_id: i32,
    policy_id: i32,
    input: PolicyInput,
) -> Result<InsuranceView, AppError> {
    run(|ctx| async move {
        insurance::save_policy(&ctx, client_id, policy_id, &input, chrono::Utc::now()).await
    })
    .await
}

/// The payer directory and its review queue (administrators).
#[server(endpoint = "list_payers")]
pub async fn list_payers() -> Result<PayerDirectory, AppError> {
    run(|ctx| async move { payers::directory(&ctx).await }).await
}

/// Creates (`payer_id` 0) or corrects a payer (administrators).
#[server(endpoint = "save_payer")]
pub async fn save_payer(payer_id: i32, input: PayerInput) -> Result<PayerDirectory, AppError> {
    run(|ctx| async move { payers::save(&ctx, payer_id, &input).await }).await
}

/// Deactivates or reactivates a payer (administrators).
#[server(endpoint = "set_payer_active")]
pub async fn set_payer_active(payer_id: i32, active: bool) -> Result<PayerDirectory, AppError> {
    run(|ctx| async move { payers::set_active(&ctx, payer_id, active).await }).await
}

/// Approves a client-added payer (administrators).
#[server(endpoint = "approve_payer")]
pub async fn approve_payer(payer_id: i32) -> Result<PayerDirectory, AppError> {
    run(|ctx| async move { payers::approve(&ctx, payer_id).await }).await
}

/// Merges a payer into another, moving its policies (administrators).
#[server(endpoint = "merge_payer")]
pub async fn merge_payer(payer_id: i32, into: i32) -> Result<PayerDirectory, AppError> {
    run(|ctx| async move { payers::merge(&ctx, payer_id, into).await }).await
}
