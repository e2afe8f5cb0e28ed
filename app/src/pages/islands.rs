//! Sign-in, the pages behind its links and most of the portal as islands pages (the home, the
//! account; of a client every page: the forms, a form to fill in, appointments, payments, paying
//! one, a receipt, insurance, messages, access log: [`islands_bundle`]).
//! The server renders them whole, and the browser loads only an islands bundle
//! (`frontend/islands`) instead of the main one: it makes the pages' interactive parts work
//! (the sign-in form, the idle dialog, the Messages tab's unread badge, a receipt's Print
//! button, the conversation with its reply form, the Appointments tab, the account's forms; in
//! the task pages' bundle, a form to fill in and the card form; in the insurance bundle, the
//! policies and their form) and nothing else, so a parent's phone downloads no router and no
//! other page. Islands shown by one page only are lazy: each is a WASM file of its own, loaded
//! only by a page that shows it.
//! Every link loads a page. Other pages hydrate whole with the main bundle; when its router
//! shows one of these pages after a navigation, it renders the same views as components.

use leptos::prelude::*;

use super::idle::IdleGuard;
use super::insurance::InsuranceSection;
use super::messages::Thread;
use super::own_account::{Account, AccountActions};
use super::portal_appointments::{AppointmentActions, AppointmentsSections};
use crate::api::insurance::SavePolicy;
use crate::api::messages::SendMessage;
use crate::api::own_account::RevokeCalendarFeed;
use crate::domain::account::LinkInfo;
use crate::domain::forms::{Answers, FormDefinition};
use crate::domain::insurance::InsuranceView;
use crate::domain::messages::Conversation;
use crate::domain::own_account::AccountView;
use crate::domain::payments::PayPage;
use crate::domain::schedule::AppointmentsTab;

/// An island's data that the island also loads again through a server function, carried in
/// its props as JSON text and read back with `serde_json::from_slice`, the reader of server
/// functions' answers. Leptos reads an island's props with `from_str`, a second reader: as a
/// plain prop, every struct in the data was compiled twice into the island's WASM file.
#[derive(Clone, Debug, PartialEq)]
pub struct Reloadable<T>(pub T);

impl<T: serde::Serialize> serde::Serialize for Reloadable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = leptos::serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for Reloadable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        leptos::serde_json::from_slice(text.as_bytes())
            .map(Reloadable)
            .map_err(serde::de::Error::custom)
    }
}

/// The islands bundles. Each lazy island grows the code its bundle's islands share (the entry
/// module and the shared chunks), so the portal's task pages and Billing & Insurance Info, whose
/// islands are large forms, have bundles of their own and leave the other pages' files as they
/// were.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IslandsBundle {
    /// Sign-in and the pages behind its links, the portal's home, account and pages of links,
    /// Appointments and Messages (`frontend/islands` as built by default).
    Pages,
    /// A form to fill in and card entry (`frontend/islands` with its `tasks` feature, which
    /// turns on this crate's `task-islands`).
    Tasks,
    /// Billing & Insurance Info (`frontend/islands` with its `insurance` feature, which turns on
    /// this crate's `insurance-island`).
    Insurance,
}

/// Provided by the shell on the server when this request's page is served as islands.
#[derive(Clone, Copy, Debug)]
pub struct IslandsPage(pub IslandsBundle);

/// Whether this page is being rendered as islands (never in the browser's router).
pub fn is_islands_page() -> bool {
    use_context::<IslandsPage>().is_some()
}

