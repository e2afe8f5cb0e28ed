//! Single-use links (invitations, password resets) and the forgot-password form. These are
//! the server functions a person without a session may call.

use leptos::prelude::*;

use crate::domain::account::{LinkInfo, NewPasswordInput, ResetRequestInput};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::tokens};

/// Whether the link with `token` can still be used, for the page behind it.
#[server(endpoint = "check_link")]
pub async fn check_link(token: String) -> Result<LinkInfo, AppError> {
    run(|ctx| async move { tokens::info(&ctx, &token).await }).await
}

/// Sets the password through an invitation or reset link, then signs the person in.
#[server(endpoint = "accept_link")]
pub async fn accept_link(input: NewPasswordInput) -> Result<(), AppError> {
    use crate::server::access::two_step;
    run(|ctx| async move {
        let result = tokens::accept(&ctx, &input).await?;
        two_step::answer(result, &ctx.state.sessions);
        Ok(())
    })
    .await
}

/// Emails a password-reset link if the address belongs to a login; answers the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(input: ResetRequestInput) -> Result<(), AppError> {
    run(|ctx| async move { tokens::request_reset(&ctx, &input).await }).await
}

/// Makes this browser a known device of the account whose unlock link it followed, then
/// returns to sign-in.
#[server(endpoint = "unlock_device")]
pub async fn unlock_device(token: String) -> Result<(), AppError> {
    use crate::server::access::{context::set_cookie, devices};
    run(|ctx| async move {
        let device = devices::confirm(&ctx, &token).await?;
        set_cookie(&devices::cookie(&device, &ctx.state.sessions));
        leptos_axum::redirect("/sign-in?device=known");
        Ok(())
    })
    .await
}
