//! Two-step sign-in for staff: the second step of a sign-in, enrolment from the Account page,
//! turning it off, an administrator's reset, and the practice's requirement switch.

use leptos::prelude::*;

use crate::domain::two_step::{Enrolment, SecondStep, TwoStepDone};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::two_step};

/// What the browser's waiting sign-in asks for (anyone: it is read from the challenge cookie).
#[server(endpoint = "get_second_step")]
pub async fn get_second_step() -> Result<SecondStep, AppError> {
    run(|ctx| async move { two_step::prompt(&ctx).await }).await
}

/// Finishes the waiting sign-in with a code; signs in (straight home unless there are new
/// recovery codes to show).
#[server(endpoint = "finish_second_step")]
pub async fn finish_second_step(code: String) -> Result<TwoStepDone, AppError> {
    use crate::server::access::devices::set_sign_in_cookies;
    run(|ctx| async move {
        let (signed_in, done) = two_step::complete(&ctx, &code).await?;
        set_sign_in_cookies(&signed_in, &ctx.state.sessions);
        if done.recovery_codes.is_empty() {
            leptos_axum::redirect(&done.home);
        }
        Ok(done)
    })
    .await
}

/// Starts setting up two-step sign-in (staff): the QR code to scan.
#[server(endpoint = "start_two_step")]
pub async fn start_two_step() -> Result<Enrolment, AppError> {
    run(|ctx| async move { two_step::start(&ctx).await }).await
}

/// Confirms the setup with a first code; returns the recovery codes, shown once.
#[server(endpoint = "confirm_two_step")]
pub async fn confirm_two_step(token: String, code: String) -> Result<Vec<String>, AppError> {
    run(|ctx| async move { two_step::confirm(&ctx, &token, &code).await }).await
}

/// Turns two-step sign-in off with a current code (unless the practice requires it).
#[server(endpoint = "turn_off_two_step")]
pub async fn turn_off_two_step(code: String) -> Result<(), AppError> {
    run(|ctx| async move { two_step::turn_off(&ctx, &code).await }).await
}

/// Resets a staff member's two-step sign-in (administrators).
#[server(endpoint = "reset_two_step")]
pub async fn reset_two_step(staff_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { two_step::reset(&ctx, staff_id).await }).await
}

/// Turns "Require two-step verification for staff" on or off (administrators).
#[server(endpoint = "set_two_step_required")]
pub async fn set_two_step_required(on: bool) -> Result<bool, AppError> {
    run(|ctx| async move { two_step::set_required(&ctx, on).await }).await
}
