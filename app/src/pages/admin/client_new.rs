//! Creating a client (administrators), and the client form fields shared with editing.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::clients::CreateClient;
use crate::domain::client::ClientInput;
use crate::error::AppError;
use crate::pages::form::{field_error, last_error, ActionMessage, Field, Submit};

/// Today's date on this side (browser or server), for the date-of-birth rule.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The four client fields, named `input[…]` for the server function, with live validation.
#[component]
pub fn ClientFields(
    initial: ClientInput,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let rule = |field: &'static str| -> crate::pages::form::Check {
        Arc::new(move |v: &str| {
            let mut input = ClientInput::default();
            match field {
                "first_name" => input.first_name = v.into(),
                "last_name" => input.last_name = v.into(),
                "date_of_birth" => input.date_of_birth = v.into(),
                _ => input.email = v.into(),
            }
            input.check_field(field, today())
        })
    };
    view! {
        <Field label="First name" name="input[first_name]" id="client-first-name" value=initial.first_name required=true
            server_error=field_error(error, "first_name") check=rule("first_name")/>
        <Field label="Last name" name="input[last_name]" id="client-last-name" value=initial.last_name required=true
            server_error=field_error(error, "last_name") check=rule("last_name")/>
        <Field label="Date of birth" name="input[date_of_birth]" id="client-dob" kind="date" value=initial.date_of_birth required=true
            server_error=field_error(error, "date_of_birth") check=rule("date_of_birth")/>
        <Field label="Email (optional)" name="input[email]" id="client-email" kind="email" value=initial.email
            server_error=field_error(error, "email") check=rule("email")/>
    }
}

/// `/admin/clients/new`.
#[component]
pub fn NewClientPage() -> impl IntoView {
    let action = ServerAction::<CreateClient>::new();
    view! {
        <Title text="New client"/>
        <h1>"New client"</h1>
        <ActionForm action=action attr:class="stacked">
            <ClientFields initial=ClientInput::default() error=last_error(action.value())/>
            <ActionMessage value=action.value()/>
            <Submit label="Create client" pending_label="Creating…" pending=action.pending()/>
        </ActionForm>
    }
}
