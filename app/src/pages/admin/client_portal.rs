//! Organization → Client Portal: the organization-wide settings at the top, Manage Clients below.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::settings::{get_portal_settings, list_portal_clients};
use crate::domain::portal_settings::{
    PortalClient, PortalClientPage, PortalSettings, SettingChanged,
};
use crate::domain::settings::{client_blocker, effective, org_blocker, Setting};
use crate::error::AppError;
use crate::pages::switch::SettingSwitch;
use crate::pages::{encode, page_at, ErrorNotice, Pager, SearchForm};

/// `/admin/organization/client-portal`.
#[component]
pub fn ClientPortalPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_portal_settings());
    // Created beside `settings`, not inside its Suspense, so that hydration finds both resolved.
    let query = use_query_map();
    let clients = Resource::new(
        move || (search_of(&query), page_at(&query)),
        |(q, at)| list_portal_clients(q, at),
    );
    view! {
        <Title text="Client Portal Settings"/>
        <h1>"Client Portal Settings"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(initial) => view! { <SettingsBoard initial clients/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsBoard(
    initial: PortalSettings,
    clients: Resource<Result<PortalClientPage, AppError>>,
) -> impl IntoView {
    let state = RwSignal::new(initial);
    let saved = Callback::new(move |changed: SettingChanged| state.set(changed.settings));
    view! {
        <section aria-labelledby="org-settings-heading">
            <h2 id="org-settings-heading">"Organization-wide settings"</h2>
            <p class="lead">"These apply to every client. Below, you can turn any of them off for individual clients."</p>
            {Setting::ALL.into_iter().map(|s| view! {
                <SettingSwitch
                    id=format!("org-{}", s.key())
                    setting=s
                    client_id=None
                    checked=Signal::derive(move || state.with(|p| p.org.get(s)))
                    blocker=Signal::derive(move || state.with(|p| org_blocker(s, &p.org, p.card_processing())))
                    on_saved=saved
                    with_definition=true
                />
            }).collect_view()}
        </section>
        <ManageClients state clients/>
    }
}

#[component]
fn ManageClients(
    state: RwSignal<PortalSettings>,
    clients: Resource<Result<PortalClientPage, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let search = move || search_of(&query);
    let base = move || match search() {
        q if q.is_empty() => "/admin/organization/client-portal".to_owned(),
        q => format!("/admin/organization/client-portal?q={}", encode(&q)),
    };
    view! {
        <section aria-labelledby="manage-heading">
            <h2 id="manage-heading">"Manage Clients"</h2>
            <p class="lead">"Clients who use the portal. A client's switch can only turn a setting off for that client."</p>
            <SearchForm action="/admin/organization/client-portal" id="portal-client-search" label="Search portal clients by name" value=Signal::derive(search)/>
            <Transition fallback=|| view! { <p>"Loading clients…"</p> }>
                {move || Suspend::new(async move {
                    match clients.await {
                        Ok(list) if list.clients.is_empty() => view! { <p class="empty">"No portal clients match."</p> }.into_any(),
                        Ok(list) => view! {
                            <p class="count">{list.paging.count.label("portal client", "portal clients")}</p>
                            <ul class="portal-clients">
                                {list.clients.into_iter().map(|c| view! { <ClientRow client=c state/> }).collect_view()}
                            </ul>
                            <Pager label="Portal client pages" paging=list.paging base=base()/>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ClientRow(client: PortalClient, state: RwSignal<PortalSettings>) -> impl IntoView {
    let id = client.id;
    let off = RwSignal::new(client.off);
    let summary = move || {
        let now = state.with(|p| effective(&p.org, &off.get(), p.card_processing()));
        let on: Vec<&str> = now.on().map(Setting::name).collect();
        if on.is_empty() {
            "Nothing is in effect.".to_string()
        } else {
            on.join("; ")
        }
    };
    let heading_id = format!("client-{id}-name");
    view! {
        <li class="portal-client">
            <h3 id=heading_id>{client.name.clone()}</h3>
            <p class="effective"><strong>"In effect: "</strong>{summary}</p>
            <div class="client-switches">
                {Setting::ALL.into_iter().map(|s| view! {
                    <SettingSwitch
                        id=format!("c{id}-{}", s.key())
                        setting=s
                        client_id=Some(id)
                        checked=Signal::derive(move || state.with(|p| p.org.get(s)) && !off.with(|o| o.get(s)))
                        blocker=Signal::derive(move || state.with(|p| client_blocker(s, &p.org, p.card_processing())))
                        on_saved=Callback::new(move |changed: SettingChanged| {
                            state.set(changed.settings);
                            if let Some(now) = changed.client_off {
                                off.set(now);
                            }
                        })
                    />
                }).collect_view()}
            </div>
            <A href=format!("/admin/organization/audit-log?client={id}")>{format!("Audit log for {}", client.name)}</A>
        </li>
    }
}

fn search_of(query: &Memo<ParamsMap>) -> String {
    query.with(|q| q.get("q").unwrap_or_default())
}
