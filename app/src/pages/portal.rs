//! The client portal: its shell (header with the client switcher, sign-out), the overview of
//! the clients a login acts for, and each client's home. The selected client is in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use super::admin::SignOutButton;
use super::icons::{Icon, SvgIcon};
use super::islands::{idle_watch, messages_badge};
use super::live::{provide_live, use_live};
use super::{route_id, AreaGuard, ErrorNotice};
use crate::api::portal::get_portal_client;
use crate::domain::access::PortalClientHome;
use crate::domain::agenda::ToDo;
use crate::domain::viewer::{ClientRef, Viewer, ViewerKind};

fn clients_of(viewer: &Viewer) -> Vec<ClientRef> {
    match &viewer.kind {
        ViewerKind::Portal { clients, .. } => clients.clone(),
        ViewerKind::Staff { .. } => Vec::new(),
    }
}

/// The address of a client's home in the portal.
pub fn client_href(id: i32) -> String {
    format!("/portal/clients/{id}")
}

/// The portal frame; portal logins only.
#[component]
pub fn PortalShell() -> impl IntoView {
    provide_live();
    view! {
        <AreaGuard staff=false frame=|v: Viewer| {
            let clients = clients_of(&v);
            let is_contact = matches!(v.kind, ViewerKind::Portal { is_contact: true, .. });
            // A contact always sees whom they act for; a client's own login only when it has several.
            let switcher = (is_contact && !clients.is_empty()) || clients.len() > 1;
            let footer = v.clone();
            view! {
                <header class="topbar portal-bar">
                    <A href="/portal" attr:class="brand">{v.organization.clone()}" · Client Portal"</A>
                    {switcher.then(|| view! { <ClientSwitcher clients/> })}
                    <A href="/portal/account" attr:class="account-link">"Account"</A>
                    <SignOutButton/>
                </header>
                <main class="page"><Outlet/></main>
                <PracticeFooter viewer=footer/>
                {idle_watch(v.idle_seconds)}
            }
        }/>
    }
}

/// The practice's contact email and phone, when it has given them.
#[component]
fn PracticeFooter(viewer: Viewer) -> impl IntoView {
    let ViewerKind::Portal {
        practice_email,
        practice_phone,
        ..
    } = viewer.kind
    else {
        return None;
    };
    if practice_email.is_empty() && practice_phone.is_empty() {
        return None;
    }
    let digits: String = practice_phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    Some(view! {
        <footer class="portal-footer">
            <p>
                "Questions? Contact " {viewer.organization}
                {(!practice_email.is_empty()).then(|| view! { " · " <a href=format!("mailto:{practice_email}")>{practice_email.clone()}</a> })}
                {(!practice_phone.is_empty()).then(|| view! { " · " <a href=format!("tel:{digits}")>{practice_phone.clone()}</a> })}
            </p>
        </footer>
    })
}

/// Links to each client the login acts for; the one in the URL is marked current.
#[component]
fn ClientSwitcher(clients: Vec<ClientRef>) -> impl IntoView {
    let location = use_location();
    let selected = move || {
        location.pathname.with(|p| {
            p.strip_prefix("/portal/clients/")
                .and_then(|rest| rest.split('/').next()?.parse::<i32>().ok())
        })
    };
    view! {
        <nav class="client-switcher" aria-label="Switch client">
            <span class="switcher-label">"Client:"</span>
            {clients.into_iter().map(|c| {
                let id = c.id;
                view! {
                    <A href=client_href(id) attr:aria-current=move || (selected() == Some(id)).then_some("page")>{c.name}</A>
                }
            }).collect_view()}
        </nav>
    }
}