/// Whether the page at `path` is served as islands, and with which bundle: the sign-in page,
/// the portal's home (`/portal`: the clients a login acts for) and its account
/// (`/portal/account`), and of a client (`/portal/clients/:id/…`) the home, the list of forms,
/// Appointments, the Payments tab, a receipt, Messages and "Who has seen my information", and
/// the pages behind sign-in's links (a forgotten password, a welcome or reset link, unlock);
/// with the task bundle, a form to fill in and paying an appointment by card; with a bundle of
/// its own, Billing & Insurance Info. Their interactive parts are islands; the second sign-in
/// step and the staff admin hydrate whole with the main bundle.
pub fn islands_bundle(path: &str) -> Option<IslandsBundle> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let is_id = |id: &str| id.parse::<i32>().is_ok();
    let pages = match parts.as_slice() {
        ["", "sign-in" | "forgot-password" | "welcome" | "reset-password" | "unlock"]
        | ["", "portal"]
        | ["", "portal", "account"] => true,
        ["", "portal", "clients", id] => is_id(id),
        ["", "portal", "clients", id, "forms" | "appointments" | "payments" | "messages" | "access-log"] => {
            is_id(id)
        }
        ["", "portal", "clients", id, "receipts", payment] => is_id(id) && is_id(payment),
        ["", "portal", "clients", id, "forms" | "payments", n] if is_id(id) && is_id(n) => {
            return Some(IslandsBundle::Tasks);
        }
        ["", "portal", "clients", id, "insurance"] if is_id(id) => {
            return Some(IslandsBundle::Insurance);
        }
        _ => false,
    };
    pages.then_some(IslandsBundle::Pages)
}

/// Whether the page at `path` is served as islands ([`islands_bundle`]).
pub fn is_islands_path(path: &str) -> bool {
    islands_bundle(path).is_some()
}

/// Decides, from the request, whether its page is served as islands, and tells the views
/// (and where that page's bundle is).
#[cfg(feature = "ssr")]
pub fn serve_as_islands(options: &LeptosOptions) -> bool {
    let bundle =
        use_context::<http::request::Parts>().and_then(|parts| islands_bundle(parts.uri.path()));
    if let Some(bundle) = bundle {
        provide_context(IslandsPage(bundle));
        provide_context(bundle::Served::new(bundle, options));
    }
    bundle.is_some()
}

/// A lazy island's files (`island`: its name in snake case without `_island`), preloaded in the
/// page's head: the browser fetches them alongside the bundle's entry instead of only once the
/// entry runs and hydrates the island.
#[cfg(feature = "ssr")]
fn preload(island: &str) -> impl IntoView {
    use leptos_meta::Link;
    let files = use_context::<bundle::Served>()
        .map(|served| served.island_files(island))
        .unwrap_or_default();
    files
        .into_iter()
        .map(|href| {
            view! { <Link rel="preload" href as_="fetch" type_="application/wasm" crossorigin="anonymous"/> }
        })
        .collect_view()
}

/// The idle dialog of a page: an island on an islands page, else a component that follows the
/// router's navigations.
pub fn idle_watch(idle_seconds: u32) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        return view! { <IdleIsland idle_seconds/> }.into_any();
    }
    view! { <IdleGuard idle_seconds/> }.into_any()
}

/// The Messages tab's unread badge: an island on an islands page, else `unread` (the shell's
/// live count for this client), kept current by the page's stream.
pub fn messages_badge(
    client: i32,
    initial: u32,
    unread: impl Fn() -> u32 + Send + Sync + 'static,
) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        return view! { <UnreadIsland client initial/> }.into_any();
    }
    let _ = (client, initial);
    (move || unread_badge(unread())).into_any()
}

/// The sign-in form: an island on an islands page (after it, the browser loads the person's
/// home), else a component of the hydrated page.
pub fn sign_in_form() -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        return view! { {preload("sign_in")} <SignInIsland/> }.into_any();
    }
    view! { <super::sign_in::SignInForm/> }.into_any()
}

/// The form of `/welcome` and `/reset-password` (a new password for a valid link): an island on
/// an islands page, else a component of the hydrated page.
pub fn password_form(info: LinkInfo, token: String) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::account::PasswordIsland;
        return view! { {preload("password")} <PasswordIsland info token/> }.into_any();
    }
    view! { <super::account::PasswordForm info token/> }.into_any()
}

/// The form of `/forgot-password`: an island on an islands page, else a component.
pub fn forgot_password_form() -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::account::ForgotPasswordIsland;
        return view! { {preload("forgot_password")} <ForgotPasswordIsland/> }.into_any();
    }
    view! { <super::account::ForgotPasswordForm/> }.into_any()
}

