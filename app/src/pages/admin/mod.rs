//! The staff admin: its shell (primary navigation, sign-out) and pages.

pub mod audit;
pub mod availability;
pub mod calendar;
pub mod client_appointments;
pub mod client_forms;
pub mod client_new;
pub mod client_page;
pub mod client_portal;
pub mod client_series;
pub mod clients;
pub mod contacts;
pub mod form_builder;
pub mod locations;
pub mod messages;
pub mod organization;
pub mod outbox;
pub mod payers;
pub mod payments;
pub mod practice_profile;
pub mod staff;
pub mod waitlist;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use super::icons::{Icon, SvgIcon};
use super::idle::IdleGuard;
use super::live::provide_live;
use super::AreaGuard;
use crate::api::auth::SignOut;
use crate::domain::viewer::Viewer;

/// The admin frame with the primary navigation bar; staff only.
#[component]
pub fn AdminShell() -> impl IntoView {
    let live = provide_live();
    view! {
        <AreaGuard staff=true frame=move |v: Viewer| {
            let initial_badge = v.calendar_badge();
            let badge = move || live.calendar.get().unwrap_or(initial_badge);
            let initial_unread = v.messages_badge();
            let unread = move || live.unread.get().map(|u| u.total).unwrap_or(initial_unread);
            view! {
            <header class="topbar">
                <span class="brand">{v.organization.clone()}</span>
                <nav aria-label="Primary">
                    <A href="/admin/clients">"Clients"</A>
                    <A href="/admin/calendar" attr:class="calendar-icon">
                        <SvgIcon icon=Icon::Calendar/>"Calendar"
                        {move || (badge() > 0).then(|| view! {
                            " "<span class="badge">{badge()}</span><span class="sr-only">" waiting"</span>
                        })}
                    </A>
                    <A href="/admin/messages" attr:class="messages-icon">
                        <SvgIcon icon=Icon::Envelope/>"Messages"
                        {move || (unread() > 0).then(|| view! {
                            " "<span class="badge">{unread()}</span><span class="sr-only">" unread"</span>
                        })}
                    </A>
                    <A href="/admin/payments">"Payments"</A>
                    {v.is_admin().then(|| view! { <A href="/admin/organization">"Organization"</A> })}
                </nav>
                <A href="/admin/account" attr:class="who"><span class="sr-only">"Your account: "</span>{v.name.clone()}</A>
                <SignOutButton/>
            </header>
            <main class="page"><Outlet/></main>
            <IdleGuard idle_seconds=v.idle_seconds/>
            }
        }/>
    }
}

/// Signs out (a real form, so it works before hydration).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action>
            <button type="submit" class="link-button" disabled=move || action.pending().get()>"Sign out"</button>
        </ActionForm>
    }
}

/// The signed-in staff member (provided by [`AdminShell`]).
pub fn use_viewer() -> Viewer {
    expect_context::<Viewer>()
}
