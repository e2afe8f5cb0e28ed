//! The portal's "Who has seen my information" tab: who on the practice's staff opened or
//! changed the client's record in the last twelve months, and the sign-ins to the portal for
//! the client, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{route_id, ErrorNotice};
use crate::api::access_log::get_access_log;
use crate::domain::access_log::AccessLogEntry;

/// `/portal/clients/:id/access-log`.
#[component]
pub fn PortalAccessLogPage() -> impl IntoView {
    let client = route_id("id");
    let log = Resource::new(client, get_access_log);
    view! {
        <Title text="Who has seen my information"/>
        <h1>"Who has seen my information"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! {
                        <p class="hint">{format!("The practice's staff who opened or changed {}'s record in the last twelve months, and the sign-ins to the portal for {}. Times are the practice's.", log.client_name, log.client_name)}</p>
                        <Lines heading="Staff" id="staff-heading" empty="Nobody on the practice's staff has opened the record." lines=log.staff/>
                        <Lines heading="Sign-ins to the portal" id="sign-ins-heading" empty="No sign-ins yet." lines=log.sign_ins/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Lines(
    heading: &'static str,
    id: &'static str,
    empty: &'static str,
    lines: Vec<AccessLogEntry>,
) -> impl IntoView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{heading}</h2>
            {if lines.is_empty() {
                view! { <p class="empty">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows access-log">
                        {lines.into_iter().map(|l| view! {
                            <li>
                                <span><strong>{l.who}</strong>" · "{l.what}</span>
                                <span class="meta">{l.when}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