/// The button of `/unlock`: an island on an islands page, else a component.
pub fn unlock_form(token: String) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::account::UnlockIsland;
        return view! { {preload("unlock")} <UnlockIsland token/> }.into_any();
    }
    view! { <super::account::UnlockForm token/> }.into_any()
}

/// A receipt's Print button: an island on an islands page, else a component of the hydrated page.
pub fn print_button() -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        return view! { <PrintIsland/> }.into_any();
    }
    view! { <super::receipt::PrintButton/> }.into_any()
}

/// The portal's conversation: an island on an islands page, else the hydrated page's thread,
/// which `send` and the page's resource keep current.
pub fn thread(conversation: Conversation, send: ServerAction<SendMessage>) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        let path = use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default();
        let _ = send;
        let conversation = Reloadable(conversation);
        return view! { {preload("conversation")} <ConversationIsland conversation path/> }
            .into_any();
    }
    view! { <Thread conversation action=send off_notice=MESSAGING_OFF/> }.into_any()
}

/// The Appointments tab: an island on an islands page, else the hydrated page's sections, which
/// `actions` and the page's resource keep current.
pub fn appointments(
    client: i32,
    tab: AppointmentsTab,
    offered: Option<String>,
    actions: AppointmentActions,
) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::portal_appointments::AppointmentsIsland;
        let tab = Reloadable(tab);
        return view! { {preload("appointments")} <AppointmentsIsland client tab offered/> }
            .into_any();
    }
    view! { <AppointmentsSections client tab offered actions/> }.into_any()
}

/// The Account page's sections: an island on an islands page (the portal's), else the hydrated
/// page's, which `actions`, `revoke` and the page's resource keep current.
pub fn account(
    view: AccountView,
    actions: AccountActions,
    revoke: ServerAction<RevokeCalendarFeed>,
) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::own_account::AccountIsland;
        let _ = (actions, revoke);
        let view = Reloadable(view);
        return view! { {preload("account")} <AccountIsland view/> }.into_any();
    }
    view! { <Account view actions revoke/> }.into_any()
}

/// A payment's card form: an island on an islands page, else a component of the hydrated page.
pub fn card_form(page: PayPage, client: i32, booking: i32) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::portal_payments::CardIsland;
        let page = Reloadable(page);
        return view! { {preload("card")} <CardIsland page client booking/> }.into_any();
    }
    view! { <super::portal_payments::CardForm page client booking/> }.into_any()
}

/// A form to fill in: an island on an islands page, else a component of the hydrated page, whose
/// resource reloads the form when `submitted` changes.
pub fn fill_in(
    client: i32,
    form_id: i32,
    definition: FormDefinition,
    answers: Answers,
    submitted: RwSignal<usize>,
) -> AnyView {
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::portal_forms::FillInIsland;
        return view! { {preload("fill_in")} <FillInIsland client form_id definition answers/> }
            .into_any();
    }
    view! { <super::portal_forms::FillIn client form_id definition answers submitted/> }.into_any()
}

/// The portal's insurance policies and the form to add or edit one: an island on an islands
/// page, else the hydrated page's section, which `action` and the page's resource keep current.
pub fn insurance(
    client_id: i32,
    view: InsuranceView,
    action: ServerAction<SavePolicy>,
    editing: Option<i32>,
) -> AnyView {
    let base = format!("/portal/clients/{client_id}/insurance");
    #[cfg(feature = "ssr")]
    if is_islands_page() {
        use super::portal_insurance::InsuranceIsland;
        let _ = action;
        let view = Reloadable(view);
        return view! { {preload("insurance")} <InsuranceIsland client_id view base editing/> }
            .into_any();
    }
    view! { <InsuranceSection client_id view action base editing/> }.into_any()
}

/// What the Messages tab says in place of the reply form when the person may not send.
const MESSAGING_OFF: &str = "Messaging is not available right now.";

