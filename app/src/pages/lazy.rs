//! The route views a browser loads on demand. Each is a split point of the browser bundle
//! (`cargo leptos build --split`): the staff admin, the account pages and every portal page but
//! the portal home are fetched as separate WASM chunks when a route first needs them, so a parent
//! reading the portal home never downloads the calendar or the form builder. On the server they
//! render like any other view.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::{
    account, admin, own_account, portal_access_log, portal_appointments, portal_forms,
    portal_insurance, portal_messages, portal_payments, two_step,
};

/// Declares, for each page component, a unit route type whose view is loaded lazily.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        #[doc = concat!("The lazily loaded route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    ForgotPassword => account::ForgotPasswordPage,
    SetPassword => account::SetPasswordPage,
    Unlock => account::UnlockPage,
    SecondStep => two_step::SecondStepPage,
    Account => own_account::AccountPage,
    AdminShell => admin::AdminShell,
    Clients => admin::clients::ClientsPage,
    NewClient => admin::client_new::NewClientPage,
    Client => admin::client_page::ClientPage,
    Submission => admin::client_forms::SubmissionPage,
    Calendar => admin::calendar::CalendarPage,
    Availability => admin::availability::AvailabilityPage,
    Messages => admin::messages::MessagesPage,
    Thread => admin::messages::ThreadPage,
    Payments => admin::payments::PaymentsPage,
    Payment => admin::payments::PaymentPage,
    OrganizationLayout => admin::organization::OrganizationLayout,
    Organization => admin::organization::OrganizationPage,
    ClientPortalSettings => admin::client_portal::ClientPortalPage,
    AuditLog => admin::audit::AuditLogPage,
    Outbox => admin::outbox::OutboxPage,
    Forms => admin::form_builder::FormsPage,
    FormBuilder => admin::form_builder::FormBuilderPage,
    Payers => admin::payers::PayersPage,
    Locations => admin::locations::LocationsPage,
    Staff => admin::staff::StaffPage,
    PortalForms => portal_forms::PortalFormsPage,
    PortalForm => portal_forms::PortalFormPage,
    PortalAppointments => portal_appointments::PortalAppointmentsPage,
    PortalPayments => portal_payments::PortalPaymentsPage,
    PayAppointment => portal_payments::PayAppointmentPage,
    PortalReceipt => portal_payments::PortalReceiptPage,
    PortalInsurance => portal_insurance::PortalInsurancePage,
    PortalMessages => portal_messages::PortalMessagesPage,
    PortalAccessLog => portal_access_log::PortalAccessLogPage,
}
