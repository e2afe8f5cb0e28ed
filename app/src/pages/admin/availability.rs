//! `/admin/availability`: a therapist publishes weekly hours and one-day exceptions (time off,
//! extra hours) and chooses the slot length; the portal offers slots from these.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::availability::{
    get_availability, AddAvailability, RemoveAvailability, SetSlotMinutes, SetVideoLink,
};
use crate::domain::availability::{weekday_name, AvailabilityRow};
use crate::pages::form::{field_error, last_error, server_error, successes, ActionMessage, Submit};
use crate::pages::ErrorNotice;

/// `/admin/availability`.
#[component]
pub fn AvailabilityPage() -> impl IntoView {
    let add = ServerAction::<AddAvailability>::new();
    let remove = ServerAction::<RemoveAvailability>::new();
    let slot = ServerAction::<SetSlotMinutes>::new();
    let video = ServerAction::<SetVideoLink>::new();
    let saved = (
        successes(add.value(), add.version()),
        successes(remove.value(), remove.version()),
        successes(slot.value(), slot.version()),
        successes(video.value(), video.version()),
    );
    let view_data = Resource::new(
        move || (saved.0.get(), saved.1.get(), saved.2.get(), saved.3.get()),
        |_| get_availability(),
    );
    let error = last_error(add.value());
    view! {
        <Title text="Availability"/>
        <p><A href="/admin/calendar">"Back to the calendar"</A></p>
        <h1>"Availability"</h1>
        <p class="lead">"Clients can request the open slots of these hours, in the practice's time zone."</p>
        <ActionMessage value=remove.value() success="Removed."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(v) => view! {
                        <Rows heading="Weekly hours" empty="No weekly hours yet." rows=v.weekly weekly=true remove/>
                        <Rows heading="Time off and extra hours" empty="No exceptions." rows=v.exceptions weekly=false remove/>
                        <ActionForm action=slot attr:class="inline-form">
                            <label for="slot-minutes">"Slot length"</label>
                            <select id="slot-minutes" name="minutes">
                                {[30, 45, 60, 90, 120].into_iter().map(|m| view! { <option value=m.to_string() selected=m == v.slot_minutes>{format!("{m} minutes")}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="secondary">"Save slot length"</button>
                        </ActionForm>
                        <ActionMessage value=slot.value() success="Slot length saved."/>
                        <ActionForm action=video attr:class="stacked">
                            <div class="field">
                                <label for="video-link">"Telehealth video link (https; clients see it as Join from 15 minutes before a session)"</label>
                                <input id="video-link" type="url" name="link" value=v.video_link/>
                                <p class="field-error" aria-live="polite">{server_error(video.value(), "link")}</p>
                            </div>
                            <button type="submit" class="secondary">"Save video link"</button>
                        </ActionForm>
                        <ActionMessage value=video.value() success="Video link saved."/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <details class="panel">
            <summary>"Add hours or an exception"</summary>
            <ActionForm action=add attr:class="stacked">
                <div class="field">
                    <label for="avail-kind">"What"</label>
                    <select id="avail-kind" name="input[kind]">
                        <option value="weekly">"Weekly hours"</option>
                        <option value="time_off">"Time off on one day"</option>
                        <option value="extra_hours">"Extra hours on one day"</option>
                    </select>
                    <p class="field-error" aria-live="polite">{field_error(error, "kind")}</p>
                </div>
                <div class="field">
                    <label for="avail-weekday">"Day of the week (weekly hours)"</label>
                    <select id="avail-weekday" name="input[weekday]">
                        {(1..=7).map(|n| view! { <option value=n.to_string()>{weekday_name(n)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="avail-date">"Date (time off or extra hours)"</label>
                    <input id="avail-date" type="date" name="input[date]"/>
                    <p class="field-error" aria-live="polite">{field_error(error, "date")}</p>
                </div>
                <div class="field">
                    <label for="avail-start">"From"</label>
                    <input id="avail-start" type="time" name="input[start]" required=true/>
                    <p class="field-error" aria-live="polite">{field_error(error, "start")}</p>
                </div>
                <div class="field">
                    <label for="avail-end">"Until"</label>
                    <input id="avail-end" type="time" name="input[end]" required=true/>
                    <p class="field-error" aria-live="polite">{field_error(error, "end")}</p>
                </div>
                <ActionMessage value=add.value() success="Added."/>
                <Submit label="Add" pending_label="Adding…" pending=add.pending()/>
            </ActionForm>
        </details>
    }
}

#[component]
fn Rows(
    heading: &'static str,
    empty: &'static str,
    rows: Vec<AvailabilityRow>,
    weekly: bool,
    remove: ServerAction<RemoveAvailability>,
) -> impl IntoView {
    view! {
        <section>
            <h2>{heading}</h2>
            {if rows.is_empty() {
                view! { <p class="empty">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <span><strong>{r.when.clone()}</strong>" "{r.hours.clone()}</span>
                                <ActionForm action=remove attr:class="inline">
                                    <input type="hidden" name="weekly" value=weekly.to_string()/>
                                    <input type="hidden" name="id" value=r.id/>
                                    <button type="submit" class="secondary">"Remove"<span class="sr-only">{format!(" {} {}", r.when, r.hours)}</span></button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
