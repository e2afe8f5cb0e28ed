//! A therapist's waitlist on the Calendar (administrators: the therapist shown, or everyone's):
//! the waiting clients, oldest first, with their preferences and the offers sent; staff take a
//! client off the list.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::waitlist::{list_waitlist, RemoveFromWaitlist};
use crate::pages::form::{successes, ActionMessage};
use crate::pages::ErrorNotice;

/// The waitlist of `staff` (an id, or `all`).
#[component]
pub fn StaffWaitlist(staff: String) -> impl IntoView {
    let remove = ServerAction::<RemoveFromWaitlist>::new();
    let removed = successes(remove.value(), remove.version());
    let list = Resource::new(
        move || (staff.clone(), removed.get()),
        |(staff, _)| list_waitlist(staff),
    );
    view! {
        <section aria-labelledby="waitlist-heading">
            <h2 id="waitlist-heading">"Waitlist"</h2>
            <ActionMessage value=remove.value() success="Taken off the waitlist."/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">"Nobody is waiting."</p> }.into_any(),
                        Ok(rows) => view! {
                            <ul class="rows waitlist">
                                {rows.into_iter().map(|r| {
                                    let who = format!(" {} from {}'s waitlist", r.client_name, r.staff_name);
                                    view! {
                                        <li>
                                            <span>
                                                <A href=format!("/admin/clients/{}", r.client_id)>{r.client_name.clone()}</A>
                                                {format!(" · {} · {} · {}", r.staff_name, r.preferences, r.since)}
                                                {match r.offers {
                                                    0 => String::new(),
                                                    1 => " · 1 offer sent".to_owned(),
                                                    n => format!(" · {n} offers sent"),
                                                }}
                                            </span>
                                            <ActionForm action=remove attr:class="inline">
                                                <input type="hidden" name="entry_id" value=r.id/>
                                                <button type="submit" class="secondary">"Remove"<span class="sr-only">{who}</span></button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