// The islands themselves are compiled for the server, which renders them, and for the islands
// bundle that hydrates them, but not into the main bundle, whose router never shows an islands
// page: each island's entry point would be one more export kept in it. The idle dialog and the
// unread badge are in every islands bundle; the other pages' islands only in the default one
// (`pages_islands`, from build.rs: neither `task-islands` nor `insurance-island`), the task
// pages' (`FillInIsland`, `CardIsland`) only in the task bundle, and `InsuranceIsland` only in
// the insurance bundle.

/// The idle dialog on an islands page, where every navigation loads a page (and restarts it).
#[cfg(any(feature = "ssr", not(feature = "routes")))]
#[island]
pub fn IdleIsland(idle_seconds: u32) -> impl IntoView {
    use super::idle::IdleDialog;
    view! { <IdleDialog idle_seconds path=None/> }
}

/// The Messages tab's unread badge on an islands page, kept live by a stream of its own (the
/// page has no shell's live state to share).
#[cfg(any(feature = "ssr", not(feature = "routes")))]
#[island]
pub fn UnreadIsland(client: i32, initial: u32) -> impl IntoView {
    let unread = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        super::live::watch_unread(move |counts| unread.set(counts.of(client)));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = client;
    move || unread_badge(unread.get())
}

/// The sign-in form on the islands sign-in page.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn SignInIsland() -> impl IntoView {
    view! { <super::sign_in::SignInForm/> }
}

/// A receipt's Print button on an islands page.
#[cfg(pages_islands)]
#[island]
pub fn PrintIsland() -> impl IntoView {
    view! { <super::receipt::PrintButton/> }
}

