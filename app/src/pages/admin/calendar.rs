//! The therapist's calendar: the week's appointments and requests in the organization's time
//! zone, requests to accept or decline (with an optional reason, emailed to the requester),
//! and last-minute changes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::client_appointments::AcknowledgeCancellation;
use crate::api::scheduling::{
    get_calendar_inbox, get_calendar_week, CreateCalendarFeed, DecideRequest,
};
use crate::domain::schedule::{BookingStatus, CalendarWeek, RequestView};
use crate::pages::form::{successes, ActionMessage};
use crate::pages::ErrorNotice;

/// `/admin/calendar[?staff=ID&week=YYYY-MM-DD | &day=YYYY-MM-DD]`.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let decide = ServerAction::<DecideRequest>::new();
    let decided = successes(decide.value(), decide.version());
    let acknowledge = ServerAction::<AcknowledgeCancellation>::new();
    let acknowledged = successes(acknowledge.value(), acknowledge.version());
    let inbox = Resource::new(
        move || (decided.get(), acknowledged.get()),
        |_| get_calendar_inbox(),
    );
    let query = use_query_map();
    // `?day=` shows one day (of the week that contains it); `?week=` the whole week.
    let day = move || {
        query.with(|q| {
            q.get("day")
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        })
    };
    let chosen = move || {
        query.with(|q| {
            (
                q.get("staff").and_then(|s| s.parse::<i32>().ok()),
                q.get("day").or_else(|| q.get("week")).unwrap_or_default(),
            )
        })
    };
    let week = Resource::new(
        move || (chosen(), decided.get()),
        |((staff, week), _)| get_calendar_week(staff, week),
    );
    view! {
        <Title text="Calendar"/>
        <h1>"Calendar"</h1>
        <p><A href="/admin/availability">"Your availability"</A></p>
        <ActionMessage value=decide.value() success="Answer saved. The client has been emailed."/>
        <ActionMessage value=acknowledge.value() success="Acknowledged."/>
        <FeedPanel/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (inbox.await, week.await) {
                    (Ok(inbox), Ok(week)) => view! {
                        <WeekView week day=day()/>
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
                                            <li>
                                                <span><strong>{r.client_name.clone()}</strong>" · "{r.when.clone()}</span>
                                                <span class="tag">"Cancelled at the last minute"</span>
                                                <ActionForm action=acknowledge attr:class="inline">
                                                    <input type="hidden" name="booking_id" value=r.id/>
                                                    <button type="submit" class="secondary">"Acknowledge"<span class="sr-only">{format!(" {} {}", r.client_name, r.when)}</span></button>
                                                </ActionForm>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Subscribing to one's own appointments from a calendar app: the private link is shown once.
#[component]
fn FeedPanel() -> impl IntoView {
    let create = ServerAction::<CreateCalendarFeed>::new();
    view! {
        <details class="panel">
            <summary>"Subscribe in your calendar app"</summary>
            <p class="hint">"A private link to your appointments, with clients' first names only. Anyone with the link can read it: creating a new link stops the old one."</p>
            <ActionForm action=create>
                <button type="submit" class="secondary">"Create a private link"</button>
            </ActionForm>
            {move || create.value().get().map(|r| match r {
                Ok(url) => view! {
                    <label for="feed-url">"Your private calendar link (copy it now; it is shown only once)"</label>
                    <input id="feed-url" type="text" readonly=true value=url class="feed-url"/>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </details>
    }
}

/// One therapist's week, a day per column on wide screens and stacked on narrow ones; or, with
/// `day`, that one day.
#[component]
fn WeekView(week: CalendarWeek, day: Option<chrono::NaiveDate>) -> impl IntoView {
    let staff = week.staff_id;
    let at = move |key: &str, date: chrono::NaiveDate| {
        format!(
            "/admin/calendar?staff={staff}&{key}={}",
            date.format("%Y-%m-%d")
        )
    };
    let step = chrono::Duration::days(if day.is_some() { 1 } else { 7 });
    let anchor = day.unwrap_or(week.monday);
    let key = if day.is_some() { "day" } else { "week" };
    let (previous, next) = (at(key, anchor - step), at(key, anchor + step));
    let (older, newer) = if day.is_some() {
        ("Previous day", "Next day")
    } else {
        ("Previous week", "Next week")
    };
    let heading = match day {
        Some(d) => format!("{} · {}", week.staff_name, d.format("%A %-d %B %Y")),
        None => format!(
            "{} · week of {}",
            week.staff_name,
            week.monday.format("%-d %B %Y")
        ),
    };
    let week_link = day.map(|_| at("week", week.monday));
    let days: Vec<_> = week
        .days
        .into_iter()
        .filter(|d| day.is_none_or(|only| d.date == only))
        .collect();
    view! {
        <section aria-labelledby="week-heading">
            <h2 id="week-heading">{heading}</h2>
            <Form method="GET" action="/admin/calendar" attr:class="inline-form">
                <label for="calendar-staff">"Therapist"</label>
                <select id="calendar-staff" name="staff">
                    {week.staff_choices.into_iter().map(|(id, name)| view! { <option value=id selected=id == staff>{name}</option> }).collect_view()}
                </select>
                <label for="calendar-week">"Week of"</label>
                <input id="calendar-week" type="date" name="week" value=week.monday.format("%Y-%m-%d").to_string()/>
                <button type="submit" class="secondary">"Show"</button>
            </Form>
            <nav class="pager" aria-label="Calendar pages">
                <A href=previous>{older}</A>
                <span>{format!("Times in {}", week.time_zone)}</span>
                <A href=next>{newer}</A>
                {week_link.map(|href| view! { <A href=href>"Whole week"</A> })}
            </nav>
            <ol class=if day.is_some() { "week one-day" } else { "week" }>
                {days.into_iter().map(|d| view! {
                    <li class="day">
                        <h3><A href=at("day", d.date)>{d.label}</A></h3>
                        {if d.items.is_empty() {
                            view! { <p class="empty">"Free"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="day-items">
                                    {d.items.into_iter().map(|item| view! {
                                        <li class=if item.status == BookingStatus::Requested { "item requested" } else { "item" }>
                                            <span class="time">{item.time}</span>" "
                                            <A href=format!("/admin/clients/{}", item.client_id)>{item.client_name}</A>
                                            <span class="meta">{format!(" · {}", if item.status == BookingStatus::Requested { "Requested" } else { item.service.as_str() })}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ol>
        </section>
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
