//! Organization administration: the side menu, and the overview with the practice's profile,
//! locations, staff and the credit-card processing status.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};

use crate::api::organization::{get_organization, UpdateOrganizationProfile};
use crate::api::payments::{get_stripe_keys, SaveStripeKeys};
use crate::api::settings::{get_portal_settings, SetCardProcessing};
use crate::domain::organization::ProfileSaved;
use crate::domain::payments::StripeKeysView;
use crate::domain::portal_settings::{CardProcessor, PortalSettings};
use crate::error::AppError;
use crate::pages::admin::practice_profile::{PracticeProfile, ReminderHours};
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::ErrorNotice;

/// The Organization area: a side menu beside the selected page (administrators only; the
/// server refuses everyone else).
#[component]
pub fn OrganizationLayout() -> impl IntoView {
    view! {
        <div class="with-side-menu">
            <nav class="side-menu" aria-label="Organization">
                <A href="/admin/organization" exact=true>"Overview"</A>
                <A href="/admin/organization/staff">"Staff"</A>
                <A href="/admin/organization/locations">"Locations"</A>
                <A href="/admin/organization/client-portal">"Client Portal"</A>
                <A href="/admin/organization/forms">"Intake Forms"</A>
                <A href="/admin/organization/payers">"Payers"</A>
                <A href="/admin/organization/audit-log">"Audit Log"</A>
                <A href="/admin/organization/outbox">"Outbox"</A>
            </nav>
            <div class="side-content"><Outlet/></div>
        </div>
    }
}

/// `/admin/organization`.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let profile_action = ServerAction::<UpdateOrganizationProfile>::new();
    // Reloaded once a change is saved, not when a time zone waits for its confirmation.
    let profile_saved = Memo::new(move |previous: Option<&usize>| {
        let version = profile_action.version().get();
        let saved = profile_action
            .value()
            .with(|v| matches!(v, Some(Ok(ProfileSaved::Saved))));
        match (saved, previous) {
            (false, Some(previous)) => *previous,
            _ => version,
        }
    });
    let overview = Resource::new(move || profile_saved.get(), |_| get_organization());
    // Created beside `overview`, not inside its Suspense, so that hydration finds both resolved.
    let card_action = ServerAction::<SetCardProcessing>::new();
    let card_settings = Resource::new(
        move || card_action.version().get(),
        |_| get_portal_settings(),
    );
    let keys_action = ServerAction::<SaveStripeKeys>::new();
    let keys_saved = successes(keys_action.value(), keys_action.version());
    let stripe_keys = Resource::new(move || keys_saved.get(), |_| get_stripe_keys());
    view! {
        <Title text="Organization"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(org) => view! {
                        <h1>{org.name.clone()}</h1>
                        <PracticeProfile org=org.clone() action=profile_action/>
                        <ReminderHours hours=org.reminder_hours/>
                        <CardProcessing action=card_action settings=card_settings/>
                        <StripeKeys action=keys_action keys=stripe_keys/>
                        <h2>"Locations"</h2>
                        <p><A href="/admin/organization/locations">"Add, edit and archive locations"</A></p>
                        <ul>
                            {org.locations.into_iter().map(|l| view! {
                                <li><strong>{l.name}</strong>" — "{l.address}{l.telehealth.then_some(" (telehealth)")}</li>
                            }).collect_view()}
                        </ul>
                        <h2>"Staff"</h2>
                        <p><A href="/admin/organization/staff">"Invite, edit and deactivate staff"</A></p>
                        <table>
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Roles"</th></tr></thead>
                            <tbody>
                                {org.staff.into_iter().map(|s| {
                                    let roles = match (s.is_admin, s.is_therapist) {
                                        (true, true) => "Administrator, therapist",
                                        (true, false) => "Administrator",
                                        (false, true) => "Therapist",
                                        (false, false) => "Staff",
                                    };
                                    view! { <tr><td>{s.name}</td><td>{s.email}</td><td>{roles}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The credit-card processing status and the form that changes it.
#[component]
fn CardProcessing(
    action: ServerAction<SetCardProcessing>,
    settings: Resource<Result<PortalSettings, AppError>>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="card-heading" class="panel">
            <h2 id="card-heading">"Credit-card processing"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    settings.await.ok().map(|s| {
                        let current = s.card_processor;
                        let status = match current {
                            Some(p) => format!("Enabled with {}.", p.label()),
                            None => "Not enabled. Payments through the portal stay off until it is.".to_string(),
                        };
                        view! {
                            <p class="status">{status}</p>
                            <ActionForm action=action attr:class="inline-form">
                                <label for="card-processor">"Card processor"</label>
                                <select id="card-processor" name="processor">
                                    <option value="" selected=current.is_none()>"Not enabled"</option>
                                    // What this server offers, and the current choice even if
                                    // it no longer is (so the page shows what is set).
                                    {CardProcessor::ALL.into_iter().filter(|p| s.offered.contains(p) || current == Some(*p)).map(|p| view! {
                                        <option value=p.key() selected=current == Some(p)>{p.label()}</option>
                                    }).collect_view()}
                                </select>
                                <Submit label="Save" pending_label="Saving…" pending=action.pending()/>
                            </ActionForm>
                        }
                    })
                })}
            </Transition>
            <ActionMessage value=action.value() success="Saved."/>
        </section>
    }
}

/// The organization's Stripe keys: what is saved (last four characters only) and a form that
/// replaces them. Choosing Stripe above needs them.
#[component]
fn StripeKeys(
    action: ServerAction<SaveStripeKeys>,
    keys: Resource<Result<Option<StripeKeysView>, AppError>>,
) -> impl IntoView {
    let field = move |name: &'static str, id: &'static str, label: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name=format!("input[{name}]") type="password" autocomplete="off" required/>
                <p class="field-error" aria-live="polite">{server_error(action.value(), name)}</p>
            </div>
        }
    };
    view! {
        <section aria-labelledby="stripe-heading" class="panel">
            <h2 id="stripe-heading">"Stripe keys"</h2>
            <p class="meta">"Keys are stored encrypted and never shown again, except their last four characters. Paying with Stripe needs the internet: the card form comes from js.stripe.com."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(Some(k)) => view! {
                            <p class="status">{format!(
                                "Saved {}: secret key …{}, publishable key …{}, webhook secret …{}.",
                                k.updated, k.secret_key_last4, k.publishable_key_last4, k.webhook_secret_last4
                            )}</p>
                            <p>"Webhook endpoint for the Stripe dashboard: " <code>{k.webhook_path}</code>
                               " (after this site's address); events: payment_intent.succeeded, payment_intent.payment_failed."</p>
                        }.into_any(),
                        Ok(None) => view! { <p class="status">"No Stripe keys saved."</p> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=action attr:class="stacked">
                {field("secret_key", "stripe-secret", "Secret key (sk_…)")}
                {field("publishable_key", "stripe-publishable", "Publishable key (pk_…)")}
                {field("webhook_secret", "stripe-webhook", "Webhook signing secret (whsec_…)")}
                <ActionMessage value=action.value() success="Stripe keys saved."/>
                <Submit label="Save Stripe keys" pending_label="Saving…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
