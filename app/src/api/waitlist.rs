//! The waitlist: the portal's list and joining or leaving it; the staff's list of a therapist's
//! waiting clients; and the offers of freed time, sent right after a change frees some (the
//! minute's pass catches up on any missed).

use leptos::prelude::*;

use crate::domain::waitlist::{PortalWaitlist, StaffWaitlistEntry, WaitlistInput};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::{run, Ctx},
    services::waitlist,
};

/// The client's waitlist entries, and whom this login may wait for.
#[server(endpoint = "get_portal_waitlist")]
pub async fn get_portal_waitlist(client_id: i32) -> Result<PortalWaitlist, AppError> {
    run(|ctx| async move { waitlist::portal_view(&ctx, client_id).await }).await
}

/// Puts the client on a therapist's waitlist (self-scheduling effective, scheduling scope).
#[server(endpoint = "join_waitlist")]
pub async fn join_waitlist(client_id: i32, input: WaitlistInput) -> Result<i32, AppError> {
    run(|ctx| async move { waitlist::join(&ctx, client_id, &input, chrono::Utc::now()).await })
        .await
}

/// Takes the client off one of their waitlists.
#[server(endpoint = "leave_waitlist")]
pub async fn leave_waitlist(client_id: i32, entry_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { waitlist::leave(&ctx, client_id, entry_id, chrono::Utc::now()).await })
        .await
}

/// A therapist's waiting clients (`staff`: an id, blank for oneself, `all` for administrators).
#[server(endpoint = "list_waitlist")]
pub async fn list_waitlist(
    #[server(default)] staff: String,
) -> Result<Vec<StaffWaitlistEntry>, AppError> {
    run(|ctx| async move { waitlist::staff_list(&ctx, &staff).await }).await
}

/// Staff take a client off a waitlist.
#[server(endpoint = "remove_from_waitlist")]
pub async fn remove_from_waitlist(entry_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { waitlist::remove(&ctx, entry_id, chrono::Utc::now()).await }).await
}

/// After a change that may have freed time: offers it to the waitlist now. A failure is logged,
/// never the change's answer (the minute's pass offers it again).
#[cfg(feature = "ssr")]
pub async fn offer_freed_time(ctx: &Ctx) {
    let state = &ctx.state;
    if let Err(e) = waitlist::offer_freed(&state.db, &state.mailer, chrono::Utc::now()).await {
        tracing::warn!(error = %e, "freed time not offered to the waitlist yet");
    }
}
