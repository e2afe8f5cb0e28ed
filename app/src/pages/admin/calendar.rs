//! The therapist's calendar icon page: appointment requests to accept or decline (with an
//! optional reason, emailed to the requester), and last-minute changes.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::scheduling::{get_calendar_inbox, DecideRequest};
use crate::domain::schedule::RequestView;
use crate::pages::form::{successes, ActionMessage};
use crate::pages::ErrorNotice;

/// `/admin/calendar`.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let decide = ServerAction::<DecideRequest>::new();
    let decided = successes(decide.value(), decide.version());
    let inbox = Resource::new(move || decided.get(), |_| get_calendar_inbox());
    view! {
        <Title text="Calendar"/>
        <h1>"Calendar"</h1>
        <ActionMessage value=decide.value() success="Answer saved. The client has been emailed."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) => view! {
                        <section aria-labelledby="requests-heading">
                            <h2 id="requests-heading">"Requests waiting for you"</h2>
                            {if inbox.pending.is_empty() {
                                view! { <p class="empty">"No requests."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="rows requests">
                                        {inbox.pending.into_iter().map(|r| view! { <RequestRow request=r decide/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="changes-heading">
                            <h2 id="changes-heading">"Last-minute cancellations"</h2>
                            {if inbox.last_minute_changes.is_empty() {
                                view! { <p class="empty">"None."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="rows">
                                        {inbox.last_minute_changes.into_iter().map(|r| view! {
                                            <li><span><strong>{r.client_name}</strong>" · "{r.when}</span><span class="tag">"Cancelled at the last minute"</span></li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RequestRow(request: RequestView, decide: ServerAction<DecideRequest>) -> impl IntoView {
    let id = request.id;
    let reason_id = format!("reason-{id}");
    let reason_for = reason_id.clone();
    let who = format!(" {} {}", request.client_name, request.when);
    let who_too = who.clone();
    view! {
        <li class="request">
            <div>
                <strong>{request.client_name.clone()}</strong>" · "{request.when.clone()}
                {request.last_minute.then(|| view! { " " <span class="tag">"Last-minute"</span> })}
                {request.note.clone().map(|n| view! { <p class="meta">"Note: "{n}</p> })}
            </div>
            <ActionForm action=decide attr:class="inline-form">
                <input type="hidden" name="booking_id" value=id/>
                <label for=reason_for>"Reason (optional, sent to the client)"</label>
                <input id=reason_id name="reason" type="text"/>
                <button type="submit" name="accept" value="true">"Accept"<span class="sr-only">{who}</span></button>
                <button type="submit" name="accept" value="false" class="secondary">"Decline"<span class="sr-only">{who_too}</span></button>
            </ActionForm>
        </li>
    }
}
