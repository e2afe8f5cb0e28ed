//! Organization → Locations (administrators): the practice's locations with archive and restore,
//! and the form that adds one or edits one (`?edit=ID`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::locations::{list_locations, SaveLocation, SetLocationArchived};
use crate::domain::location::{LocationInput, LocationRow};
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::ErrorNotice;

const BASE: &str = "/admin/organization/locations";

/// `/admin/organization/locations[?edit=ID]`.
#[component]
pub fn LocationsPage() -> impl IntoView {
    let save = ServerAction::<SaveLocation>::new();
    let archive = ServerAction::<SetLocationArchived>::new();
    let saved = successes(save.value(), save.version());
    let archived = successes(archive.value(), archive.version());
    let locations = Resource::new(move || (saved.get(), archived.get()), |_| list_locations());
    let query = use_query_map();
    let editing =
        Memo::new(move |_| query.with(|q| q.get("edit").and_then(|v| v.parse::<i32>().ok())));
    view! {
        <Title text="Locations"/>
        <h1>"Locations"</h1>
        <p class="lead">"Where appointments take place and intake forms are signed. An archived location is offered for nothing new and stays on past appointments and forms."</p>
        <ActionMessage value=archive.value()/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match locations.await {
                    Ok(rows) => {
                        let edited = editing.get().and_then(|id| rows.iter().find(|r| r.id == id).cloned());
                        view! {
                            <LocationList rows archive/>
                            <LocationForm action=save editing=edited/>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LocationList(
    rows: Vec<LocationRow>,
    archive: ServerAction<SetLocationArchived>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No locations yet. Add the first one below."</p> }
            .into_any();
    }
    view! {
        <ul class="rows locations">
            {rows.into_iter().map(|l| {
                let sr = format!(" {}", l.name);
                let (sr_link, sr_button) = (sr.clone(), sr);
                view! {
                    <li class="location">
                        <div>
                            <strong>{l.name.clone()}</strong>{l.archived.then_some(" (archived)")}
                            <div class="meta">{l.address.clone()}</div>
                            {(!l.phone.is_empty()).then(|| view! { <div class="meta">{l.phone.clone()}</div> })}
                        </div>
                        <A href=format!("{BASE}?edit={}", l.id)>"Edit"<span class="sr-only">{sr_link}</span></A>
                        <ActionForm action=archive attr:class="inline">
                            <input type="hidden" name="location_id" value=l.id/>
                            <input type="hidden" name="archived" value=(!l.archived).to_string()/>
                            <button type="submit" class="secondary">
                                {if l.archived { "Restore" } else { "Archive" }}<span class="sr-only">{sr_button}</span>
                            </button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn LocationForm(action: ServerAction<SaveLocation>, editing: Option<LocationRow>) -> impl IntoView {
    let input = editing
        .as_ref()
        .map(LocationInput::from_row)
        .unwrap_or_default();
    let id = editing.as_ref().map(|l| l.id).unwrap_or(0);
    let (heading, button) = match &editing {
        Some(l) => (format!("Edit {}", l.name), "Save location"),
        None => ("Add a location".to_string(), "Add location"),
    };
    let field = move |name: &'static str,
                      label: &'static str,
                      value: String,
                      kind: &'static str| {
        let input_id = format!("location-{name}");
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input id=input_id name=format!("input[{name}]") type=kind value=value/>
                <p class="field-error" aria-live="polite">{server_error(action.value(), name)}</p>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="location-form-heading">
            <h2 id="location-form-heading">{heading}</h2>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="location_id" value=id/>
                {field("name", "Name", input.name, "text")}
                {field("street", "Street", input.street, "text")}
                {field("city", "City", input.city, "text")}
                {field("state", "State", input.state, "text")}
                {field("postal_code", "Postal code", input.postal_code, "text")}
                {field("phone", "Phone (optional)", input.phone, "tel")}
                <ActionMessage value=action.value() success="Location saved."/>
                <div class="button-row">
                    <Submit label=button pending_label="Saving…" pending=action.pending()/>
                    {editing.is_some().then(|| view! { <A href=BASE attr:class="button secondary">"Cancel"</A> })}
                </div>
            </ActionForm>
        </section>
    }
}
