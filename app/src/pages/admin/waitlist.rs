//! A therapist's waitlist on the Calendar (administrators: the therapist shown, or everyone's):
//! the waiting clients, oldest first, with their preferences and the offers sent; staff take a
//! client off the list.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::waitlist::RemoveFromWaitlist;
use crate::domain::waitlist::StaffWaitlistEntry;
use crate::pages::form::ActionMessage;

/// The waiting clients of the therapist shown (or of everyone), with Remove.
#[component]
pub fn StaffWaitlist(
    rows: Vec<StaffWaitlistEntry>,
    remove: ServerAction<RemoveFromWaitlist>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="waitlist-heading">
            <h2 id="waitlist-heading">"Waitlist"</h2>
            <ActionMessage value=remove.value() success="Taken off the waitlist."/>
            {if rows.is_empty() {
                view! { <p class="empty">"Nobody is waiting."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows waitlist">
                        {rows.into_iter().map(|r| {
                            let who = format!(" {} from {}'s waitlist", r.client_name, r.staff_name);
                            let offers = match r.offers {
                                0 => String::new(),
                                1 => " · 1 offer sent".to_owned(),
                                n => format!(" · {n} offers sent"),
                            };
                            view! {
                                <li>
                                    <span>
                                        <A href=format!("/admin/clients/{}", r.client_id)>{r.client_name.clone()}</A>
                                        {format!(" · {} · {} · {}{offers}", r.staff_name, r.preferences, r.since)}
                                    </span>
                                    <ActionForm action=remove attr:class="inline">
                                        <input type="hidden" name="entry_id" value=r.id/>
                                        <button type="submit" class="secondary">"Remove"<span class="sr-only">{who}</span></button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
