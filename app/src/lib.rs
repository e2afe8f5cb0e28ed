//! Client Portal's application crate: the shared domain rules, the UI (staff admin and client
//! portal), the server functions, and — behind the `ssr` feature — the server-side services and
//! entities. Compiled with `ssr` into the server and with `hydrate` into the browser bundle.

pub mod api;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use pages::{
    account, admin, portal, portal_appointments, portal_forms, portal_insurance, portal_messages,
    portal_payments, sign_in::SignInPage, Home, NotFound,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The routes of the staff admin and the client portal. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works before hydration and without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Client Portal".to_string() } else { format!("{page} · Client Portal") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home ssr=SsrMode::Async/>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=account::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/welcome") view=account::SetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=account::SetPasswordPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/admin") view=admin::AdminShell ssr=SsrMode::Async>
                    <Route path=path!("") view=admin::clients::ClientsPage ssr=SsrMode::Async/>
                    <Route path=path!("clients") view=admin::clients::ClientsPage ssr=SsrMode::Async/>
                    <Route path=path!("clients/new") view=admin::client_new::NewClientPage ssr=SsrMode::Async/>
                    <Route path=path!("clients/:id") view=admin::client_page::ClientPage ssr=SsrMode::Async/>
                    <Route path=path!("clients/:id/forms/:form") view=admin::client_forms::SubmissionPage ssr=SsrMode::Async/>
                    <Route path=path!("calendar") view=admin::calendar::CalendarPage ssr=SsrMode::Async/>
                    <Route path=path!("availability") view=admin::availability::AvailabilityPage ssr=SsrMode::Async/>
                    <Route path=path!("messages") view=admin::messages::MessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("messages/:client") view=admin::messages::ThreadPage ssr=SsrMode::Async/>
                    <Route path=path!("payments") view=admin::payments::PaymentsPage ssr=SsrMode::Async/>
                    <Route path=path!("payments/:id") view=admin::payments::PaymentPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("organization") view=admin::organization::OrganizationLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=admin::organization::OrganizationPage ssr=SsrMode::Async/>
                        <Route path=path!("client-portal") view=admin::client_portal::ClientPortalPage ssr=SsrMode::Async/>
                        <Route path=path!("audit-log") view=admin::audit::AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("outbox") view=admin::outbox::OutboxPage ssr=SsrMode::Async/>
                        <Route path=path!("forms") view=admin::form_builder::FormsPage ssr=SsrMode::Async/>
                        <Route path=path!("forms/:id") view=admin::form_builder::FormBuilderPage ssr=SsrMode::Async/>
                        <Route path=path!("payers") view=admin::payers::PayersPage ssr=SsrMode::Async/>
                    </ParentRoute>
                </ParentRoute>
                <ParentRoute path=path!("/portal") view=portal::PortalShell ssr=SsrMode::Async>
                    <Route path=path!("") view=portal::PortalHome ssr=SsrMode::Async/>
                    <ParentRoute path=path!("clients/:id") view=portal::PortalClientLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=portal::PortalClientPage ssr=SsrMode::Async/>
                        <Route path=path!("forms") view=portal_forms::PortalFormsPage ssr=SsrMode::Async/>
                        <Route path=path!("appointments") view=portal_appointments::PortalAppointmentsPage ssr=SsrMode::Async/>
                        <Route path=path!("forms/:form") view=portal_forms::PortalFormPage ssr=SsrMode::Async/>
                        <Route path=path!("payments") view=portal_payments::PortalPaymentsPage ssr=SsrMode::Async/>
                        <Route path=path!("payments/:booking") view=portal_payments::PayAppointmentPage ssr=SsrMode::Async/>
                        <Route path=path!("receipts/:payment") view=portal_payments::PortalReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("insurance") view=portal_insurance::PortalInsurancePage ssr=SsrMode::Async/>
                        <Route path=path!("messages") view=portal_messages::PortalMessagesPage ssr=SsrMode::Async/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The browser entry point, called by the `frontend` crate.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
