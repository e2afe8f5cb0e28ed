//! Appointment reminders: the practice's hours ahead (administrators) and a portal login's own
//! choice to receive them.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::reminders};

/// Sets how many hours before an appointment the family is reminded (0: no reminders); answers
/// the hours saved.
#[server(endpoint = "set_reminder_hours")]
pub async fn set_reminder_hours(hours: String) -> Result<u32, AppError> {
    run(|ctx| async move { reminders::set_hours(&ctx, &hours).await }).await
}

/// Turns appointment reminders on or off for the signed-in portal login.
#[server(endpoint = "set_my_reminders")]
pub async fn set_my_reminders(on: bool) -> Result<(), AppError> {
    run(|ctx| async move { reminders::set_mine(&ctx, on).await }).await
}
