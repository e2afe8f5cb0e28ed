//! The one sign-in page for staff, clients and contacts.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::form::{server_error, ActionMessage, Field, Submit};
use super::islands::sign_in_form;
use crate::api::auth::SignIn;
use crate::domain::validation;

/// `/sign-in`. An islands page (`pages::islands`): loaded afresh, only its form is interactive.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let unlocked = move || query.with(|q| q.get("device").as_deref() == Some("known"));
    let idle = move || query.with(|q| q.get("idle").is_some());
    view! {
        <Title text="Sign in"/>
        <main class="centered sign-in">
            <h1>"Client Portal"</h1>
            <p class="lead">"Sign in to the staff admin or to your portal."</p>
            <Show when=unlocked>
                <p class="notice" role="status">"This device can sign in again. Enter your password."</p>
            </Show>
            <Show when=idle>
                <p class="notice" role="status">"You were signed out after a while without activity, to keep your information private. Sign in again to go on."</p>
            </Show>
            {sign_in_form()}
            <p><A href="/forgot-password">"Forgot your password?"</A></p>
        </main>
    }
}

/// The sign-in form: email and password, each checked by the shared rule as it is typed. It
/// posts without JavaScript too; on success the server sends the person to their home.
#[component]
pub fn SignInForm() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    let pending = action.pending();
    view! {
        <ActionForm action=action>
            <Field
                label="Email"
                name="email"
                id="sign-in-email"
                kind="email"
                autocomplete="username"
                required=true
                server_error=server_error(value, "email")
                check=Arc::new(validation::email)
            />
            <Field
                label="Password"
                name="password"
                id="sign-in-password"
                kind="password"
                autocomplete="current-password"
                required=true
                server_error=server_error(value, "password")
                check=Arc::new(validation::password_present)
            />
            <ActionMessage value=value/>
            <Submit label="Sign in" pending_label="Signing in…" pending=pending/>
        </ActionForm>
    }
}
