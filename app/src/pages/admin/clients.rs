//! The client list: search by name and pagination, scoped to what the viewer may see.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::use_viewer;
use crate::api::clients::list_clients;
use crate::pages::{encode, page_at, ErrorNotice, Pager, SearchForm};

/// `/admin/clients` (also `/admin`).
#[component]
pub fn ClientsPage() -> impl IntoView {
    let viewer = use_viewer();
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let clients = Resource::new(
        move || (search(), page_at(&query)),
        |(q, at)| list_clients(q, at),
    );
    let base = move || match search() {
        q if q.is_empty() => "/admin/clients".to_owned(),
        q => format!("/admin/clients?q={}", encode(&q)),
    };
    view! {
        <Title text="Clients"/>
        <div class="page-head">
            <h1>"Clients"</h1>
            {viewer.is_admin().then(|| view! { <A href="/admin/clients/new" attr:class="button">"New client"</A> })}
        </div>
        <SearchForm action="/admin/clients" id="client-search" label="Search clients by name" value=Signal::derive(search)/>
        <Transition fallback=|| view! { <p>"Loading clients…"</p> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Ok(list) if list.clients.is_empty() => view! {
                        <p class="empty">{if search().is_empty() { "No clients yet." } else { "No clients match this search." }}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <p class="count" aria-live="polite">{list.paging.count.label("client", "clients")}</p>
                        <table class="clients">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Date of birth"</th><th scope="col">"Email"</th></tr></thead>
                            <tbody>
                                {list.clients.into_iter().map(|c| view! {
                                    <tr>
                                        <td><A href=format!("/admin/clients/{}", c.id)>{c.name}</A></td>
                                        <td>{c.date_of_birth.format("%Y-%m-%d").to_string()}</td>
                                        <td>{c.email.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager label="Client pages" paging=list.paging base=base()/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
