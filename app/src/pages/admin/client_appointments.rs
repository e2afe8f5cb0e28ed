//! A client's appointments on the client's page: making one (therapist, location or telehealth,
//! local date and time, duration, service and price), and the list of upcoming and past ones,
//! where staff change (reschedule and edit) or cancel each with a reason. The server refuses a
//! time that is already taken.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::client_appointments::{ChangeAppointment, StaffCancelAppointment};
use crate::api::scheduling::CreateAppointment;
use crate::domain::client::StaffRef;
use crate::domain::client_appointments::{ClientAppointment, ClientAppointments};
use crate::domain::intake::LocationRef;
use crate::domain::schedule::AppointmentInput;
use crate::domain::series::SeriesScope;
use crate::error::AppError;
use crate::pages::form::{field_error, last_error, successes, ActionMessage, Submit};
use crate::pages::icons::{Icon, SvgIcon};

/// The list's actions, and which appointment's form was sent last (its errors show there).
#[derive(Clone, Copy)]
pub struct AppointmentActions {
    pub change: ServerAction<ChangeAppointment>,
    pub cancel: ServerAction<StaffCancelAppointment>,
    editing: RwSignal<Option<i32>>,
}

impl AppointmentActions {
    pub fn new() -> AppointmentActions {
        AppointmentActions {
            change: ServerAction::new(),
            cancel: ServerAction::new(),
            editing: RwSignal::new(None),
        }
    }

    /// Changes whenever a change or a cancellation succeeds.
    pub fn saved(&self) -> impl Fn() -> (usize, usize) + Copy + Send + Sync + 'static {
        let change = successes(self.change.value(), self.change.version());
        let cancel = successes(self.cancel.value(), self.cancel.version());
        move || (change.get(), cancel.get())
    }
}

impl Default for AppointmentActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The fields of an appointment form; `prefix` keeps the ids of several forms apart.
#[component]
pub(super) fn AppointmentFields(
    prefix: String,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    initial: AppointmentInput,
    error: Signal<Option<AppError>>,
    /// The date field's label ("First date" for a series).
    #[prop(default = "Date")]
    date_label: &'static str,
) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let message = move |field: &'static str| field_error(error, field);
    let mut durations = vec![30, 45, 60, 90, 120];
    let current: i64 = initial.duration_minutes.parse().unwrap_or(60);
    if !durations.contains(&current) {
        durations.push(current);
        durations.sort_unstable();
    }
    let (staff_id, location) = (initial.staff_id, initial.location.clone());
    view! {
        <div class="field">
            <label for=id("staff")>"Therapist"</label>
            <select id=id("staff") name="input[staff_id]">
                {therapists.into_iter().map(|s| view! { <option value=s.id selected=s.id == staff_id>{s.name}</option> }).collect_view()}
            </select>
            <p class="field-error" aria-live="polite">{message("staff_id")}</p>
        </div>
        <div class="field">
            <label for=id("location")>"Where"</label>
            <select id=id("location") name="input[location]">
                {locations.into_iter().map(|l| {
                    let value = l.id.to_string();
                    let selected = value == location;
                    view! { <option value=value selected=selected>{l.name}</option> }
                }).collect_view()}
                <option value="telehealth" selected=initial.location == "telehealth">"Telehealth"</option>
            </select>
            <p class="field-error" aria-live="polite">{message("location")}</p>
        </div>
        <div class="field">
            <label for=id("date")>{date_label}</label>
            <input id=id("date") type="date" name="input[date]" value=initial.date required=true/>
            <p class="field-error" aria-live="polite">{message("date")}</p>
        </div>
        <div class="field">
            <label for=id("time")>"Start time"</label>
            <input id=id("time") type="time" name="input[time]" value=initial.time required=true/>
            <p class="field-error" aria-live="polite">{message("time")}</p>
        </div>
        <div class="field">
            <label for=id("duration")>"Duration"</label>
            <select id=id("duration") name="input[duration_minutes]">
                {durations.into_iter().map(|m| view! { <option value=m.to_string() selected=m == current>{format!("{m} minutes")}</option> }).collect_view()}
            </select>
            <p class="field-error" aria-live="polite">{message("duration_minutes")}</p>
        </div>
        <div class="field">
            <label for=id("service")>"Service"</label>
            <input id=id("service") type="text" name="input[service]" value=initial.service required=true/>
            <p class="field-error" aria-live="polite">{message("service")}</p>
        </div>
        <div class="field">
            <label for=id("price")>"Price in dollars (optional)"</label>
            <input id=id("price") type="text" inputmode="decimal" name="input[price]" value=initial.price/>
            <p class="field-error" aria-live="polite">{message("price")}</p>
        </div>
        <div class="field">
            <label for=id("video")>"Video link (telehealth, optional; blank for the therapist's)"</label>
            <input id=id("video") type="url" name="input[video_link]" value=initial.video_link/>
            <p class="field-error" aria-live="polite">{message("video_link")}</p>
        </div>
    }
}

