//! Organization → Audit Log: every recorded action, newest first, optionally for one client.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::settings::list_audit_log;
use crate::domain::settings::Setting;
use crate::pages::{page_at, ErrorNotice, Pager};

/// A readable action name, e.g. "Display Insurance Info (for a client)".
fn describe(action: &str) -> String {
    let setting = |key: &str| {
        Setting::from_key(key)
            .map(Setting::name)
            .unwrap_or("Unknown setting")
    };
    if let Some(key) = action.strip_prefix("setting.organization.") {
        format!("{} (organization-wide)", setting(key))
    } else if let Some(key) = action.strip_prefix("setting.client.") {
        format!("{} (for a client)", setting(key))
    } else {
        action.to_owned()
    }
}

/// `/admin/organization/audit-log[?client=ID][&after=ID|&before=ID]`.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let client = move || query.with(|q| q.get("client").and_then(|c| c.parse::<i32>().ok()));
    let log = Resource::new(
        move || (client(), page_at(&query)),
        |(c, at)| list_audit_log(c, at),
    );
    let base = move || match client() {
        Some(c) => format!("/admin/organization/audit-log?client={c}"),
        None => "/admin/organization/audit-log".to_owned(),
    };
    view! {
        <Title text="Audit Log"/>
        <h1>"Audit Log"</h1>
        {move || client().map(|_| view! {
            <p>"Showing entries for one client. " <A href="/admin/organization/audit-log">"Show all entries"</A></p>
        })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) if log.rows.is_empty() => view! { <p class="empty">"No entries."</p> }.into_any(),
                    Ok(log) => view! {
                        <p class="count">{log.paging.count.label("entry", "entries")}</p>
                        <div class="table-scroll">
                            <table class="audit">
                                <thead><tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                                    <th scope="col">"Object"</th><th scope="col">"Old"</th><th scope="col">"New"</th>
                                </tr></thead>
                                <tbody>
                                    {log.rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.at}</td><td>{r.actor}</td><td>{describe(&r.action)}</td>
                                            <td>{r.object}</td><td>{r.old_value.unwrap_or_default()}</td><td>{r.new_value.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager label="Audit log pages" paging=log.paging base=base() words=("Newer", "Older")/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
