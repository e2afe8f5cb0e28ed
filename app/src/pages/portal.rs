//! The client portal: its shell (header, sign-out) and home page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};

use super::admin::SignOutButton;
use super::viewer_resource;
use crate::domain::viewer::{Viewer, ViewerKind};

/// The portal frame; sends anyone who is not a portal login elsewhere.
#[component]
pub fn PortalShell() -> impl IntoView {
    let viewer = viewer_resource();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(v)) if !v.is_staff() => {
                        provide_context(v.clone());
                        view! {
                            <header class="topbar">
                                <span class="brand">{v.organization.clone()}" · Client Portal"</span>
                                <SignOutButton/>
                            </header>
                            <main class="page"><Outlet/></main>
                        }.into_any()
                    }
                    Ok(Some(v)) => view! { <Redirect path=v.home()/> }.into_any(),
                    _ => view! { <Redirect path="/sign-in"/> }.into_any(),
                }
            })}
        </Suspense>
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
