//! The one sign-in page for staff, clients and contacts.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::form::{server_error, ActionMessage, Field, Submit};
use crate::api::auth::SignIn;
use crate::domain::validation;

/// `/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    let pending = action.pending();
    view! {
        <Title text="Sign in"/>
        <main class="centered sign-in">
            <h1>"Client Portal"</h1>
            <p class="lead">"Sign in to the staff admin or to your portal."</p>
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
            <p><A href="/forgot-password">"Forgot your password?"</A></p>
        </main>
    }
}
