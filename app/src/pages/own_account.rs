//! The Account page of every login (`/admin/account` for staff, `/portal/account` in the
//! portal): change the password, see the sessions open on other devices and sign them out, and,
//! for staff, set up two-step verification and revoke the calendar feed URL, and, in the portal,
//! turn appointment reminders on or off.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::own_account::{get_account, ChangePassword, EndSession, RevokeCalendarFeed};
use crate::api::reminders::SetMyReminders;
use crate::domain::account::{NewPasswordInput, MIN_PASSWORD};
use crate::domain::own_account::{AccountView, SessionSummary};
use crate::domain::validation;
use crate::pages::form::{input_value, server_error, successes, ActionMessage, Field, Submit};
use crate::pages::switch::SwitchButton;
use crate::pages::two_step::TwoStepSection;
use crate::pages::ErrorNotice;

/// What every login's Account page can do: change the password, sign out another device, and
/// (portal logins) switch reminders. The staff's calendar feed has its own action.
#[derive(Clone, Copy)]
pub struct AccountActions {
    pub change: ServerAction<ChangePassword>,
    pub end: ServerAction<EndSession>,
    pub reminders: ServerAction<SetMyReminders>,
}

impl AccountActions {
    pub fn new() -> AccountActions {
        AccountActions {
            change: ServerAction::new(),
            end: ServerAction::new(),
            reminders: ServerAction::new(),
        }
    }

    /// Changes after a password is changed, a device signed out or reminders switched: the
    /// account is loaded again.
    pub fn saved(&self) -> impl Fn() -> (usize, usize, usize) + Copy + Send + Sync + 'static {
        let changed = successes(self.change.value(), self.change.version());
        let (ended, switched) = (self.end.version(), self.reminders.version());
        move || (changed.get(), ended.get(), switched.get())
    }
}

impl Default for AccountActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The Account page. `/portal/account` loaded afresh is an islands page whose sections are one
/// island (`AccountIsland`); elsewhere they are components of the hydrated page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let actions = AccountActions::new();
    let revoke = ServerAction::<RevokeCalendarFeed>::new();
    let saved = actions.saved();
    let account = Resource::new(move || (saved(), revoke.version().get()), |_| get_account());
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(view) => super::islands::account(view, actions, revoke),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page's sections for any login: the staff's own (two-step verification, the calendar feed)
/// among those of every login.
#[component]
pub fn Account(
    view: AccountView,
    actions: AccountActions,
    revoke: ServerAction<RevokeCalendarFeed>,
) -> impl IntoView {
    let staff = view! {
        {view.two_step.map(|status| view! { <TwoStepSection status/> })}
        {view.calendar_feed.map(|live| view! { <FeedSection live action=revoke/> })}
    };
    view! { <AccountSections view actions staff=staff.into_any()/> }
}

/// The portal's Account page on an islands page (staff never see the portal): every login's
/// sections, loaded again after each action that succeeds.
#[cfg(pages_islands)]
#[island(lazy)]
pub fn AccountIsland(view: super::islands::Reloadable<AccountView>) -> impl IntoView {
    let actions = AccountActions::new();
    let current = RwSignal::new(view.0);
    #[cfg(feature = "hydrate")]
    {
        let saved = actions.saved();
        Effect::new(move |previous: Option<(usize, usize, usize)>| {
            let now = saved();
            if previous.is_some_and(|p| p != now) {
                leptos::task::spawn_local(async move {
                    if let Ok(view) = get_account().await {
                        current.set(view);
                    }
                });
            }
            now
        });
    }
    move || view! { <AccountSections view=current.get() actions/> }
}

/// Every login's sections, with `staff` (the staff's own) before the portal's reminders.
#[component]
fn AccountSections(
    view: AccountView,
    actions: AccountActions,
    #[prop(optional)] staff: Option<AnyView>,
) -> impl IntoView {
    let AccountView {
        name,
        email,
        sessions,
        reminders: wants_reminders,
        ..
    } = view;
    let AccountActions {
        change,
        end,
        reminders,
    } = actions;
    view! {
        <p class="lead">{name}" · "{email.clone()}</p>
        <PasswordSection email action=change/>
        <SessionsSection sessions action=end/>
        {staff}
        {wants_reminders.map(|on| view! { <RemindersSection on action=reminders/> })}
    }
}

