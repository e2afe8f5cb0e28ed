//! The settings switch: a `role="switch"` button that saves at once (optimistically, with a
//! pending state), rolls back and shows the reason when the server refuses, is disabled with its
//! reason shown next to it, and works as a plain form before hydration.

use leptos::prelude::*;

use crate::api::settings::ChangeSetting;
use crate::domain::portal_settings::SettingChanged;
use crate::domain::settings::Setting;

/// One switch for `setting`, at organization level (`client_id = None`) or for one client.
#[component]
pub fn SettingSwitch(
    /// A page-unique id prefix.
    id: String,
    setting: Setting,
    client_id: Option<i32>,
    /// Whether the setting is on (for the organization, or for this client).
    #[prop(into)]
    checked: Signal<bool>,
    /// Why the switch cannot be used right now; while set, the switch is disabled and says why.
    #[prop(into)]
    blocker: Signal<Option<String>>,
    /// Called with the outcome of a saved change.
    on_saved: Callback<SettingChanged>,
    /// Show the setting's definition under the name.
    #[prop(optional)]
    with_definition: bool,
) -> impl IntoView {
    let action = ServerAction::<ChangeSetting>::new();
    let pending = action.pending();
    let requested = move || action.input().with(|i| i.as_ref().map(|i| i.on));
    // While saving, show the requested state; otherwise the saved one.
    let shown = move || {
        if pending.get() {
            requested().unwrap_or_else(|| checked.get())
        } else {
            checked.get()
        }
    };
    // Disabled only while blocked (it keeps showing its stored value); a pending switch keeps its
    // focus and ignores further presses.
    let disabled = move || blocker.with(Option::is_some);
    let ignore_while_pending = move |ev: leptos::ev::MouseEvent| {
        if pending.get_untracked() {
            ev.prevent_default();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(changed)) = action.value().get() {
            on_saved.run(changed);
        }
    });
    let error = move || {
        action.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().err())
                .map(|e| e.to_string())
        })
    };
    let label_id = format!("{id}-label");
    let note_id = format!("{id}-note");
    let described = note_id.clone();
    view! {
        <div class="setting">
            <ActionForm action=action attr:class="switch-form">
                {client_id.map(|c| view! { <input type="hidden" name="client_id" value=c/> })}
                <input type="hidden" name="setting" value=setting.key()/>
                <input type="hidden" name="on" value=move || (!shown()).to_string()/>
                <button
                    type="submit"
                    role="switch"
                    class="switch"
                    id=id
                    aria-checked=move || shown().to_string()
                    aria-labelledby=label_id.clone()
                    aria-describedby=described
                    aria-busy=move || pending.get().to_string()
                    disabled=disabled
                    on:click=ignore_while_pending
                >
                    <span class="track" aria-hidden="true"><span class="thumb"></span></span>
                </button>
                <span class="switch-label" id=label_id>{setting.name()}</span>
            </ActionForm>
            <div class="switch-note" id=note_id>
                {with_definition.then(|| view! { <p class="definition">{setting.definition()}</p> })}
                {move || blocker.get().map(|reason| view! { <p class="reason">{reason}</p> })}
                {move || pending.get().then(|| view! { <p class="pending">"Saving…"</p> })}
            </div>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </div>
    }
}

/// The button of a switch that is not a portal setting (a practice's or a person's own choice):
/// inside an `ActionForm` whose server function takes `on`, it posts the opposite of `on`. Its
/// note, if any, has the id `{id}-note`.
#[component]
pub fn SwitchButton(
    id: &'static str,
    label: &'static str,
    on: bool,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let label_id = format!("{id}-label");
    view! {
        <input type="hidden" name="on" value=(!on).to_string()/>
        <button type="submit" role="switch" class="switch" id=id
            aria-checked=on.to_string() aria-labelledby=label_id.clone()
            aria-describedby=format!("{id}-note") aria-busy=move || pending.get().to_string()>
            <span class="track" aria-hidden="true"><span class="thumb"></span></span>
        </button>
        <span class="switch-label" id=label_id>{label}</span>
    }
}
