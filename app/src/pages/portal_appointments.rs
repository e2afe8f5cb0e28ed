//! The portal's Appointments tab: upcoming and past appointments and requests with their
//! status, cancellation (the server applies the 24-hour rule), and — while self-scheduling is
//! effective for this login — requesting one of the care team's open slots (the one a waitlist
//! offer names, when its link was followed), and the waitlist.

use leptos::prelude::*;
use leptos_meta::Title;

use leptos_router::hooks::use_query_map;

use super::form::{successes, ActionMessage, Submit};
use super::portal_waitlist::{WaitlistActions, WaitlistSection};
use super::{route_id, ErrorNotice};
use crate::api::scheduling::{get_appointments_tab, CancelAppointment, RequestSlot};
use crate::domain::schedule::{AppointmentView, AppointmentsTab, OpenSlot};

/// The tab's actions: requesting a slot, cancelling, and joining or leaving a waitlist.
#[derive(Clone, Copy)]
pub struct AppointmentActions {
    pub request: ServerAction<RequestSlot>,
    pub cancel: ServerAction<CancelAppointment>,
    pub waitlist: WaitlistActions,
}

impl AppointmentActions {
    pub fn new() -> AppointmentActions {
        AppointmentActions {
            request: ServerAction::new(),
            cancel: ServerAction::new(),
            waitlist: WaitlistActions::new(),
        }
    }

    /// Changes whenever one of the actions succeeds: the tab is loaded again.
    pub fn saved(
        &self,
    ) -> impl Fn() -> (usize, usize, (usize, usize)) + Copy + Send + Sync + 'static {
        let requested = successes(self.request.value(), self.request.version());
        let cancelled = successes(self.cancel.value(), self.cancel.version());
        let waitlist = self.waitlist.saved();
        move || (requested.get(), cancelled.get(), waitlist())
    }
}

impl Default for AppointmentActions {
    fn default() -> Self {
        Self::new()
    }
}

