//! Making an appointment from a client's page: therapist, location or telehealth, local date and
//! time, duration, service and price. The server refuses a time that is already taken.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::scheduling::CreateAppointment;
use crate::domain::client::StaffRef;
use crate::domain::intake::LocationRef;
use crate::pages::form::{field_error, last_error, ActionMessage, Submit};

/// The new-appointment panel.
#[component]
pub fn NewAppointment(
    client_id: i32,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    action: ServerAction<CreateAppointment>,
) -> impl IntoView {
    let error = last_error(action.value());
    let message = move |field: &'static str| field_error(error, field);
    view! {
        <section aria-labelledby="appointments-heading">
            <h2 id="appointments-heading">"Appointments"</h2>
            <p><A href="/admin/calendar">"Open the calendar"</A></p>
            {if therapists.is_empty() {
                view! { <p class="hint">"Assign a therapist to make appointments."</p> }.into_any()
            } else {
                view! {
                    <details class="panel">
                        <summary>"New appointment"</summary>
                        <ActionForm action=action attr:class="stacked">
                            <input type="hidden" name="client_id" value=client_id/>
                            <div class="field">
                                <label for="appt-staff">"Therapist"</label>
                                <select id="appt-staff" name="input[staff_id]">
                                    {therapists.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                                </select>
                                <p class="field-error" aria-live="polite">{message("staff_id")}</p>
                            </div>
                            <div class="field">
                                <label for="appt-location">"Where"</label>
                                <select id="appt-location" name="input[location]">
                                    {locations.into_iter().map(|l| view! { <option value=l.id.to_string()>{l.name}</option> }).collect_view()}
                                    <option value="telehealth">"Telehealth"</option>
                                </select>
                            </div>
                            <div class="field">
                                <label for="appt-date">"Date"</label>
                                <input id="appt-date" type="date" name="input[date]" required=true/>
                                <p class="field-error" aria-live="polite">{message("date")}</p>
                            </div>
                            <div class="field">
                                <label for="appt-time">"Start time"</label>
                                <input id="appt-time" type="time" name="input[time]" required=true/>
                                <p class="field-error" aria-live="polite">{message("time")}</p>
                            </div>
                            <div class="field">
                                <label for="appt-duration">"Duration"</label>
                                <select id="appt-duration" name="input[duration_minutes]">
                                    {[30, 45, 60, 90, 120].into_iter().map(|m| view! { <option value=m.to_string() selected=m == 60>{format!("{m} minutes")}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="appt-service">"Service"</label>
                                <input id="appt-service" type="text" name="input[service]" value="Therapy session" required=true/>
                                <p class="field-error" aria-live="polite">{message("service")}</p>
                            </div>
                            <div class="field">
                                <label for="appt-price">"Price in dollars (optional)"</label>
                                <input id="appt-price" type="text" inputmode="decimal" name="input[price]"/>
                                <p class="field-error" aria-live="polite">{message("price")}</p>
                            </div>
                            <ActionMessage value=action.value() success="Appointment made."/>
                            <Submit label="Make appointment" pending_label="Saving…" pending=action.pending()/>
                        </ActionForm>
                    </details>
                }.into_any()
            }}
        </section>
    }
}
