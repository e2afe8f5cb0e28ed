//! Recurring appointments on a client's page: the appointment's fields with the weekdays and how
//! long it repeats; "Check dates" lists every date with the conflicting ones marked, and the
//! series is then made with those dates skipped, all of it or nothing.

use leptos::prelude::*;

use super::client_appointments::{blank_appointment, AppointmentFields};
use crate::api::series::{CreateSeries, PlanSeries};
use crate::domain::client::StaffRef;
use crate::domain::intake::LocationRef;
use crate::domain::series::{SeriesPlan, WEEKDAYS};
use crate::error::AppError;
use crate::pages::form::{field_error, last_error, successes, Submit};

/// The series' two steps: checking the dates, and making the series.
#[derive(Clone, Copy)]
pub struct SeriesActions {
    pub plan: ServerAction<PlanSeries>,
    pub create: ServerAction<CreateSeries>,
}

impl SeriesActions {
    /// Made in the page's body: once a series is made, its checked dates are put away.
    pub fn new() -> SeriesActions {
        let actions = SeriesActions {
            plan: ServerAction::new(),
            create: ServerAction::new(),
        };
        let made = actions.saved();
        Effect::new(move |before: Option<usize>| {
            let now = made.get();
            if before.is_some_and(|b| b != now) {
                actions.plan.value().set(None);
            }
            now
        });
        actions
    }

    /// Changes whenever a series is made.
    pub fn saved(&self) -> Memo<usize> {
        successes(self.create.value(), self.create.version())
    }
}

impl Default for SeriesActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The "Recurring appointments" panel, below "New appointment".
#[component]
pub fn NewSeries(
    client_id: i32,
    therapists: Vec<StaffRef>,
    locations: Vec<LocationRef>,
    actions: SeriesActions,
) -> impl IntoView {
    let SeriesActions { plan, create } = actions;
    let error = last_error(plan.value());
    let create_error = last_error(create.value());
    let message = move |field: &'static str| field_error(error, field);
    let initial = blank_appointment(&therapists, &locations);
    view! {
        {move || create.value().get().and_then(Result::ok).map(|made| view! {
            <p class="form-success" role="status">{format!(
                "Series made: {} appointments{}.",
                made.made,
                match made.skipped {
                    0 => String::new(),
                    1 => ", 1 date skipped".into(),
                    n => format!(", {n} dates skipped"),
                }
            )}</p>
        })}
        <details class="panel">
            <summary>"Recurring appointments"</summary>
            <ActionForm action=plan attr:class="stacked">
                <input type="hidden" name="client_id" value=client_id/>
                <AppointmentFields prefix="series".into() therapists locations initial error date_label="First date"/>
                <fieldset class="weekdays">
                    <legend>"Repeat every"</legend>
                    {WEEKDAYS.iter().map(|(_, key, name)| view! {
                        <label class="check" for=format!("series-{key}")>
                            <input type="checkbox" id=format!("series-{key}") name=format!("repeat[days][{key}]") value="true"/>
                            {*name}
                        </label>
                    }).collect_view()}
                    <p class="field-error" aria-live="polite">{message("weekdays")}</p>
                </fieldset>
                <div class="field">
                    <label for="series-weeks">"For how many weeks"</label>
                    <input id="series-weeks" type="number" min="1" max="52" inputmode="numeric" name="repeat[weeks]"/>
                    <p class="field-error" aria-live="polite">{message("weeks")}</p>
                </div>
                <div class="field">
                    <label for="series-until">"Or until (the last date)"</label>
                    <input id="series-until" type="date" name="repeat[until]"/>
                    <p class="field-error" aria-live="polite">{message("until")}</p>
                </div>
                {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                <Submit label="Check dates" pending_label="Checking…" pending=plan.pending()/>
            </ActionForm>
            {move || plan.value().get().and_then(Result::ok).map(|p| view! { <SeriesCheck client_id plan=p create/> })}
            {move || create_error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </details>
    }
}

/// The dates of a checked series, the conflicting ones marked, and the button that makes it.
#[component]
fn SeriesCheck(
    client_id: i32,
    plan: SeriesPlan,
    create: ServerAction<CreateSeries>,
) -> impl IntoView {
    let (free, conflicts) = (plan.free(), plan.conflicts());
    let repeat = plan.repeat_skipping_conflicts();
    let input = plan.input.clone();
    let heading = format!("{} · {} dates", plan.pattern, plan.dates.len());
    let button = if conflicts > 0 {
        format!("Make the {free} free appointments (skip {conflicts})")
    } else {
        format!("Make {free} appointments")
    };
    let pending = create.pending();
    let hidden = |name: &str, value: String| view! { <input type="hidden" name=name.to_owned() value=value/> };
    let days: Vec<_> = WEEKDAYS
        .iter()
        .filter(|(day, _, _)| repeat.days.has(*day))
        .map(|(_, key, _)| hidden(&format!("repeat[days][{key}]"), "true".into()))
        .collect();
    view! {
        <section class="series-check" aria-labelledby="series-check-heading">
            <h3 id="series-check-heading">{heading}</h3>
            {(conflicts > 0).then(|| view! {
                <p role="status">{format!("{conflicts} of these dates cannot be made; they are marked and will be skipped.")}</p>
            })}
            <ul class="rows series-dates">
                {plan.dates.into_iter().map(|d| {
                    let class = if d.conflict.is_some() { "conflict" } else { "" };
                    view! {
                        <li class=class>
                            <span>{d.when}</span>
                            {d.conflict.map(|c| view! { <span class="tag warn">{c}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {if free == 0 {
                view! { <p class="empty">"None of these dates is free: change the time or the days."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=create>
                        {hidden("client_id", client_id.to_string())}
                        {hidden("input[staff_id]", input.staff_id.to_string())}
                        {hidden("input[location]", input.location)}
                        {hidden("input[date]", input.date)}
                        {hidden("input[time]", input.time)}
                        {hidden("input[duration_minutes]", input.duration_minutes)}
                        {hidden("input[service]", input.service)}
                        {hidden("input[price]", input.price)}
                        {hidden("input[video_link]", input.video_link)}
                        {days}
                        {hidden("repeat[weeks]", repeat.weeks)}
                        {hidden("repeat[until]", repeat.until)}
                        {hidden("repeat[skip]", repeat.skip)}
                        <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>{button}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
