//! Sign-in, sign-out and the current viewer.

use leptos::prelude::*;

use crate::domain::viewer::Viewer;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::auth};

/// Signs in with email and password; sets the session cookie and redirects to the person's home.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::domain::viewer::SignInInput;
    use crate::server::access::{context::set_cookie, session};
    run(|ctx| async move {
        let signed_in = auth::sign_in(&ctx, &SignInInput { email, password }).await?;
        set_cookie(&session::cookie(&signed_in.token, &ctx.state.sessions));
        leptos_axum::redirect(&signed_in.home);
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

/// The signed-in person, or `None`.
#[server(endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    run(|ctx| async move { auth::viewer(&ctx).await }).await
}
