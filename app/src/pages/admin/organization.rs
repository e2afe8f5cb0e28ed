//! Organization administration: the side menu, and the overview with locations, staff and the
//! credit-card processing status.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};

use crate::api::organization::get_organization;
use crate::api::settings::{get_portal_settings, SetCardProcessing};
use crate::domain::portal::{CardProcessor, PortalSettings};
use crate::error::AppError;
use crate::pages::form::{ActionMessage, Submit};
use crate::pages::ErrorNotice;

/// The Organization area: a side menu beside the selected page (administrators only; the
/// server refuses everyone else).
#[component]
pub fn OrganizationLayout() -> impl IntoView {
    view! {
        <div class="with-side-menu">
            <nav class="side-menu" aria-label="Organization">
                <A href="/admin/organization" exact=true>"Overview"</A>
                <A href="/admin/organization/client-portal">"Client Portal"</A>
                <A href="/admin/organization/forms">"Intake Forms"</A>
                <A href="/admin/organization/audit-log">"Audit Log"</A>
                <A href="/admin/organization/outbox">"Outbox"</A>
            </nav>
            <div class="side-content"><Outlet/></div>
        </div>
    }
}

/// `/admin/organization`.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_organization());
    // Created beside `overview`, not inside its Suspense, so that hydration finds both resolved.
    let card_action = ServerAction::<SetCardProcessing>::new();
    let card_settings = Resource::new(
        move || card_action.version().get(),
        |_| get_portal_settings(),
    );
    view! {
        <Title text="Organization"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(org) => view! {
                        <h1>{org.name}</h1>
                        <p>"Time zone: " {org.time_zone}</p>
                        <CardProcessing action=card_action settings=card_settings/>
                        <h2>"Locations"</h2>
                        <ul>
                            {org.locations.into_iter().map(|l| view! {
                                <li><strong>{l.name}</strong>" — "{l.address}{l.telehealth.then_some(" (telehealth)")}</li>
                            }).collect_view()}
                        </ul>
                        <h2>"Staff"</h2>
                        <table>
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Roles"</th></tr></thead>
                            <tbody>
                                {org.staff.into_iter().map(|s| {
                                    let roles = match (s.is_admin, s.is_therapist) {
                                        (true, true) => "Administrator, therapist",
                                        (true, false) => "Administrator",
                                        (false, true) => "Therapist",
                                        (false, false) => "Staff",
                                    };
                                    view! { <tr><td>{s.name}</td><td>{s.email}</td><td>{roles}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The credit-card processing status and the form that changes it.
#[component]
fn CardProcessing(
    action: ServerAction<SetCardProcessing>,
    settings: Resource<Result<PortalSettings, AppError>>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="card-heading" class="panel">
            <h2 id="card-heading">"Credit-card processing"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    settings.await.ok().map(|s| {
                        let current = s.card_processor;
                        let status = match current {
                            Some(p) => format!("Enabled with {}.", p.label()),
                            None => "Not enabled. Payments through the portal stay off until it is.".to_string(),
                        };
                        view! {
                            <p class="status">{status}</p>
                            <ActionForm action=action attr:class="inline-form">
                                <label for="card-processor">"Card processor"</label>
                                <select id="card-processor" name="processor">
                                    <option value="" selected=current.is_none()>"Not enabled"</option>
                                    {CardProcessor::ALL.into_iter().map(|p| view! {
                                        <option value=p.key() selected=current == Some(p)>{p.label()}</option>
                                    }).collect_view()}
                                </select>
                                <Submit label="Save" pending_label="Saving…" pending=action.pending()/>
                            </ActionForm>
                        }
                    })
                })}
            </Transition>
            <ActionMessage value=action.value() success="Saved."/>
        </section>
    }
}
