//! The pages of the staff admin and the client portal, and the small components they share.

pub mod account;
pub mod admin;
pub mod card_entry;
pub mod form;
pub mod icons;
pub mod idle;
pub mod insurance;
pub mod islands;
#[cfg(feature = "routes")]
pub mod lazy;
pub mod live;
pub mod messages;
pub mod own_account;
pub mod portal;
pub mod portal_access_log;
pub mod portal_appointments;
pub mod portal_forms;
pub mod portal_insurance;
pub mod portal_messages;
pub mod portal_payments;
pub mod portal_waitlist;
pub mod receipt;
pub mod sign_in;
pub mod switch;
pub mod two_step;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, Redirect, A};

use leptos_router::params::ParamsMap;

use crate::api::auth::current_viewer;
pub use crate::domain::paging::encode;
use crate::domain::paging::{PageAt, Paging};
use crate::domain::viewer::Viewer;
use crate::error::AppError;

/// The signed-in person, loaded before the page is sent so that redirects are real HTTP redirects.
pub fn viewer_resource() -> Resource<Result<Option<Viewer>, AppError>> {
    Resource::new_blocking(|| (), |_| current_viewer())
}

/// Loads the signed-in person and renders `frame` for them when they belong in this area (staff in
/// the admin, portal logins in the portal); everyone else is redirected to their home or to sign-in.
/// The viewer is provided as context to the pages inside.
#[component]
pub fn AreaGuard<F, V>(staff: bool, frame: F) -> impl IntoView
where
    F: Fn(Viewer) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let viewer = viewer_resource();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let frame = frame.clone();
                Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(v)) if v.is_staff() == staff => {
                            provide_context(v.clone());
                            frame(v).into_any()
                        }
                        Ok(Some(v)) => view! { <Redirect path=v.home()/> }.into_any(),
                        _ => view! { <Redirect path="/sign-in"/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/`: sends each person to where they work.
#[component]
pub fn Home() -> impl IntoView {
    let viewer = viewer_resource();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let path = match viewer.await {
                    Ok(Some(v)) => v.home(),
                    _ => "/sign-in".to_owned(),
                };
                view! { <Redirect path=path/> }
            })}
        </Suspense>
    }
}

/// Any unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not available"/>
        <main class="centered">
            <h1>"Not available"</h1>
            <p>"There is nothing at this address."</p>
            <p><A href="/">"Go to your home page"</A></p>
        </main>
    }
}

/// A name search that works as a plain GET form before hydration and navigates client-side after it.
#[component]
pub fn SearchForm(
    action: &'static str,
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
) -> impl IntoView {
    view! {
        <Form method="GET" action=action attr:class="search" attr:role="search">
            <label for=id>{label}</label>
            <input id=id type="search" name="q" prop:value=value/>
            <button type="submit">"Search"</button>
        </Form>
    }
}

/// The numeric route parameter `name` (e.g. `id` in `/admin/clients/:id`), 0 when absent.
pub fn route_id(name: &'static str) -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Where a keyset-paged list starts, from the address (`?after=ID` or `?before=ID`).
pub fn page_at(query: &Memo<ParamsMap>) -> PageAt {
    query.with(|q| PageAt::from_query(q.get_str("after"), q.get_str("before")))
}

/// `base` (a path, perhaps with a query) at the page `at`.
pub fn paged(base: &str, at: PageAt) -> String {
    match at.query() {
        q if q.is_empty() => base.to_owned(),
        q if base.contains('?') => format!("{base}&{q}"),
        q => format!("{base}?{q}"),
    }
}

/// The previous and next links of a keyset-paged list; `base` is the list's address without a
/// page position.
#[component]
pub fn Pager(
    label: &'static str,
    paging: Paging,
    base: String,
    #[prop(default = ("Previous", "Next"))] words: (&'static str, &'static str),
) -> impl IntoView {
    (paging.previous.is_some() || paging.next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=label>
                {paging.previous.map(|at| view! { <A href=paged(&base, at) attr:rel="prev">{words.0}</A> })}
                {paging.next.map(|at| view! { <A href=paged(&base, at) attr:rel="next">{words.1}</A> })}
            </nav>
        }
    })
}

/// A page-level error message. A page that is switched off for this client, that this login may
/// not see, or that does not exist says "Not available" the same way everywhere, with a link
/// home; other errors show the server's message.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let (title, home) = match error {
        AppError::Forbidden | AppError::NotFound => ("Not available", true),
        AppError::Unauthenticated => ("Signed out", false),
        _ => ("Something went wrong", false),
    };
    let message = match error {
        AppError::Forbidden | AppError::NotFound => {
            "This is not available to you. It may be switched off for this client, or the \
             address may be wrong. If you think this is a mistake, contact the practice."
                .to_owned()
        }
        _ => error.to_string(),
    };
    view! {
        <section class="notice error" role="alert">
            <h2>{title}</h2>
            <p>{message}</p>
            {home.then(|| view! { <p><A href="/">"Go to your home page"</A></p> })}
        </section>
    }
}
