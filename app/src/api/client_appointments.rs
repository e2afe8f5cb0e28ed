//! A client's appointments on the client's page (staff): the list, a change (reschedule and
//! edit), a cancellation with its reason; and acknowledging a last-minute cancellation.

use leptos::prelude::*;

use crate::domain::client_appointments::{CancelInput, ClientAppointments};
use crate::domain::schedule::AppointmentInput;
use crate::domain::series::SeriesScope;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    api::waitlist::offer_freed_time,
    server::{access::context::run, services::client_appointments},
};

/// The client's upcoming and past appointments (staff who see the client).
#[server(endpoint = "list_client_appointments")]
pub async fn list_client_appointments(client_id: i32) -> Result<ClientAppointments, AppError> {
    run(|ctx| async move { client_appointments::list(&ctx, client_id, chrono::Utc::now()).await })
        .await
}

/// Reschedules and edits an appointment (its therapist or an administrator); `scope` takes in
/// the rest of its series.
#[server(endpoint = "change_appointment")]
pub async fn change_appointment(
    client_id: i32,
    booking_id: i32,
    input: AppointmentInput,
    scope: Option<SeriesScope>,
) -> Result<(), AppError> {
    run(|ctx| async move {
        let now = chrono::Utc::now();
        let scope = scope.unwrap_or_default();
        client_appointments::change(&ctx, client_id, booking_id, &input, scope, now).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// Cancels an appointment with a reason (its therapist or an administrator); `scope` takes in
/// the rest of its series.
#[server(endpoint = "staff_cancel_appointment")]
pub async fn staff_cancel_appointment(
    client_id: i32,
    booking_id: i32,
    input: CancelInput,
    scope: Option<SeriesScope>,
) -> Result<(), AppError> {
    run(|ctx| async move {
        let now = chrono::Utc::now();
        let scope = scope.unwrap_or_default();
        client_appointments::cancel(&ctx, client_id, booking_id, &input, scope, now).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// Takes a last-minute cancellation off the calendar icon's count.
#[server(endpoint = "acknowledge_cancellation")]
pub async fn acknowledge_cancellation(booking_id: i32) -> Result<(), AppError> {
    run(|ctx| async move {
        client_appointments::acknowledge(&ctx, booking_id, chrono::Utc::now()).await
    })
    .await
}