/// A portal login's "Email me appointment reminders" switch.
#[component]
fn RemindersSection(on: bool, action: ServerAction<SetMyReminders>) -> impl IntoView {
    let pending = action.pending();
    view! {
        <section aria-labelledby="reminders-heading" class="panel">
            <h2 id="reminders-heading">"Email"</h2>
            <div class="setting">
                <ActionForm action=action attr:class="switch-form">
                    <SwitchButton id="my-reminders" label="Email me appointment reminders" on pending/>
                </ActionForm>
                <div class="switch-note" id="my-reminders-note">
                    <p class="definition">"A reminder before each appointment, with a calendar file. It says only the practice and the time; the details stay in the portal. This applies to your login only."</p>
                </div>
                <ActionMessage value=action.value() success="Saved."/>
            </div>
        </section>
    }
}

#[component]
fn PasswordSection(email: String, action: ServerAction<ChangePassword>) -> impl IntoView {
    let value = action.value();
    view! {
        <section aria-labelledby="password-heading" class="panel">
            <h2 id="password-heading">"Change your password"</h2>
            <p class="hint">"Your other devices are signed out when you save. This one stays signed in."</p>
            <ActionForm action=action>
                <input type="email" name="username" value=email autocomplete="username" hidden=true aria-hidden="true" tabindex="-1"/>
                <Field label="Current password" name="input[current]" id="account-current-password" kind="password"
                    autocomplete="current-password" required=true
                    server_error=server_error(value, "current")
                    check=Arc::new(validation::password_present)/>
                <Field label="New password" name="input[password]" id="account-new-password" kind="password"
                    autocomplete="new-password" required=true
                    server_error=server_error(value, "password")
                    check=Arc::new(NewPasswordInput::check_password)/>
                <Field label="Repeat the new password" name="input[confirm]" id="account-confirm-password" kind="password"
                    autocomplete="new-password" required=true
                    server_error=server_error(value, "confirm")
                    check=Arc::new(move |v: &str| NewPasswordInput::check_confirm(&input_value("account-new-password"), v))/>
                <p class="hint">{format!("At least {MIN_PASSWORD} characters.")}</p>
                <ActionMessage value=value success="Password changed. Your other devices are signed out."/>
                <Submit label="Change password" pending_label="Saving…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn SessionsSection(
    sessions: Vec<SessionSummary>,
    action: ServerAction<EndSession>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="sessions-heading" class="panel">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <ActionMessage value=action.value() success="That device is signed out."/>
            <ul class="rows sessions">
                {sessions.into_iter().map(|s| {
                    let label = format!("Sign out {}, last used {}", s.device, s.last_used);
                    view! {
                        <li class="session">
                            <div>
                                <strong>{s.device.clone()}</strong>
                                {s.current.then(|| view! { " "<span class="badge-text">"(this device)"</span> })}
                                <div class="meta">{format!("Signed in {} · last used {}", s.signed_in, s.last_used)}</div>
                            </div>
                            {(!s.current).then(|| view! {
                                <ActionForm action=action attr:class="inline">
                                    <input type="hidden" name="handle" value=s.handle.clone()/>
                                    <button type="submit" class="secondary" aria-label=label>"Sign out"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn FeedSection(live: bool, action: ServerAction<RevokeCalendarFeed>) -> impl IntoView {
    view! {
        <section aria-labelledby="feed-heading" class="panel">
            <h2 id="feed-heading">"Calendar feed"</h2>
            {if live {
                view! {
                    <p>"A private calendar link is active. Revoke it if it may have been shared; create a new one from the Calendar page."</p>
                    <ActionForm action=action>
                        <button type="submit" class="secondary">"Revoke the calendar link"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p>"No calendar link is active. Create one from the Calendar page."</p> }.into_any()
            }}
            <ActionMessage value=action.value() success="Calendar link revoked."/>
        </section>
    }
}
