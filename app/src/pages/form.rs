//! Form building blocks: a labelled field that runs the shared validation rule as the user
//! types (and blocks submission through the browser's constraint API), and a submit button
//! with a pending state.

use std::sync::Arc;

use leptos::prelude::*;

use crate::error::AppError;

/// A validation rule for one field, shared with the server.
pub type Check = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A labelled input with live validation and the server's message for this field.
#[component]
pub fn Field(
    /// The visible label, also the accessible name.
    label: &'static str,
    /// The form field name (the server function argument).
    name: &'static str,
    /// The element id (unique on the page).
    #[prop(into)]
    id: String,
    #[prop(optional, into)] value: String,
    /// The input type (`text` by default).
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The server's message for this field, if its last answer had one.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    /// The shared rule, run in the browser on every change.
    check: Check,
) -> impl IntoView {
    let local_error = RwSignal::new(None::<String>);
    let error = move || local_error.get().or_else(|| server_error.get());
    let error_id = format!("{id}-error");
    let on_input = move |ev: leptos::ev::Event| {
        let input = event_target::<leptos::web_sys::HtmlInputElement>(&ev);
        let result = check(&input.value());
        input.set_custom_validity(result.as_ref().err().map(String::as_str).unwrap_or(""));
        local_error.set(result.err());
    };
    let described = error_id.clone();
    let label_for = id.clone();
    view! {
        <div class="field">
            <label for=label_for>{label}{required.then_some(view! { <span aria-hidden="true">" *"</span> })}</label>
            <input
                id=id
                name=name
                type=kind.unwrap_or("text")
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=described
                on:input=on_input
            />
            <p class="field-error" id=error_id aria-live="polite">{error}</p>
        </div>
    }
}

/// A submit button that shows a pending state while its action runs.
#[component]
pub fn Submit(
    label: &'static str,
    pending_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}

/// The form-level message of an action's last answer: the error, or an optional success note.
#[component]
pub fn ActionMessage<T, V>(
    value: V,
    #[prop(optional)] success: Option<&'static str>,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    move || {
        value.with(|v| match v {
            Some(Err(e)) => {
                Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any())
            }
            Some(Ok(_)) => {
                success.map(|s| view! { <p class="form-success" role="status">{s}</p> }.into_any())
            }
            None => None,
        })
    }
}

/// The error of an action's last answer, if it failed.
pub fn last_error<T, V>(value: V) -> Signal<Option<AppError>>
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// The server's message for `field` in an action's last answer.
pub fn server_error<T, V>(value: V, field: &'static str) -> Signal<Option<String>>
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    field_error(last_error(value), field)
}

/// The message for `field` in `error`, if it is a validation error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(field))))
}

/// Counts an action's successful completions only, so that a page reloads its data after a
/// save but keeps the form (with what was typed and the field errors) after a refusal.
pub fn successes<T, V>(value: V, version: RwSignal<usize>) -> Memo<usize>
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Memo::new(move |previous: Option<&usize>| {
        let version = version.get();
        let saved = value.with(|v| matches!(v, Some(Ok(_))));
        if saved {
            version
        } else {
            previous.copied().unwrap_or(version)
        }
    })
}

/// The current text of the input `id`, read from the page rather than from a signal, so that
/// what was typed before hydration counts too (a "repeat the password" check).
pub fn input_value(id: &str) -> String {
    use leptos::wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default()
}
