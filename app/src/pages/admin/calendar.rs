//! The staff calendar: a week, a day or a month of appointments and requests in the
//! organization's time zone (series marked, filtered by location; administrators also see every
//! therapist's day side by side), requests to accept or decline (with an optional reason,
//! emailed to the requester), and last-minute changes.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::client_appointments::AcknowledgeCancellation;
use crate::api::scheduling::{get_calendar, get_calendar_inbox, CreateCalendarFeed, DecideRequest};
use crate::domain::calendar::{Calendar, CalendarItem, CalendarQuery, CalendarSpan, StaffColumn};
use crate::domain::schedule::{BookingStatus, RequestView};
use crate::pages::form::{successes, ActionMessage};
use crate::pages::icons::{Icon, SvgIcon};
use crate::pages::ErrorNotice;

use super::waitlist::StaffWaitlist;
use crate::api::waitlist::{list_waitlist, RemoveFromWaitlist};

/// `/admin/calendar[?staff=ID|all&view=week|day|month&date=YYYY-MM-DD&location=ID|telehealth]`.
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
    // `?staff=ID|all&view=week|day|month&date=YYYY-MM-DD&location=ID|telehealth`; the older
    // `?week=` and `?day=` addresses still work.
    let asked = move || {
        query.with(|q| {
            let (span, date) = match (q.get("view"), q.get("day"), q.get("month")) {
                (Some(view), ..) => (CalendarSpan::from_key(&view), q.get("date")),
                (None, Some(day), _) => (CalendarSpan::Day, Some(day)),
                (None, None, Some(month)) => (CalendarSpan::Month, Some(month)),
                _ => (CalendarSpan::Week, q.get("date").or_else(|| q.get("week"))),
            };
            CalendarQuery {
                staff: q.get("staff").unwrap_or_default(),
                span,
                date: date.unwrap_or_default(),
                location: q.get("location").unwrap_or_default(),
            }
        })
    };
    let calendar = Resource::new(
        move || (asked(), decided.get()),
        |(query, _)| get_calendar(query),
    );
    // Made here, not inside the calendar's view, so that hydration finds it in the same order.
    let remove = ServerAction::<RemoveFromWaitlist>::new();
    let removed = successes(remove.value(), remove.version());
    let waitlist = Resource::new(
        move || (asked().staff, removed.get()),
        |(staff, _)| list_waitlist(staff),
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
                match (inbox.await, calendar.await, waitlist.await) {
                    (Ok(inbox), Ok(calendar), Ok(waiting)) => view! {
                        <CalendarView calendar/>
                        <StaffWaitlist rows=waiting remove/>
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
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
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

/// The calendar's address for `staff` (an id or `all`), a span, a date and a location.
fn address(staff: &str, span: CalendarSpan, date: NaiveDate, location: &str) -> String {
    let mut href = format!(
        "/admin/calendar?staff={staff}&view={}&date={}",
        span.key(),
        date.format("%Y-%m-%d")
    );
    if !location.is_empty() {
        href.push_str(&format!("&location={location}"));
    }
    href
}

/// The calendar's choices (therapist, span, date, location), its pages, and the days: a day per
/// column on wide screens and stacked on narrow ones; a month as its weeks; every therapist's day
/// side by side.
#[component]
fn CalendarView(calendar: Calendar) -> impl IntoView {
    let span = calendar.span;
    let staff = calendar
        .staff_id
        .map(|id| id.to_string())
        .unwrap_or_else(|| "all".into());
    let location = calendar.location.clone();
    let at = {
        let (staff, location) = (staff.clone(), location.clone());
        move |span: CalendarSpan, date: NaiveDate| address(&staff, span, date, &location)
    };
    let anchor = calendar.anchor;
    let (previous, next) = (
        at(span, span.step(anchor, false)),
        at(span, span.step(anchor, true)),
    );
    let (older, newer) = match span {
        CalendarSpan::Day => ("Previous day", "Next day"),
        CalendarSpan::Week => ("Previous week", "Next week"),
        CalendarSpan::Month => ("Previous month", "Next month"),
    };
    let whole_week = (span == CalendarSpan::Day && calendar.staff_id.is_some())
        .then(|| at(CalendarSpan::Week, anchor));
    let heading = calendar.heading();
    let may_see_all = calendar.staff_choices.len() > 1;
    let day_link = {
        let at = at.clone();
        move |date: NaiveDate| at(CalendarSpan::Day, date)
    };
    let body = if calendar.staff_id.is_none() {
        view! { <TeamDay columns=calendar.columns/> }.into_any()
    } else {
        let class = match span {
            CalendarSpan::Day => "week one-day",
            CalendarSpan::Week => "week",
            CalendarSpan::Month => "week month",
        };
        view! {
            <ol class=class>
                {calendar.days.into_iter().map(|d| {
                    let href = day_link(d.date);
                    view! {
                        <li class=if d.outside { "day outside" } else { "day" }>
                            <h3><A href=href>{d.label}</A></h3>
                            <DayItems items=d.items/>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="week-heading">
            <h2 id="week-heading">{heading}</h2>
            <Form method="GET" action="/admin/calendar" attr:class="inline-form">
                <label for="calendar-staff">"Therapist"</label>
                <select id="calendar-staff" name="staff">
                    {calendar.staff_choices.into_iter().map(|(id, name)| {
                        let selected = calendar.staff_id == Some(id);
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                    {may_see_all.then(|| view! { <option value="all" selected=calendar.staff_id.is_none()>"All therapists (one day)"</option> })}
                </select>
                <label for="calendar-view">"Show"</label>
                <select id="calendar-view" name="view">
                    {[(CalendarSpan::Day, "Day"), (CalendarSpan::Week, "Week"), (CalendarSpan::Month, "Month")].into_iter().map(|(s, label)| view! {
                        <option value=s.key() selected=s == span>{label}</option>
                    }).collect_view()}
                </select>
                <label for="calendar-date">"Date"</label>
                <input id="calendar-date" type="date" name="date" value=anchor.format("%Y-%m-%d").to_string()/>
                <label for="calendar-location">"Location"</label>
                <select id="calendar-location" name="location">
                    <option value="" selected=location.is_empty()>"All locations"</option>
                    <option value="telehealth" selected=location == "telehealth">"Telehealth"</option>
                    {calendar.locations.into_iter().map(|(id, name)| {
                        let selected = location == id.to_string();
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="secondary">"Show"</button>
            </Form>
            <nav class="pager" aria-label="Calendar pages">
                <A href=previous>{older}</A>
                <span>{format!("Times in {}", calendar.time_zone)}</span>
                <A href=next>{newer}</A>
                {whole_week.map(|href| view! { <A href=href>"Whole week"</A> })}
            </nav>
            {body}
        </section>
    }
}

/// A day's appointments and requests, series marked.
#[component]
fn DayItems(items: Vec<CalendarItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">"Free"</p> }.into_any();
    }
    view! {
        <ul class="day-items">
            {items.into_iter().map(|item| {
                let requested = item.status == BookingStatus::Requested;
                view! {
                    <li class=if requested { "item requested" } else { "item" }>
                        <span class="time">{item.time}</span>" "
                        <A href=format!("/admin/clients/{}", item.client_id)>{item.client_name}</A>
                        <span class="meta">{format!(" · {}", if requested { "Requested" } else { item.service.as_str() })}</span>
                        {item.series.then(|| view! { <span class="series-mark" title="Recurring"><SvgIcon icon=Icon::Repeat/><span class="sr-only">" (recurring)"</span></span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }.into_any()
}

/// Every therapist's appointments of one day, a column each.
#[component]
fn TeamDay(columns: Vec<StaffColumn>) -> impl IntoView {
    view! {
        <ol class="team-day">
            {columns.into_iter().map(|c| view! {
                <li class="day">
                    <h3>{c.staff_name}</h3>
                    <DayItems items=c.items/>
                </li>
            }).collect_view()}
        </ol>
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
