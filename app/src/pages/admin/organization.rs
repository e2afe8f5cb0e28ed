//! Organization overview for administrators: time zone, locations and staff.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::organization::get_organization;
use crate::pages::ErrorNotice;

/// `/admin/organization`.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_organization());
    view! {
        <Title text="Organization"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(org) => view! {
                        <h1>{org.name}</h1>
                        <p>"Time zone: " {org.time_zone}</p>
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
