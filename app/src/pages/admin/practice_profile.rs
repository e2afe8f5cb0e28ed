//! The practice's profile on Organization → Overview: its name, time zone and the contact email
//! and phone the portal's footer shows. A new time zone is saved only after the page has said
//! what it does and the administrator has confirmed.

use leptos::prelude::*;

use crate::api::organization::UpdateOrganizationProfile;
use crate::api::reminders::SetReminderHours;
use crate::domain::organization::{OrganizationOverview, ProfileSaved, TimeZoneChange, TIME_ZONES};
use crate::domain::reminders::{describe, MAX_HOURS};
use crate::pages::form::{server_error, ActionMessage, Submit};

/// The profile form; `action` answers with [`ProfileSaved`].
#[component]
pub fn PracticeProfile(
    org: OrganizationOverview,
    action: ServerAction<UpdateOrganizationProfile>,
) -> impl IntoView {
    let field = move |key: &'static str, label: &'static str, value: String, kind: &'static str| {
        let id = format!("profile-{key}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id name=format!("input[{key}]") type=kind value=value/>
                <p class="field-error" aria-live="polite">{server_error(action.value(), key)}</p>
            </div>
        }
    };
    let current = org.time_zone.clone();
    let mut zones: Vec<String> = TIME_ZONES.iter().map(|z| z.to_string()).collect();
    if !zones.contains(&current) {
        zones.insert(0, current.clone());
    }
    let confirming = move || {
        action.value().with(|v| match v {
            Some(Ok(ProfileSaved::ConfirmTimeZone(change))) => Some(change.clone()),
            _ => None,
        })
    };
    let saved = move || {
        action
            .value()
            .with(|v| matches!(v, Some(Ok(ProfileSaved::Saved))))
            .then(|| view! { <p class="form-success" role="status">"Saved."</p> })
    };
    view! {
        <section class="panel" aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Practice profile"</h2>
            <ActionForm action=action attr:class="stacked">
                {field("name", "Practice name", org.name.clone(), "text")}
                <div class="field">
                    <label for="profile-time_zone">"Time zone"</label>
                    <select id="profile-time_zone" name="input[time_zone]">
                        {zones.into_iter().map(|z| {
                            let selected = z == current;
                            view! { <option value=z.clone() selected=selected>{z.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{server_error(action.value(), "time_zone")}</p>
                </div>
                {field("contact_email", "Contact email for the portal (optional)", org.contact_email.clone(), "email")}
                {field("contact_phone", "Contact phone for the portal (optional)", org.contact_phone.clone(), "tel")}
                <ActionMessage value=action.value()/>
                {saved}
                <Submit label="Save profile" pending_label="Saving…" pending=action.pending()/>
            </ActionForm>
            {move || confirming().map(|change| view! { <ConfirmTimeZone change action/> })}
        </section>
    }
}

/// What a new time zone does, and the button that saves it.
#[component]
fn ConfirmTimeZone(
    change: TimeZoneChange,
    action: ServerAction<UpdateOrganizationProfile>,
) -> impl IntoView {
    let input = change.input.clone();
    let hidden = move |key: &'static str, value: String| {
        view! { <input type="hidden" name=format!("input[{key}]") value=value/> }
    };
    view! {
        <div class="confirm panel" role="alertdialog" aria-labelledby="confirm-zone-heading" aria-describedby="confirm-zone-text">
            <h3 id="confirm-zone-heading">{format!("Change the time zone from {} to {}?", change.from, change.to)}</h3>
            <ul id="confirm-zone-text">
                {change.explanation().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <ActionForm action=action attr:class="inline">
                {hidden("name", input.name)}
                {hidden("time_zone", input.time_zone)}
                {hidden("contact_email", input.contact_email)}
                {hidden("contact_phone", input.contact_phone)}
                {hidden("confirm_time_zone", "true".into())}
                <button type="submit">{format!("Change to {}", change.to)}</button>
            </ActionForm>
        </div>
    }
}

/// How many hours before an appointment families are reminded by email (0: none).
#[component]
pub fn ReminderHours(hours: u32) -> impl IntoView {
    let action = ServerAction::<SetReminderHours>::new();
    // What is in force: the last value saved here, or the one the page was loaded with.
    let saved = move || {
        action.value().with(|v| match v {
            Some(Ok(saved)) => *saved,
            _ => hours,
        })
    };
    view! {
        <section class="panel" aria-labelledby="reminders-heading">
            <h2 id="reminders-heading">"Appointment reminders"</h2>
            <p class="status" role="status">{move || describe(saved())}</p>
            <ActionForm action=action attr:class="inline-form">
                <label for="reminder-hours">"Hours before the appointment (0 turns reminders off)"</label>
                <input id="reminder-hours" name="hours" type="number" inputmode="numeric"
                    min="0" max=MAX_HOURS.to_string() step="1" value=hours.to_string() required/>
                <Submit label="Save hours" pending_label="Saving…" pending=action.pending()/>
            </ActionForm>
            <p class="field-error" aria-live="polite">{server_error(action.value(), "hours")}</p>
            <ActionMessage value=action.value()/>
            <p class="hint">"Reminders carry only the practice's name, the date and time, a link to the portal and a calendar file. Families can turn them off for themselves."</p>
        </section>
    }
}