/// A new appointment's form: an hour of "Therapy session" with the first therapist, at the
/// first location.
pub(super) fn blank_appointment(
    therapists: &[StaffRef],
    locations: &[LocationRef],
) -> AppointmentInput {
    AppointmentInput {
        duration_minutes: "60".into(),
        service: "Therapy session".into(),
        location: locations
            .first()
            .map(|l| l.id.to_string())
            .unwrap_or_default(),
        staff_id: therapists.first().map(|s| s.id).unwrap_or_default(),
        ..Default::default()
    }
}

/// The new-appointment panel, above the list.
#[component]
pub fn NewAppointment(
    client_id: i32,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    action: ServerAction<CreateAppointment>,
) -> impl IntoView {
    let error = last_error(action.value());
    let initial = blank_appointment(&therapists, &locations);
    view! {
        <p><A href="/admin/calendar">"Open the calendar"</A></p>
        {if therapists.is_empty() {
            view! { <p class="hint">"Assign a therapist to make appointments."</p> }.into_any()
        } else {
            view! {
                <details class="panel">
                    <summary>"New appointment"</summary>
                    <ActionForm action=action attr:class="stacked">
                        <input type="hidden" name="client_id" value=client_id/>
                        <AppointmentFields prefix="appt".into() therapists locations initial error/>
                        <ActionMessage value=action.value() success="Appointment made."/>
                        <Submit label="Make appointment" pending_label="Saving…" pending=action.pending()/>
                    </ActionForm>
                </details>
            }.into_any()
        }}
    }
}

