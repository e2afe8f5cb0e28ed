//! The client portal: its shell (header, sign-out) and home page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use super::admin::SignOutButton;
use super::AreaGuard;
use crate::domain::viewer::{Viewer, ViewerKind};

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
        <ul class="client-cards">
            {clients.into_iter().map(|c| view! { <li class="card">{c.name}</li> }).collect_view()}
        </ul>
    }
}
