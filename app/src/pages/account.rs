//! The pages behind emailed links: set a password from an invitation or a reset link, and ask
//! for a reset link. They work before hydration: plain forms, answered by the server. Loaded
//! afresh, they are islands pages whose form is the island (`pages::islands`).

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::form::{input_value, server_error, ActionMessage, Field, Submit};
use super::islands::{forgot_password_form, password_form, unlock_form};
use super::ErrorNotice;
use crate::api::accounts::{check_link, AcceptLink, RequestPasswordReset, UnlockDevice};
use crate::domain::account::{LinkInfo, LinkPurpose, LinkState, NewPasswordInput};
use crate::domain::validation;

/// `/welcome?token=…` (invitations) and `/reset-password?token=…` (password resets).
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let info = Resource::new(token, check_link);
    view! {
        <Title text="Choose your password"/>
        <main class="centered sign-in">
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) if info.state == LinkState::Valid => password_form(info, token()),
                        Ok(info) => view! { <LinkProblem info/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The new password, twice, each checked by the shared rule as it is typed; saving signs in.
#[component]
pub fn PasswordForm(info: LinkInfo, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptLink>::new();
    let value = action.value();
    let (heading, lead) = match info.purpose {
        Some(LinkPurpose::PasswordReset) => (
            "Choose a new password".to_string(),
            format!(
                "For {} at {}. Signing in elsewhere ends when you save.",
                info.email, info.practice
            ),
        ),
        _ => (
            format!("Welcome to {}", info.practice),
            format!(
                "Choose a password for {}. You will be signed in right away.",
                info.email
            ),
        ),
    };
    view! {
        <h1>{heading}</h1>
        <p class="lead">{lead}</p>
        <ActionForm action=action>
            <input type="hidden" name="input[token]" value=token/>
            <input type="email" name="username" value=info.email autocomplete="username" hidden=true aria-hidden="true" tabindex="-1"/>
            <Field label="New password" name="input[password]" id="new-password" kind="password"
                autocomplete="new-password" required=true
                server_error=server_error(value, "password")
                check=Arc::new(NewPasswordInput::check_password)/>
            <Field label="Repeat the password" name="input[confirm]" id="confirm-password" kind="password"
                autocomplete="new-password" required=true
                server_error=server_error(value, "confirm")
                check=Arc::new(move |v: &str| NewPasswordInput::check_confirm(&input_value("new-password"), v))/>
            <p class="hint">{format!("At least {} characters.", crate::domain::account::MIN_PASSWORD)}</p>
            <ActionMessage value=value/>
            <Submit label="Save password and sign in" pending_label="Saving…" pending=action.pending()/>
        </ActionForm>
    }
}

/// The clear page for a link that cannot be used.
#[component]
fn LinkProblem(info: LinkInfo) -> impl IntoView {
    let title = match info.state {
        LinkState::Used => "This link has been used",
        LinkState::Expired => "This link has expired",
        LinkState::Revoked => "This link was withdrawn",
        _ => "This link does not work",
    };
    view! {
        <h1>{title}</h1>
        <p role="alert">{info.state.explanation(info.purpose)}</p>
        <p><A href="/sign-in">"Go to sign-in"</A>" · "<A href="/forgot-password">"Reset your password"</A></p>
    }
}

/// `/forgot-password`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text="Reset your password"/>
        <main class="centered sign-in">
            <h1>"Reset your password"</h1>
            <p class="lead">"Enter the email you sign in with. If it has a login, we send a link to choose a new password."</p>
            {forgot_password_form()}
            <p><A href="/sign-in">"Back to sign-in"</A></p>
        </main>
    }
}

/// The email to send a reset link to, checked by the shared rule as it is typed.
#[component]
pub fn ForgotPasswordForm() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    view! {
        <ActionForm action=action>
            <Field label="Email" name="input[email]" id="reset-email" kind="email" autocomplete="username"
                required=true server_error=server_error(value, "email") check=Arc::new(validation::email)/>
            <ActionMessage value=value success="If that email has a login, a reset link is on its way. It works once, for 2 hours."/>
            <Submit label="Send reset link" pending_label="Sending…" pending=action.pending()/>
        </ActionForm>
    }
}

/// `/unlock?token=…`: the link emailed to an account's owner while its sign-ins are paused. A
/// button, not the visit, makes the browser known, so a mail scanner that opens links uses
/// nothing up.
#[component]
pub fn UnlockPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    view! {
        <Title text="Sign in from this device"/>
        <main class="centered sign-in">
            <h1>"Sign in from this device"</h1>
            <p class="lead">"Several wrong passwords were tried for your account, so sign-ins are paused. \
                Confirm to let this browser sign in with your password; the pause stays on for everyone else."</p>
            {unlock_form(token)}
            <p><A href="/forgot-password">"Reset your password instead"</A></p>
        </main>
    }
}

/// The button that lets this browser sign in while the account's sign-ins are paused.
#[component]
pub fn UnlockForm(token: String) -> impl IntoView {
    let action = ServerAction::<UnlockDevice>::new();
    let value = action.value();
    view! {
        <ActionForm action=action>
            <input type="hidden" name="token" value=token/>
            <ActionMessage value=value/>
            <Submit label="Use this device" pending_label="Confirming…" pending=action.pending()/>
        </ActionForm>
    }
}

// The forms as islands, for the islands pages (not compiled into the main bundle).

/// The new-password form on an islands page.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn PasswordIsland(info: LinkInfo, token: String) -> impl IntoView {
    view! { <PasswordForm info token/> }
}

/// The reset-link form on an islands page.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn ForgotPasswordIsland() -> impl IntoView {
    view! { <ForgotPasswordForm/> }
}

/// The unlock button on an islands page.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn UnlockIsland(token: String) -> impl IntoView {
    view! { <UnlockForm token/> }
}
