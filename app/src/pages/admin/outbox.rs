//! Organization → Outbox: every email the app wrote while no SMTP server is configured.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::organization::list_outbox;
use crate::pages::{page_at, ErrorNotice, Pager};

/// `/admin/organization/outbox[?after=ID|?before=ID]`.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let outbox = Resource::new(move || page_at(&query), list_outbox);
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match outbox.await {
                    Ok(o) => view! {
                        <p class="lead">{if o.smtp {
                            "Email is delivered through the configured SMTP server, so new messages do not appear here."
                        } else {
                            "No SMTP server is configured, so email is kept here instead of being sent. Newest first."
                        }}</p>
                        {if o.rows.is_empty() {
                            view! { <p class="empty">"No emails."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="rows outbox" aria-label="Emails">
                                    {o.rows.into_iter().map(|m| {
                                        let heading = format!("email-{}", m.id);
                                        let labelled_by = heading.clone();
                                        view! {
                                            <li>
                                                <article class="email" aria-labelledby=labelled_by>
                                                    <h2 id=heading>{m.subject}</h2>
                                                    <p class="meta">"To " <span class="recipient">{m.recipient}</span>" · "{m.at}</p>
                                                    <pre class="email-body">{m.body}</pre>
                                                </article>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <Pager label="Outbox pages" paging=o.paging
                            base="/admin/organization/outbox".to_owned() words=("Newer", "Older")/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
