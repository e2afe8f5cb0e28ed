//! Client list, client page and client management for staff.

use leptos::prelude::*;

use crate::domain::client::{ClientDetail, ClientInput, ClientPage};
use crate::domain::paging::PageAt;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::clients};

/// One page of the clients the caller may see, filtered by name.
#[server(endpoint = "list_clients")]
pub async fn list_clients(
    query: String,
    #[server(default)] at: PageAt,
) -> Result<ClientPage, AppError> {
    run(|ctx| async move { clients::list(&ctx, &query, at).await }).await
}

/// A client's page.
#[server(endpoint = "get_client")]
pub async fn get_client(id: i32) -> Result<ClientDetail, AppError> {
    run(|ctx| async move { clients::detail(&ctx, id).await }).await
}

/// Creates a client and opens their page (administrators).
#[server(endpoint = "create_client")]
pub async fn create_client(input: ClientInput) -> Result<i32, AppError> {
    run(|ctx| async move {
        let id = clients::create(&ctx, &input).await?;
        leptos_axum::redirect(&format!("/admin/clients/{id}"));
        Ok(id)
    })
    .await
}

/// Saves a client's details (administrators).
#[server(endpoint = "update_client")]
pub async fn update_client(id: i32, input: ClientInput) -> Result<(), AppError> {
    run(|ctx| async move { clients::update(&ctx, id, &input).await }).await
}

/// Assigns a staff member to a client (administrators).
#[server(endpoint = "assign_staff")]
pub async fn assign_staff(client_id: i32, staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { clients::assign(&ctx, client_id, staff_id).await }).await
}

/// Removes a staff member from a client (administrators).
#[server(endpoint = "unassign_staff")]
pub async fn unassign_staff(client_id: i32, staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { clients::unassign(&ctx, client_id, staff_id).await }).await
}