/// `/portal/clients/:id/appointments`. Loaded afresh, it is an islands page whose tab is one
/// island (`AppointmentsIsland`); reached by the main bundle's router, the tab is a component.
#[component]
pub fn PortalAppointmentsPage() -> impl IntoView {
    let client = route_id("id");
    // A waitlist offer's link names its slot (`?slot=`).
    let offered = use_query_map().with_untracked(|q| q.get("slot"));
    let actions = AppointmentActions::new();
    let saved = actions.saved();
    let tab = Resource::new(
        move || (client(), saved()),
        |(c, _)| get_appointments_tab(c),
    );
    view! {
        <Title text="Appointments"/>
        <h1>"Appointments"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let offered = offered.clone();
                Suspend::new(async move {
                    match tab.await {
                        Ok(tab) => super::islands::appointments(client(), tab, offered, actions),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The tab's sections, from `tab`: upcoming appointments, the request form (where this login
/// may schedule), the waitlist, and past appointments.
#[component]
pub fn AppointmentsSections(
    client: i32,
    tab: AppointmentsTab,
    offered: Option<String>,
    actions: AppointmentActions,
) -> impl IntoView {
    let AppointmentActions {
        request,
        cancel,
        waitlist,
    } = actions;
    let AppointmentsTab {
        list,
        open,
        waitlist: waiting,
    } = tab;
    let (upcoming, past): (Vec<_>, Vec<_>) = list.into_iter().partition(|a| a.upcoming);
    view! {
        <ActionMessage value=cancel.value() success="Cancelled."/>
        <AppointmentList heading="Upcoming" empty="No upcoming appointments." items=upcoming client cancel/>
        {open.map(|slots| view! { <RequestForm slots client offered action=request/> })}
        <WaitlistSection client list=waiting actions=waitlist/>
        <AppointmentList heading="Past" empty="No past appointments." items=past client cancel/>
    }
}

/// The tab on an islands page: its sections, loaded again after each action that succeeds.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn AppointmentsIsland(
    client: i32,
    tab: super::islands::Reloadable<AppointmentsTab>,
    offered: Option<String>,
) -> impl IntoView {
    let actions = AppointmentActions::new();
    let current = RwSignal::new(tab.0);
    #[cfg(feature = "hydrate")]
    {
        let saved = actions.saved();
        Effect::new(move |previous: Option<(usize, usize, (usize, usize))>| {
            let now = saved();
            if previous.is_some_and(|p| p != now) {
                leptos::task::spawn_local(async move {
                    if let Ok(tab) = get_appointments_tab(client).await {
                        current.set(tab);
                    }
                });
            }
            now
        });
    }
    move || {
        view! { <AppointmentsSections client tab=current.get() offered=offered.clone() actions/> }
    }
}

#[component]
fn AppointmentList(
    heading: &'static str,
    empty: &'static str,
    items: Vec<AppointmentView>,
    client: i32,
    cancel: ServerAction<CancelAppointment>,
) -> impl IntoView {
    // (ASCII: `to_lowercase` would bring Unicode's case tables into the WASM for two words.)
    let id = format!("appointments-{}", heading.to_ascii_lowercase());
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=id>{heading}</h2>
            {if items.is_empty() {
                view! { <p class="empty">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows appointments">
                        {items.into_iter().map(|a| {
                            let active = a.can_cancel;
                            let when = a.when.clone();
                            view! {
                                <li class="appointment">
                                    <div>
                                        <strong>{a.when.clone()}</strong>" with "{a.staff_name.clone()}
                                        <div class="meta">{a.status.label()}{a.last_minute.then_some(" · last-minute")}</div>
                                        {a.decision_reason.clone().map(|r| view! { <div class="meta">"Reason: "{r}</div> })}
                                        {(a.telehealth && a.upcoming && a.join.is_none()).then(|| view! {
                                            <div class="meta">"Telehealth: the Join button appears here 15 minutes before the start."</div>
                                        })}
                                    </div>
                                    {a.join.clone().map(|link| view! {
                                        <a class="button" href=link target="_blank" rel="noopener noreferrer external">
                                            "Join video session"<span class="sr-only">{format!(" {}", a.when)}</span>
                                        </a>
                                    })}
                                    <a href=format!("/portal/clients/{client}/appointments/{}/ics", a.id) download=format!("appointment-{}.ics", a.id) rel="external">
                                        "Add to calendar"<span class="sr-only">{format!(" {}", a.when)}</span>
                                    </a>
                                    {active.then(|| view! {
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="client_id" value=client/>
                                            <input type="hidden" name="booking_id" value=a.id/>
                                            <button type="submit" class="secondary">"Cancel"<span class="sr-only">{format!(" {when}")}</span></button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RequestForm(
    slots: Vec<OpenSlot>,
    client: i32,
    /// The slot a waitlist offer's link names: chosen if still open, else said to be taken.
    offered: Option<String>,
    action: ServerAction<RequestSlot>,
) -> impl IntoView {
    let offer_note = offered.as_ref().map(|key| {
        if slots.iter().any(|s| &s.key() == key) {
            view! { <p class="form-success" role="status">"The time you were offered is chosen below. The first request gets it."</p> }.into_any()
        } else {
            view! { <p class="form-error" role="status">"The time you were offered has been taken. Choose another time, or wait for the next offer."</p> }.into_any()
        }
    });
    view! {
        <section aria-labelledby="request-heading" class="panel">
            <h2 id="request-heading">"Request an appointment"</h2>
            {offer_note}
            {if slots.is_empty() {
                view! { <p class="empty">"No open times in the next three weeks. Please contact the practice."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=action attr:class="stacked">
                        <input type="hidden" name="client_id" value=client/>
                        <div class="field">
                            <label for="request-slot">"Time"</label>
                            <select id="request-slot" name="slot">
                                {slots.into_iter().map(|s| {
                                    let label = format!("{} with {}{}", s.when, s.staff_name, if s.last_minute { " (last-minute)" } else { "" });
                                    let key = s.key();
                                    let selected = offered.as_ref() == Some(&key);
                                    view! { <option value=key selected=selected>{label}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="request-note">"Note for the therapist (optional)"</label>
                            <textarea id="request-note" name="note" rows="2"></textarea>
                        </div>
                        <ActionMessage value=action.value() success="Requested. The therapist will answer, and you will get an email."/>
                        <Submit label="Request this time" pending_label="Requesting…" pending=action.pending()/>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