/// `/portal`: the clients this login acts for, each with what it may do for them. A login with
/// a single client goes straight to that client's home.
#[component]
pub fn PortalHome() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let clients = clients_of(&viewer);
    if let [only] = clients.as_slice() {
        return view! { <Redirect path=client_href(only.id)/> }.into_any();
    }
    let is_contact = matches!(
        viewer.kind,
        ViewerKind::Portal {
            is_contact: true,
            ..
        }
    );
    let intro = match (clients.is_empty(), is_contact) {
        (true, _) => "No client is available to you in the portal right now. If you think this is a mistake, contact the practice.",
        (false, true) => "You manage care for these clients:",
        (false, false) => "Your portal account is for:",
    };
    view! {
        <Title text="Portal"/>
        <h1>"Welcome, " {viewer.name.clone()}</h1>
        <p>{intro}</p>
        <ul class="client-cards" aria-label="Clients">
            {clients.into_iter().map(|c| view! { <ClientCard client=c/> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One client and what this login can do for them (read fresh on every page load).
#[component]
fn ClientCard(client: ClientRef) -> impl IntoView {
    let id = client.id;
    let home = Resource::new(move || id, get_portal_client);
    let heading = format!("portal-client-{id}");
    view! {
        <li class="card">
            <h2 id=heading><A href=client_href(id)>{client.name}</A></h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(home) => view! { <Abilities home/> }.into_any(),
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </li>
    }
}

#[component]
fn Abilities(home: PortalClientHome) -> impl IntoView {
    let list = home.abilities.describe();
    if list.is_empty() {
        return view! { <p>"Nothing is available in the portal for this client at the moment."</p> }.into_any();
    }
    view! {
        <p>"In the portal you can:"</p>
        <ul class="capabilities">
            {list.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/portal/clients/:id/…`: the client's name and the tabs this login may use, above the
/// selected tab. The server answers 403 when this login may not (or no longer may) act for the
/// client; the tab below then shows why.
#[component]
pub fn PortalClientLayout() -> impl IntoView {
    let id = route_id("id");
    let live = use_live();
    let home = Resource::new(id, get_portal_client);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                home.await.ok().map(|home| {
                    let base = client_href(home.client.id);
                    view! {
                        <nav class="tabs" aria-label=format!("{} in the portal", home.client.name)>
                            <A href=base.clone() exact=true>"Overview"</A>
                            {home.abilities.appointments.then(|| view! { <A href=format!("{base}/appointments")>"Appointments"</A> })}
                            {home.abilities.forms.then(|| view! { <A href=format!("{base}/forms")>"Forms"</A> })}
                            {home.abilities.payments.then(|| view! { <A href=format!("{base}/payments")>"Payments"</A> })}
                            {home.abilities.insurance.then(|| view! { <A href=format!("{base}/insurance")>"Billing & Insurance Info"</A> })}
                            {home.abilities.messages.then(|| {
                                let (client, initial) = (home.client.id, home.agenda.unread_messages);
                                let unread = move || live.and_then(|l| l.unread.get()).map(|u| u.of(client)).unwrap_or(initial);
                                let badge = messages_badge(client, initial, unread);
                                view! { <A href=format!("{base}/messages")>"Messages"{badge}</A> }
                            })}
                            <A href=format!("{base}/access-log")>"Who has seen my information"</A>
                        </nav>
                    }
                })
            })}
        </Suspense>
        <Outlet/>
    }
}

/// `/portal/clients/:id`: the client's name and what this login may do for them.
#[component]
pub fn PortalClientPage() -> impl IntoView {
    let id = route_id("id");
    let home = Resource::new(id, get_portal_client);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => {
                        let cards = home.agenda.cards(&home.abilities);
                        let base = client_href(home.client.id);
                        view! {
                            <Title text=home.client.name.clone()/>
                            <h1>{home.client.name.clone()}</h1>
                            <section aria-labelledby="to-do-heading">
                                <h2 id="to-do-heading">"What needs doing"</h2>
                                <ul class="to-do">
                                    {cards.into_iter().map(|card| view! { <ToDoCard card base=base.clone()/> }).collect_view()}
                                </ul>
                            </section>
                            <Abilities home/>
                        }.into_any()
                    }
                    Err(e) => view! { <Title text="Client"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One to-do card: an icon, what needs doing, and the link that does it.
#[component]
fn ToDoCard(card: ToDo, base: String) -> impl IntoView {
    view! {
        <li class="card to-do-card">
            <SvgIcon icon=Icon::of_card(card.kind)/>
            <div>
                <h3>{card.title}</h3>
                {(!card.detail.is_empty()).then(|| view! { <p>{card.detail}</p> })}
                <A href=format!("{base}/{}", card.tab) attr:class="button">{card.action}</A>
            </div>
        </li>
    }
}
