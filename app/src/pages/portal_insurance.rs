//! The portal's Billing & Insurance Info tab, only while Display Insurance Info is effective for
//! the selected client (and, for a contact, with the forms or the payments scope). A direct
//! address while it is not says so plainly. Loaded afresh, it is an islands page whose policies
//! and form are one island (`InsuranceIsland`).

use leptos::prelude::*;
use leptos_meta::Title;

use super::form::successes;
#[cfg(any(feature = "ssr", feature = "insurance-island"))]
use super::insurance::InsuranceSection;
use super::insurance::{close_editor_after_save, editing_policy};
use super::{route_id, ErrorNotice};
use crate::api::insurance::{get_insurance, SavePolicy};
use crate::error::AppError;

/// `/portal/clients/:id/insurance`.
#[component]
pub fn PortalInsurancePage() -> impl IntoView {
    let client = route_id("id");
    let save = ServerAction::<SavePolicy>::new();
    let saved = successes(save.value(), save.version());
    let editing = editing_policy();
    close_editor_after_save(saved, editing, move || {
        format!("/portal/clients/{}/insurance", client())
    });
    let insurance = Resource::new(move || (client(), saved.get()), |(c, _)| get_insurance(c));
    view! {
        <Title text="Billing & Insurance Info"/>
        <h1>"Billing & Insurance Info"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match insurance.await {
                    Ok(view) => super::islands::insurance(client(), view, save, editing.get()),
                    Err(AppError::Forbidden) => view! {
                        <section class="notice" role="alert">
                            <h2>"Not available"</h2>
                            <p>"Billing & Insurance Info is not available in the portal for this client. \
                                Please contact the practice to update insurance."</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The policies and the form on an islands page. After each save the server accepts, it loads
/// the policies again; a save of an edited policy also closes the editor (and takes `?edit=` off
/// the address), leaving "Saved." under the form to add one.
#[cfg(any(feature = "ssr", feature = "insurance-island"))]
#[island(lazy)]
pub fn InsuranceIsland(
    client_id: i32,
    view: super::islands::Reloadable<crate::domain::insurance::InsuranceView>,
    base: String,
    editing: Option<i32>,
) -> impl IntoView {
    let action = ServerAction::<SavePolicy>::new();
    let current = RwSignal::new(view.0);
    let editing = RwSignal::new(editing);
    #[cfg(feature = "hydrate")]
    {
        let saved = successes(action.value(), action.version());
        let base = base.clone();
        Effect::new(move |previous: Option<usize>| {
            let now = saved.get();
            if previous.is_some_and(|p| p != now) {
                if editing.get_untracked().is_some() {
                    editing.set(None);
                    if let Ok(history) = window().history() {
                        let nothing = wasm_bindgen::JsValue::NULL;
                        let _ = history.replace_state_with_url(&nothing, "", Some(&base));
                    }
                }
                leptos::task::spawn_local(async move {
                    if let Ok(view) = get_insurance(client_id).await {
                        current.set(view);
                    }
                });
            }
            now
        });
    }
    move || {
        view! {
            <InsuranceSection client_id view=current.get() action base=base.clone() editing=editing.get()/>
        }
    }
}
