//! The signed-in person's own Account page: sessions, password change, calendar feed.

use leptos::prelude::*;

use crate::domain::own_account::{AccountView, PasswordChange};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::own_account};

/// The caller's account: name, email, live sessions and (staff) the calendar feed's state.
#[server(endpoint = "get_account")]
pub async fn get_account() -> Result<AccountView, AppError> {
    run(|ctx| async move { own_account::view(&ctx).await }).await
}

/// Changes the caller's password (the current one is required); ends their other sessions.
#[server(endpoint = "change_password")]
pub async fn change_password(input: PasswordChange) -> Result<(), AppError> {
    run(|ctx| async move { own_account::change_password(&ctx, &input).await }).await
}

/// Signs out one of the caller's own sessions, by its handle.
#[server(endpoint = "end_session")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    run(|ctx| async move { own_account::end_session(&ctx, &handle).await }).await
}

/// Revokes the caller's calendar feed URL (staff).
#[server(endpoint = "revoke_calendar_feed")]
pub async fn revoke_calendar_feed() -> Result<(), AppError> {
    run(|ctx| async move { own_account::revoke_calendar_feed(&ctx).await }).await
}
