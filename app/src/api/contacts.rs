//! The Client Contact Network and portal invitations, for staff who can see the client.

use leptos::prelude::*;

use crate::domain::access::AccessInput;
use crate::domain::account::PortalStatus;
use crate::domain::contact::ContactInput;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::contacts};

/// Adds a new contact to a client.
#[server(endpoint = "add_contact")]
pub async fn add_contact(client_id: i32, input: ContactInput) -> Result<i32, AppError> {
    run(|ctx| async move { contacts::add(&ctx, client_id, &input).await }).await
}

/// Links an existing contact of the organization to a client.
#[server(endpoint = "link_contact")]
pub async fn link_contact(client_id: i32, contact_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { contacts::link(&ctx, client_id, contact_id).await }).await
}

/// Grants, changes or withdraws a contact's portal access to a client.
#[server(endpoint = "set_contact_access")]
pub async fn set_contact_access(
    client_id: i32,
    contact_id: i32,
    access: AccessInput,
) -> Result<(), AppError> {
    run(|ctx| async move { contacts::set_access(&ctx, client_id, contact_id, &access).await }).await
}

/// Invites a client to the portal, or sends a fresh invitation.
#[server(endpoint = "invite_client")]
pub async fn invite_client(client_id: i32) -> Result<PortalStatus, AppError> {
    run(|ctx| async move { contacts::invite_client(&ctx, client_id).await }).await
}

/// Invites one of a client's contacts to the portal, or sends a fresh invitation.
#[server(endpoint = "invite_contact")]
pub async fn invite_contact(client_id: i32, contact_id: i32) -> Result<PortalStatus, AppError> {
    run(|ctx| async move { contacts::invite_contact(&ctx, client_id, contact_id).await }).await
}

/// Revokes the pending invitation of a client, or of one of their contacts.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(client_id: i32, contact_id: Option<i32>) -> Result<(), AppError> {
    run(|ctx| async move { contacts::revoke_invitation(&ctx, client_id, contact_id).await }).await
}
