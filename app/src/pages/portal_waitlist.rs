//! The waitlist on the portal's Appointments tab: the therapists the client waits for (each can
//! be left), and, while this login may schedule, joining a therapist's list with the weekdays and
//! parts of the day that suit. Offers of freed time arrive by email and open the request form.

use leptos::prelude::*;

use super::form::{field_error, last_error, successes, ActionMessage, Submit};
use crate::api::waitlist::{JoinWaitlist, LeaveWaitlist};
use crate::domain::series::WEEKDAYS;
use crate::domain::waitlist::{PartOfDay, PortalWaitlist};

/// The waitlist's two actions, made by the page (its resource reloads after either).
#[derive(Clone, Copy)]
pub struct WaitlistActions {
    pub join: ServerAction<JoinWaitlist>,
    pub leave: ServerAction<LeaveWaitlist>,
}

impl WaitlistActions {
    pub fn new() -> WaitlistActions {
        WaitlistActions {
            join: ServerAction::new(),
            leave: ServerAction::new(),
        }
    }

    /// Changes whenever the client joins or leaves a list.
    pub fn saved(&self) -> impl Fn() -> (usize, usize) + Copy + Send + Sync + 'static {
        let joined = successes(self.join.value(), self.join.version());
        let left = successes(self.leave.value(), self.leave.version());
        move || (joined.get(), left.get())
    }
}

impl Default for WaitlistActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The waitlist section for client `client`.
#[component]
pub fn WaitlistSection(
    client: i32,
    list: PortalWaitlist,
    actions: WaitlistActions,
) -> impl IntoView {
    let WaitlistActions { join, leave } = actions;
    view! {
        <section aria-labelledby="waitlist-heading" class="panel">
            <h2 id="waitlist-heading">"Waitlist"</h2>
            <p class="hint">"No time that suits? Join a therapist's waitlist: when a time that suits frees up, you get an email, and the first request gets it."</p>
            <ActionMessage value=join.value() success="You are on the waitlist. We will email you when a time frees up."/>
            <ActionMessage value=leave.value() success="You left the waitlist."/>
            <WaitlistBody client list join leave/>
        </section>
    }
}

#[component]
fn WaitlistBody(
    client: i32,
    list: PortalWaitlist,
    join: ServerAction<JoinWaitlist>,
    leave: ServerAction<LeaveWaitlist>,
) -> impl IntoView {
    let error = last_error(join.value());
    let message = move |field: &'static str| field_error(error, field);
    view! {
        {if list.entries.is_empty() {
            view! { <p class="empty">"Not on any waitlist."</p> }.into_any()
        } else {
            view! {
                <ul class="rows">
                    {list.entries.into_iter().map(|e| {
                        let who = format!(" {}'s waitlist", e.staff_name);
                        view! {
                            <li>
                                <span><strong>{e.staff_name.clone()}</strong>" · "{e.preferences}" · "{e.since}</span>
                                {list.therapists.is_some().then(|| view! {
                                    <ActionForm action=leave attr:class="inline">
                                        <input type="hidden" name="client_id" value=client/>
                                        <input type="hidden" name="entry_id" value=e.id/>
                                        <button type="submit" class="secondary">"Leave"<span class="sr-only">{who}</span></button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {list.therapists.filter(|t| !t.is_empty()).map(|therapists| view! {
            <details class="panel">
                <summary>"Join a waitlist"</summary>
                <ActionForm action=join attr:class="stacked">
                    <input type="hidden" name="client_id" value=client/>
                    <div class="field">
                        <label for="waitlist-staff">"Therapist"</label>
                        <select id="waitlist-staff" name="input[staff_id]">
                            {therapists.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">{message("staff_id")}</p>
                    </div>
                    <fieldset class="weekdays">
                        <legend>"Days that suit"</legend>
                        {WEEKDAYS.iter().map(|(_, key, name)| view! {
                            <label class="check" for=format!("waitlist-{key}")>
                                <input type="checkbox" id=format!("waitlist-{key}") name=format!("input[days][{key}]") value="true"/>
                                {*name}
                            </label>
                        }).collect_view()}
                        <p class="field-error" aria-live="polite">{message("weekdays")}</p>
                    </fieldset>
                    <fieldset class="weekdays">
                        <legend>"Times that suit"</legend>
                        {PartOfDay::ALL.iter().map(|(_, key, label)| view! {
                            <label class="check" for=format!("waitlist-{key}")>
                                <input type="checkbox" id=format!("waitlist-{key}") name=format!("input[{key}]") value="true"/>
                                {*label}
                            </label>
                        }).collect_view()}
                        <p class="field-error" aria-live="polite">{message("parts_of_day")}</p>
                    </fieldset>
                    <Submit label="Join the waitlist" pending_label="Joining…" pending=join.pending()/>
                </ActionForm>
            </details>
        })}
    }
}