/// The portal's conversation on an islands page: the messages and the reply form. It reloads the
/// conversation after each message sent and whenever it changes live (a message or a read, from
/// anyone); the reply box empties after a send and keeps what is typed while a message arrives.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn ConversationIsland(conversation: Reloadable<Conversation>, path: String) -> impl IntoView {
    use super::form::successes;
    use super::messages::{ReplyForm, ThreadMessages};
    let Reloadable(conversation) = conversation;
    let client_id = conversation.client.id;
    let shown = conversation.shown;
    let send = ServerAction::<SendMessage>::new();
    let sent = successes(send.value(), send.version());
    let current = RwSignal::new(conversation);
    let can_send = Memo::new(move |_| current.with(|c| c.can_send));
    #[cfg(feature = "hydrate")]
    {
        use crate::api::messages::get_conversation;
        // `live`: a reload caused by a live change alone is the page's, not the person's.
        let reload = move |live: bool| {
            leptos::task::spawn_local(async move {
                if let Ok(c) = get_conversation(client_id, Some(shown), live.then_some(true)).await
                {
                    current.set(c);
                }
            });
        };
        Effect::new(move |previous: Option<usize>| {
            let now = sent.get();
            if previous.is_some_and(|p| p != now) {
                reload(false);
            }
            now
        });
        Effect::new(move |_| {
            super::live::watch_conversations(move |id| {
                if id == client_id {
                    reload(true);
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (shown, sent);
    view! {
        {move || view! { <ThreadMessages conversation=current.get() path=path.clone()/> }}
        {move || if can_send.get() {
            view! { <ReplyForm client_id action=send/> }.into_any()
        } else {
            view! { <p class="notice" role="note">{MESSAGING_OFF}</p> }.into_any()
        }}
    }
}

/// An unread badge: the count and, for screen readers, what it counts; nothing at 0. One
/// element around it all: as bare text first in an island, the space before the count failed to
/// hydrate (a panic that stopped every island of a home loaded with unread messages).
pub fn unread_badge(n: u32) -> impl IntoView {
    (n > 0).then(|| {
        view! { <span class="unread">" "<span class="badge">{n}</span><span class="sr-only">" unread"</span></span> }
    })
}

/// The scripts of an islands page, in place of the main bundle's: the islands bundle, preloaded,
/// and the inline script (with this response's nonce) that hydrates each island and then marks
/// `<body data-hydrated="true">`. The rest of the page is rendered without hydration markers.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        let folder = use_context::<bundle::Served>()
            .unwrap_or_else(|| bundle::Served::new(IslandsBundle::Pages, &options))
            .url;
        let (js, wasm) = (bundle::ENTRY_JS, bundle::ENTRY_WASM);
        let script = format!(
            "{}({folder:?}, {js:?}, {wasm:?});",
            include_str!("island_script.js").trim_end()
        );
        let nonce = leptos::nonce::use_nonce();
        Some(view! {
            <link rel="modulepreload" href=format!("{folder}/{js}")/>
            <link rel="modulepreload" href=format!("{folder}/{}", bundle::LOADER_JS)/>
            <link rel="preload" href=format!("{folder}/{wasm}") r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
            <script type="module" nonce=nonce>{script}</script>
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
        None::<()>
    }
}

#[cfg(feature = "ssr")]
mod bundle;

#[cfg(test)]
mod tests {
    use super::{is_islands_path, islands_bundle, IslandsBundle, Reloadable};

    #[test]
    fn reloadable_data_travels_as_json_text_and_comes_back_whole() {
        let data = Reloadable((7, vec!["a \"quoted\" note".to_owned()], Some(true)));
        let props = leptos::serde_json::to_string(&data).unwrap();
        assert_eq!(props, r#""[7,[\"a \\\"quoted\\\" note\"],true]""#);
        let back: Reloadable<(i32, Vec<String>, Option<bool>)> =
            leptos::serde_json::from_str(&props).unwrap();
        assert_eq!(back, data);
        // Text that is not the data is an error, not a default.
        assert!(leptos::serde_json::from_str::<Reloadable<(i32, bool)>>(r#""[7]""#).is_err());
        assert!(leptos::serde_json::from_str::<Reloadable<(i32, bool)>>("[7,true]").is_err());
    }

    #[test]
    fn sign_in_the_portal_home_and_every_page_of_a_client_are_islands_pages() {
        for path in [
            "/sign-in",
            "/forgot-password",
            "/welcome",
            "/reset-password",
            "/unlock",
            "/portal",
            "/portal/",
            "/portal/clients/7",
            "/portal/clients/7/",
            "/portal/clients/7/forms",
            "/portal/clients/7/appointments",
            "/portal/clients/7/payments/",
            "/portal/clients/7/receipts/12",
            "/portal/clients/7/messages",
            "/portal/clients/7/access-log",
            "/portal/clients/7/forms/3",
            "/portal/clients/7/payments/3",
            "/portal/clients/7/insurance",
            "/portal/account",
        ] {
            assert!(is_islands_path(path), "{path}");
        }
        for path in [
            "/",
            "/sign-in/two-step",
            "/welcomes",
            "/admin/account",
            "/portal/account/x",
            "/portal/clients",
            "/portal/clients/x",
            "/portal/clients/7/forms/x",
            "/portal/clients/x/forms/3",
            "/portal/clients/7/payments/x",
            "/portal/clients/7/messages/2",
            "/portal/clients/7/appointments/3/ics",
            "/portal/clients/7/insurance/2",
            "/portal/clients/x/insurance",
            "/portal/clients/x/forms",
            "/portal/clients/7/receipts/x",
            "/admin/clients/7",
            "/admin/payments",
            "/portalx",
        ] {
            assert!(!is_islands_path(path), "{path}");
        }
    }

    #[test]
    fn each_islands_page_loads_its_bundle() {
        for path in [
            "/portal/clients/7/forms/3",
            "/portal/clients/7/forms/3/",
            "/portal/clients/7/payments/12",
        ] {
            assert_eq!(islands_bundle(path), Some(IslandsBundle::Tasks), "{path}");
        }
        for path in [
            "/sign-in",
            "/portal",
            "/portal/account",
            "/portal/clients/7",
            "/portal/clients/7/forms",
            "/portal/clients/7/payments",
            "/portal/clients/7/receipts/12",
            "/portal/clients/7/messages",
        ] {
            assert_eq!(islands_bundle(path), Some(IslandsBundle::Pages), "{path}");
        }
        assert_eq!(
            islands_bundle("/portal/clients/7/insurance/"),
            Some(IslandsBundle::Insurance)
        );
        assert_eq!(islands_bundle("/portal/clients/7/insurance/2"), None);
    }
}
