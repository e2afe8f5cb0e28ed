//! The portal's Billing & Insurance Info tab, only while Display Insurance Info is effective for
//! the selected client (and, for a contact, with the forms or the payments scope). A direct
//! address while it is not says so plainly.

use leptos::prelude::*;
use leptos_meta::Title;

use super::form::successes;
use super::insurance::{close_editor_after_save, editing_policy, InsuranceSection};
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
                    Ok(view) => view! {
                        <InsuranceSection client_id=client() view action=save
                            base=format!("/portal/clients/{}/insurance", client()) editing=editing.get()/>
                    }.into_any(),
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