/// The client's upcoming appointments (each with its change and cancel forms) and past ones.
#[component]
pub fn AppointmentList(
    client_id: i32,
    list: ClientAppointments,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    actions: AppointmentActions,
) -> impl IntoView {
    let done = move || {
        let changed = actions.change.value().with(|v| matches!(v, Some(Ok(()))));
        let cancelled = actions.cancel.value().with(|v| matches!(v, Some(Ok(()))));
        match (changed, cancelled) {
            (_, true) => Some("Appointment cancelled. The family was emailed."),
            (true, _) => Some("Appointment changed. The family was emailed."),
            _ => None,
        }
        .map(|text| view! { <p class="form-success" role="status">{text}</p> })
    };
    view! {
        {done}
        <h3>"Upcoming"</h3>
        {if list.upcoming.is_empty() {
            view! { <p class="empty">"No upcoming appointments."</p> }.into_any()
        } else {
            view! {
                <ul class="rows appointments">
                    {list.upcoming.into_iter().map(|a| view! {
                        <UpcomingRow client_id appointment=a therapists=therapists.clone() locations=locations.clone() actions/>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h3>"Past"</h3>
        {if list.past.is_empty() {
            view! { <p class="empty">"No past appointments."</p> }.into_any()
        } else {
            view! {
                <ul class="rows appointments">
                    {list.past.into_iter().map(|a| view! { <li class="appointment"><Summary appointment=a/></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn Summary(appointment: ClientAppointment) -> impl IntoView {
    let a = appointment;
    view! {
        <div>
            <strong>{a.when.clone()}</strong>
            <div class="meta">{format!("{} · {} · {}", a.staff_name, a.place, a.service)}</div>
            <div class="meta status">{format!("{} · {}", a.status.label(), a.payment.label())}{a.last_minute.then_some(" · last-minute")}</div>
            {a.cancellation.clone().map(|c| view! { <div class="meta">{c}</div> })}
            {a.series.clone().map(|pattern| view! { <div class="meta series"><SvgIcon icon=Icon::Repeat/>{format!("Series: {pattern}")}</div> })}
        </div>
    }
}

#[component]
fn UpcomingRow(
    client_id: i32,
    appointment: ClientAppointment,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    actions: AppointmentActions,
) -> impl IntoView {
    let id = appointment.id;
    let active = appointment.is_active();
    let in_series = appointment.series.is_some();
    let initial = appointment.as_input();
    // The therapist it is with stays choosable even if not assigned any more.
    let mut therapists = therapists;
    if !therapists.iter().any(|s| s.id == appointment.staff_id) {
        therapists.insert(
            0,
            StaffRef {
                id: appointment.staff_id,
                name: appointment.staff_name.clone(),
                is_therapist: true,
                active: true,
            },
        );
    }
    let editing = actions.editing;
    let mine = move |error: Signal<Option<AppError>>| {
        Signal::derive(move || error.get().filter(|_| editing.get() == Some(id)))
    };
    let change_error = mine(last_error(actions.change.value()));
    let cancel_error = mine(last_error(actions.cancel.value()));
    let label = format!("{} with {}", appointment.when, appointment.staff_name);
    let (change_label, cancel_label) = (label.clone(), label);
    view! {
        <li class="appointment">
            <Summary appointment/>
            {active.then(|| view! {
                <div on:submit=move |_| editing.set(Some(id))>
                    <details class="panel">
                        <summary>"Change"<span class="sr-only">{format!(" {change_label}")}</span></summary>
                        <ActionForm action=actions.change attr:class="stacked">
                            <input type="hidden" name="client_id" value=client_id/>
                            <input type="hidden" name="booking_id" value=id/>
                            <AppointmentFields prefix=format!("change-{id}") therapists locations initial error=change_error/>
                            {in_series.then(|| view! { <ScopeField id=format!("change-{id}-scope")/> })}
                            {move || change_error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                            <Submit label="Save changes" pending_label="Saving…" pending=actions.change.pending()/>
                        </ActionForm>
                    </details>
                    <details class="panel">
                        <summary>"Cancel"<span class="sr-only">{format!(" {cancel_label}")}</span></summary>
                        <ActionForm action=actions.cancel attr:class="stacked">
                            <input type="hidden" name="client_id" value=client_id/>
                            <input type="hidden" name="booking_id" value=id/>
                            <div class="field">
                                <label for=format!("cancel-{id}-reason")>"Reason (the family sees it)"</label>
                                <textarea id=format!("cancel-{id}-reason") name="input[reason]" rows="2" required=true></textarea>
                                <p class="field-error" aria-live="polite">{move || cancel_error.get().and_then(|e| e.field("reason"))}</p>
                            </div>
                            <label for=format!("cancel-{id}-by-client") class="check">
                                <input type="checkbox" id=format!("cancel-{id}-by-client") name="input[by_client]" value="true"/>
                                "The client asked to cancel"
                            </label>
                            {in_series.then(|| view! { <ScopeField id=format!("cancel-{id}-scope")/> })}
                            {move || cancel_error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                            <Submit label="Cancel appointment" pending_label="Cancelling…" pending=actions.cancel.pending()/>
                        </ActionForm>
                    </details>
                </div>
            })}
        </li>
    }
}

/// Which appointments of the series a change or a cancellation applies to.
#[component]
fn ScopeField(id: String) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Apply to"</label>
            <select id=id name="scope">
                {SeriesScope::CHOICES.iter().map(|(_, value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
            </select>
        </div>
    }
}
