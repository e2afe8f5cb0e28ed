//! The client portal: its shell (header, sign-out) and home page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use super::admin::SignOutButton;
use super::AreaGuard;
use crate::api::settings::get_effective_settings;
use crate::domain::portal::portal_capabilities;
use crate::domain::viewer::{ClientRef, Viewer, ViewerKind};

/// The portal frame; portal logins only.
#[component]
pub fn PortalShell() -> impl IntoView {
    view! {
        <AreaGuard staff=false frame=|v: Viewer| view! {
            <header class="topbar">
                <span class="brand">{v.organization.clone()}" · Client Portal"</span>
                <SignOutButton/>
            </header>
            <main class="page"><Outlet/></main>
        }/>
    }
}

/// `/portal`: who is signed in and the clients they act for.
#[component]
pub fn PortalHome() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let (is_contact, clients) = match &viewer.kind {
        ViewerKind::Portal {
            is_contact,
            clients,
        } => (*is_contact, clients.clone()),
        ViewerKind::Staff { .. } => (false, Vec::new()),
    };
    let intro = if is_contact {
        "You manage care for these clients:"
    } else {
        "Your portal account is for:"
    };
    view! {
        <Title text="Portal"/>
        <h1>"Welcome, " {viewer.name.clone()}</h1>
        <p>{intro}</p>
        <ul class="client-cards" aria-label="Clients">
            {clients.into_iter().map(|c| view! { <ClientCard client=c/> }).collect_view()}
        </ul>
    }
}

/// One client and what can be done for them in the portal, from their effective settings
/// (read fresh on every page load).
#[component]
fn ClientCard(client: ClientRef) -> impl IntoView {
    let id = client.id;
    let settings = Resource::new(move || id, get_effective_settings);
    let heading = format!("portal-client-{id}");
    view! {
        <li class="card">
            <h2 id=heading>{client.name}</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(effective) => view! {
                            <p>"In the portal you can:"</p>
                            <ul class="capabilities">
                                {portal_capabilities(&effective).into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </li>
    }
}
