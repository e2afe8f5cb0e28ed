//! Organization → Staff (administrators): the roster, invitations, edits, deactivation.

use leptos::prelude::*;

use crate::domain::staff::{Deactivated, StaffEdit, StaffInvite, StaffRoster};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::staff::{self, deactivation},
};

/// The organization's staff with their status.
#[server(endpoint = "list_staff")]
pub async fn list_staff() -> Result<StaffRoster, AppError> {
    run(|ctx| async move { staff::roster(&ctx).await }).await
}

/// Adds a staff member and emails their invitation; returns their id.
#[server(endpoint = "invite_staff")]
pub async fn invite_staff(input: StaffInvite) -> Result<i32, AppError> {
    run(|ctx| async move { staff::invite(&ctx, &input).await }).await
}

/// Sends a staff member who has not joined a new invitation link.
#[server(endpoint = "resend_staff_invitation")]
pub async fn resend_staff_invitation(staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { staff::resend_invitation(&ctx, staff_id).await }).await
}

/// Revokes a staff member's open invitation.
#[server(endpoint = "revoke_staff_invitation")]
pub async fn revoke_staff_invitation(staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { staff::revoke_invitation(&ctx, staff_id).await }).await
}

/// Changes a staff member's name, credentials and roles.
#[server(endpoint = "update_staff")]
pub async fn update_staff(staff_id: i32, input: StaffEdit) -> Result<(), AppError> {
    run(|ctx| async move { staff::update(&ctx, staff_id, &input).await }).await
}

/// Deactivates a staff member; `open_requests` is `decline` or the id of the therapist who
/// takes their open requests over.
#[server(endpoint = "deactivate_staff")]
pub async fn deactivate_staff(
    staff_id: i32,
    open_requests: String,
) -> Result<Deactivated, AppError> {
    run(|ctx| async move {
        let choice = crate::domain::staff::OpenRequests::parse(&open_requests)?;
        deactivation::deactivate(&ctx, staff_id, choice).await
    })
    .await
}

/// Gives a deactivated staff member their sign-in back.
#[server(endpoint = "reactivate_staff")]
pub async fn reactivate_staff(staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { deactivation::reactivate(&ctx, staff_id).await }).await
}
