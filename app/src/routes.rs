//! The document shell, the routes of the staff admin and the client portal, and the browser entry
//! point of the main bundle (behind the `routes` feature: the islands bundle has none of them).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::pages::islands::IslandScripts;
use crate::pages::{lazy, portal, sign_in::SignInPage, Home, NotFound};

/// The HTML document around the app, rendered on the server. Sign-in and most portal pages are
/// islands pages ([`crate::pages::islands`]): they load a small islands bundle instead of the
/// main one.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy, with the nonce of its inline hydration script.
    #[cfg(feature = "ssr")]
    crate::server::csp::set_for_page();
    #[cfg(feature = "ssr")]
    let islands = crate::pages::islands::serve_as_islands(&options);
    #[cfg(not(feature = "ssr"))]
    let islands = false;
    let scripts = if islands {
        view! { <IslandScripts options=options.clone()/> }.into_any()
    } else {
        view! { <HydrationScripts options=options.clone()/> }.into_any()
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                // The stylesheet under its content-hashed name in a release build.
                <HashedStylesheet options=options.clone() id="leptos"/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The routes of the staff admin and the client portal. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works before hydration and without JavaScript. In the browser,
/// the sign-in page and the portal home are in the main bundle (a fresh load of either is an
/// islands page, [`crate::pages::islands`]); every other view is a lazily loaded chunk
/// ([`crate::pages::lazy`]).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Client Portal".to_string() } else { format!("{page} · Client Portal") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home ssr=SsrMode::Async/>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in/two-step") view={Lazy::<lazy::SecondStep>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view={Lazy::<lazy::ForgotPassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view={Lazy::<lazy::SetPassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view={Lazy::<lazy::SetPassword>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/unlock") view={Lazy::<lazy::Unlock>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("/admin") view={Lazy::<lazy::AdminShell>::new()} ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<lazy::Clients>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("clients") view={Lazy::<lazy::Clients>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("clients/new") view={Lazy::<lazy::NewClient>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("clients/:id") view={Lazy::<lazy::Client>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("clients/:id/forms/:form") view={Lazy::<lazy::Submission>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("calendar") view={Lazy::<lazy::Calendar>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("availability") view={Lazy::<lazy::Availability>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("messages") view={Lazy::<lazy::Messages>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("messages/:client") view={Lazy::<lazy::Thread>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("payments") view={Lazy::<lazy::Payments>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("payments/:id") view={Lazy::<lazy::Payment>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("account") view={Lazy::<lazy::Account>::new()} ssr=SsrMode::Async/>
                    <ParentRoute path=path!("organization") view={Lazy::<lazy::OrganizationLayout>::new()} ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<lazy::Organization>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("client-portal") view={Lazy::<lazy::ClientPortalSettings>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("audit-log") view={Lazy::<lazy::AuditLog>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("outbox") view={Lazy::<lazy::Outbox>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("forms") view={Lazy::<lazy::Forms>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("forms/:id") view={Lazy::<lazy::FormBuilder>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("payers") view={Lazy::<lazy::Payers>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("staff") view={Lazy::<lazy::Staff>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("locations") view={Lazy::<lazy::Locations>::new()} ssr=SsrMode::Async/>
                    </ParentRoute>
                </ParentRoute>
                <ParentRoute path=path!("/portal") view=portal::PortalShell ssr=SsrMode::Async>
                    <Route path=path!("") view=portal::PortalHome ssr=SsrMode::Async/>
                    <Route path=path!("account") view={Lazy::<lazy::Account>::new()} ssr=SsrMode::Async/>
                    <ParentRoute path=path!("clients/:id") view=portal::PortalClientLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=portal::PortalClientPage ssr=SsrMode::Async/>
                        <Route path=path!("forms") view={Lazy::<lazy::PortalForms>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("appointments") view={Lazy::<lazy::PortalAppointments>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("forms/:form") view={Lazy::<lazy::PortalForm>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("payments") view={Lazy::<lazy::PortalPayments>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("payments/:booking") view={Lazy::<lazy::PayAppointment>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("receipts/:payment") view={Lazy::<lazy::PortalReceipt>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("insurance") view={Lazy::<lazy::PortalInsurance>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("messages") view={Lazy::<lazy::PortalMessages>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("access-log") view={Lazy::<lazy::PortalAccessLog>::new()} ssr=SsrMode::Async/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The browser entry point, called by the `frontend` crate: loads the chunks of the current route,
/// then hydrates the server-rendered page, then marks `<body data-hydrated="true">` (a signal for
/// end-to-end tests, and curious humans, that the page is now interactive).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    wasm_bindgen_futures::spawn_local(async {
        let body = document().body().expect("the page has a <body>");
        leptos::mount::hydrate_from_async(body.clone(), App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
