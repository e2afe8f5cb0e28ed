//! Organization → Audit Log: every recorded action, newest first, with people and records by
//! name; narrowed by client, person, kind of action and days with a plain GET form, and
//! downloadable as CSV with the same filter.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::settings::list_audit_log;
use crate::domain::audit::{ActionKind, AuditFilter, AuditPage, PersonChoice};
use crate::domain::paging::PageAt;
use crate::error::AppError;
use crate::pages::{page_at, ErrorNotice, Pager};

const LOG: &str = "/admin/organization/audit-log";

/// The log's address with `filter`, at its first page.
fn href(filter: &AuditFilter) -> String {
    match filter.query() {
        q if q.is_empty() => LOG.to_owned(),
        q => format!("{LOG}?{q}"),
    }
}

/// `/admin/organization/audit-log[?client=ID&person=REF&kind=KEY&from=DAY&to=DAY][&after=…]`.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(|q| AuditFilter::from_query(|k| q.get(k))));
    // The filter is checked here first, by the rule the server checks it by again.
    let log = Resource::new(
        move || (filter.get(), page_at(&query)),
        |(filter, at): (AuditFilter, PageAt)| async move {
            filter.check().map_err(AppError::from)?;
            list_audit_log(filter, at).await
        },
    );
    view! {
        <Title text="Audit Log"/>
        <h1>"Audit Log"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match log.await {
                    Ok(log) => view! { <Filters filter=f.clone() people=log.people.clone() client_name=log.client_name.clone() error=None/> <Entries log filter=f/> }.into_any(),
                    Err(e @ AppError::Invalid(_)) => {
                        let people = (!f.person.is_empty()).then(|| PersonChoice { reference: f.person.clone(), label: f.person.clone() });
                        view! { <Filters filter=f people=people.into_iter().collect() client_name=None error=Some(e)/> }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(
    filter: AuditFilter,
    people: Vec<PersonChoice>,
    client_name: Option<String>,
    error: Option<AppError>,
) -> impl IntoView {
    let problem = move |field: &str| error.as_ref().and_then(|e| e.field(field));
    let export = format!(
        "{LOG}.csv{}",
        match filter.query() {
            q if q.is_empty() => String::new(),
            q => format!("?{q}"),
        }
    );
    let all_clients = href(&AuditFilter {
        client: None,
        ..filter.clone()
    });
    view! {
        <Form method="GET" action=LOG attr:class="filters" attr:role="search" attr:aria-label="Filter the audit log">
            {filter.client.map(|id| view! {
                <input type="hidden" name="client" value=id.to_string()/>
                <p class="filter-client">
                    {format!("Client: {}. Every record of the client is included. ", client_name.clone().unwrap_or_default())}
                    <A href=all_clients.clone()>"Show all clients"</A>
                </p>
            })}
            <div class="field">
                <label for="audit-person">"Person"</label>
                <select id="audit-person" name="person">
                    <option value="" selected=filter.person.is_empty()>"Everyone"</option>
                    {people.into_iter().map(|p| {
                        let selected = p.reference == filter.person;
                        view! { <option value=p.reference selected=selected>{p.label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{problem("person")}</p>
            </div>
            <div class="field">
                <label for="audit-kind">"Kind of action"</label>
                <select id="audit-kind" name="kind">
                    <option value="" selected=filter.kind.is_empty()>"All kinds"</option>
                    {ActionKind::ALL.into_iter().map(|k| view! {
                        <option value=k.key() selected=filter.kind == k.key()>{k.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{problem("kind")}</p>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" type="date" name="from" value=filter.from.clone()/>
                <p class="field-error" aria-live="polite">{problem("from")}</p>
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" type="date" name="to" value=filter.to.clone()/>
                <p class="field-error" aria-live="polite">{problem("to")}</p>
            </div>
            <button type="submit">"Show entries"</button>
        </Form>
        <p class="export"><a href=export rel="external" download="">"Download these entries as CSV"</a></p>
    }
}

#[component]
fn Entries(log: AuditPage, filter: AuditFilter) -> impl IntoView {
    if log.rows.is_empty() {
        return view! { <p class="empty">"No entries."</p> }.into_any();
    }
    let by = |change: &dyn Fn(&mut AuditFilter)| {
        let mut f = filter.clone();
        change(&mut f);
        href(&f)
    };
    let rows = log
        .rows
        .into_iter()
        .map(|r| {
            let person = by(&|f| f.person = r.actor_ref.clone());
            let client = r.client_id.map(|c| by(&|f| f.client = Some(c)));
            view! {
                <tr>
                    <td><time datetime=r.at_utc>{r.at}</time></td>
                    <td><A href=person attr:title="Only this person's entries">{r.actor}</A></td>
                    <td>{r.action_label}</td>
                    <td>{match client {
                        Some(link) => view! { <A href=link attr:title="Only this client's entries">{r.object}</A> }.into_any(),
                        None => r.object.into_any(),
                    }}</td>
                    <td>{r.old_value.unwrap_or_default()}</td>
                    <td>{r.new_value.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count">{log.paging.count.label("entry", "entries")}</p>
        <div class="table-scroll">
            <table class="audit">
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                    <th scope="col">"About"</th><th scope="col">"Before"</th><th scope="col">"After"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager label="Audit log pages" paging=log.paging base=href(&filter) words=("Newer", "Older")/>
    }
    .into_any()
}
