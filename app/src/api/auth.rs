//! Sign-in, sign-out and the current viewer.

use leptos::prelude::*;

use crate::domain::viewer::Viewer;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::{run, run_as},
    access::session::Activity,
    services::auth,
};

/// Signs in with email and password; sets the session cookie and redirects to the person's home,
/// or to the second step of a staff member with two-step sign-in.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::domain::viewer::SignInInput;
    use crate::server::access::{devices::device_token, two_step};
    run(|ctx| async move {
        let device = device_token(&ctx.state.sessions);
        let input = SignInInput { email, password };
        let result = auth::sign_in(&ctx, &input, device.as_deref()).await?;
        two_step::answer(result, &ctx.state.sessions);
        Ok(())
    })
    .await
}

/// Ends the session and returns to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::access::{context::set_cookie, session};
    run(|ctx| async move {
        auth::sign_out(&ctx).await?;
        set_cookie(&session::clear_cookie(&ctx.state.sessions));
        leptos_axum::redirect("/sign-in");
        Ok(())
    })
    .await
}

/// Ends the session after the idle timeout (the page's own logoff); the page then shows the
/// sign-in page.
#[server(endpoint = "idle_sign_out")]
pub async fn idle_sign_out() -> Result<(), AppError> {
    use crate::server::access::{context::set_cookie, session};
    run(|ctx| async move {
        auth::idle_sign_out(&ctx).await?;
        set_cookie(&session::clear_cookie(&ctx.state.sessions));
        Ok(())
    })
    .await
}

/// Seconds left before the idle logoff, asked by the page itself: it does not count as activity.
#[server(endpoint = "session_left")]
pub async fn session_left() -> Result<Option<u32>, AppError> {
    run_as(Activity::Machine, |ctx| async move {
        auth::session_left(&ctx).await
    })
    .await
}

/// "Stay signed in": restarts the idle timer; the seconds now left, or `None` if it had ended.
#[server(endpoint = "stay_signed_in")]
pub async fn stay_signed_in() -> Result<Option<u32>, AppError> {
    run(|ctx| async move { auth::stay_signed_in(&ctx).await }).await
}

/// The signed-in person, or `None`.
#[server(endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    run(|ctx| async move { auth::viewer(&ctx).await }).await
}
