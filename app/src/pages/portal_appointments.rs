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
use crate::api::scheduling::{
    get_request_slots, list_appointments, CancelAppointment, RequestSlot,
};
use crate::api::waitlist::get_portal_waitlist;
use crate::domain::schedule::{AppointmentView, OpenSlot};

/// `/portal/clients/:id/appointments`.
#[component]
pub fn PortalAppointmentsPage() -> impl IntoView {
    let client = route_id("id");
    let request = ServerAction::<RequestSlot>::new();
    let cancel = ServerAction::<CancelAppointment>::new();
    let (requested, cancelled) = (
        successes(request.value(), request.version()),
        successes(cancel.value(), cancel.version()),
    );
    let appointments = Resource::new(
        move || (client(), requested.get(), cancelled.get()),
        |(c, ..)| list_appointments(c),
    );
    // Open slots only where this login may schedule (the server decides, in one call).
    let slots = Resource::new(
        move || (client(), requested.get(), cancelled.get()),
        |(c, ..)| get_request_slots(c),
    );
    let waitlist_actions = WaitlistActions::new();
    let waitlist_saved = waitlist_actions.saved();
    let waitlist = Resource::new(
        move || (client(), waitlist_saved()),
        |(c, _)| get_portal_waitlist(c),
    );
    view! {
        <Title text="Appointments"/>
        <h1>"Appointments"</h1>
        <ActionMessage value=cancel.value() success="Cancelled."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (list, open, waiting) = (appointments.await, slots.await, waitlist.await);
                match (list, open, waiting) {
                    (Ok(list), Ok(open), Ok(waiting)) => {
                        let (upcoming, past): (Vec<_>, Vec<_>) = list.into_iter().partition(|a| a.upcoming);
                        view! {
                            <AppointmentList heading="Upcoming" empty="No upcoming appointments." items=upcoming client=client() cancel/>
                            {open.map(|slots| view! { <RequestForm slots client=client() action=request/> })}
                            <WaitlistSection client=client() list=waiting actions=waitlist_actions/>
                            <AppointmentList heading="Past" empty="No past appointments." items=past client=client() cancel/>
                        }.into_any()
                    }
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
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
    let id = format!("appointments-{}", heading.to_lowercase());
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
    action: ServerAction<RequestSlot>,
) -> impl IntoView {
    // A waitlist offer's link names its slot: chosen if still open, else said to be taken.
    let offered = use_query_map().with_untracked(|q| q.get("slot"));
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
