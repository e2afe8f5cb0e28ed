//! The portal's Payments tab (only while payments are effective for this login): what is owed
//! per appointment with a Pay button, the payments made with their receipts, the payment page
//! with card entry, and the printable receipt.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::card_entry::{
    mount_stripe, sandbox_token, stripe_payment_method, CardError, StripeCard,
};
use super::islands::{card_form, print_button};
use super::receipt::ReceiptView;
use super::{route_id, ErrorNotice};
use crate::api::payments::{get_billing, get_pay_page, get_receipt, pay_appointment};
use crate::domain::payments::{money, CardEntry, CardInput, PayPage, PortalBilling};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

fn base(client: i32) -> String {
    format!("/portal/clients/{client}/payments")
}

/// `/portal/clients/:id/payments`.
#[component]
pub fn PortalPaymentsPage() -> impl IntoView {
    let client = route_id("id");
    let billing = Resource::new(client, get_billing);
    view! {
        <Title text="Payments"/>
        <h1>"Payments"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match billing.await {
                    Ok(b) => view! { <Billing billing=b client=client()/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Billing(billing: PortalBilling, client: i32) -> impl IntoView {
    let total = billing.total_owed_cents();
    let summary = match billing.owed.len() {
        0 => "Nothing is owed. Thank you!".to_string(),
        1 => format!("You owe {} for 1 appointment.", money(total)),
        n => format!("You owe {} for {n} appointments.", money(total)),
    };
    view! {
        <section aria-labelledby="owed-heading">
            <h2 id="owed-heading">"Owed"</h2>
            <p class="lead">{summary}</p>
            <ul class="rows">
                {billing.owed.into_iter().map(|o| {
                    let amount = money(o.amount_cents.into());
                    view! {
                        <li class="row">
                            <div>
                                <strong>{o.when.clone()}</strong>
                                <div class="meta">{format!("{} with {}", o.service, o.staff_name)}</div>
                            </div>
                            <span class="amount">{amount.clone()}</span>
                            // A page load of its own (`rel="external"`), so that the card page's
                            // Content-Security-Policy, which allows Stripe, is the one in force.
                            <a href=format!("{}/{}", base(client), o.booking_id) rel="external" class="button">
                                {format!("Pay {amount}")}<span class="sr-only">{format!(" for {}", o.when)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="paid-heading">
            <h2 id="paid-heading">"Paid"</h2>
            {if billing.paid.is_empty() {
                view! { <p class="empty">"No payments yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {billing.paid.into_iter().map(|p| view! {
                            <li class="row">
                                <div>
                                    <strong>{p.when.clone()}</strong>
                                    <div class="meta">
                                        {format!("{} · paid {}", p.service, p.paid_on)}
                                        {(p.refunded_cents > 0).then(|| format!(" · {} refunded", money(p.refunded_cents.into())))}
                                    </div>
                                </div>
                                <span class="amount">{money(p.amount_cents.into())}</span>
                                <A href=format!("/portal/clients/{client}/receipts/{}", p.payment_id)>
                                    "Receipt"<span class="sr-only">{format!(" for {}", p.when)}</span>
                                </A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// `/portal/clients/:id/payments/:booking`: pay one appointment by card. Loaded afresh, as the
/// Pay buttons load it, it is an islands page whose card form is one island (`CardIsland`).
#[component]
pub fn PayAppointmentPage() -> impl IntoView {
    let client = route_id("id");
    let booking = route_id("booking");
    let page = Resource::new(move || (client(), booking()), |(c, b)| get_pay_page(c, b));
    view! {
        <Title text="Pay for an appointment"/>
        <h1>"Pay for an appointment"</h1>
        <p><A href=move || base(client())>"Back to Payments"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => card_form(p, client(), booking()),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The card form. The inputs have no `name`, so that a form submitted before the page is
/// interactive sends nothing; the card goes only to the processor, from the browser. Once paid,
/// the browser loads the receipt (an islands page).
#[component]
pub fn CardForm(page: PayPage, client: i32, booking: i32) -> impl IntoView {
    let amount = money(page.item.amount_cents.into());
    let attempt = RwSignal::new(page.attempt_key.clone());
    let (number, expiry, cvc) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(FieldErrors::default());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ready = RwSignal::new(false);
    // In the browser the mounted card holds JS objects, so it stays on its thread. On the server
    // it is never set, and a thread-local value there would be dropped on whichever worker ends
    // the streamed render: a panic that cut the page off mid-response.
    #[cfg(feature = "hydrate")]
    let stripe = StoredValue::new_local(None::<StripeCard>);
    #[cfg(not(feature = "hydrate"))]
    let stripe = StoredValue::new(None::<StripeCard>);
    let stripe_key = match &page.card_entry {
        CardEntry::Stripe { publishable_key } => Some(publishable_key.clone()),
        CardEntry::Sandbox => None,
    };
    let is_stripe = stripe_key.is_some();
    // Runs in the browser only: the form becomes usable once the page is interactive.
    Effect::new(move |_| match stripe_key.clone() {
        None => ready.set(true),
        Some(key) => leptos::task::spawn_local(async move {
            match mount_stripe(&key, "#stripe-card").await {
                Ok(card) => {
                    stripe.set_value(Some(card));
                    ready.set(true);
                }
                Err(m) => message.set(Some(m)),
            }
        }),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || !ready.get_untracked() {
            return;
        }
        message.set(None);
        let card = CardInput {
            number: number.get_untracked(),
            expiry: expiry.get_untracked(),
            cvc: cvc.get_untracked(),
        };
        if !is_stripe {
            if let Err(e) = card.validate(chrono::Utc::now().date_naive()) {
                errors.set(e);
                return;
            }
        }
        errors.set(FieldErrors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let token = if is_stripe {
                match stripe.with_value(Clone::clone) {
                    Some(card) => stripe_payment_method(&card).await,
                    None => Err(CardError::Message(
                        "Stripe's card form is not ready.".into(),
                    )),
                }
            } else {
                sandbox_token(&card).await
            };
            let outcome = match token {
                Ok(token) => pay_appointment(client, booking, token, attempt.get_untracked())
                    .await
                    .map_err(Some),
                Err(CardError::Fields(f)) => {
                    errors.set(f);
                    Err(None)
                }
                Err(CardError::Message(m)) => {
                    message.set(Some(m));
                    Err(None)
                }
            };
            match outcome {
                Ok(payment) => {
                    let receipt = format!("/portal/clients/{client}/receipts/{payment}");
                    // The button stays busy while the receipt loads.
                    if window().location().assign(&receipt).is_ok() {
                        return;
                    }
                }
                Err(Some(e)) => {
                    if matches!(e, AppError::Declined(_)) {
                        // Nothing was charged: the next try is a new attempt, with a new key.
                        if let Ok(fresh) = get_pay_page(client, booking).await {
                            attempt.set(fresh.attempt_key);
                        }
                    }
                    message.set(Some(e.to_string()));
                }
                Err(None) => {}
            }
            busy.set(false);
        });
    };
    let field = move |name: &'static str| {
        Signal::derive(move || errors.with(|e| e.get(name).map(str::to_owned)))
    };
    let pay_label = format!("Pay {amount}");
    view! {
        <section class="panel" aria-labelledby="pay-summary">
            <h2 id="pay-summary">{format!("{} — {}", page.item.service, amount)}</h2>
            <p>{format!("{} with {}", page.item.when, page.item.staff_name)}</p>
        </section>
        <form class="stacked card-form" on:submit=submit novalidate>
            {if is_stripe {
                view! {
                    <div class="field">
                        <label for="stripe-card">"Card"</label>
                        <div id="stripe-card" class="stripe-card"></div>
                    </div>
                }.into_any()
            } else {
                view! {
                    <p class="meta">"Sandbox: test cards only. 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds."</p>
                    <CardField id="card-number" label="Card number" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value=number error=field("number")/>
                    <div class="field-row">
                        <CardField id="card-expiry" label="Expiry (MM/YY)" autocomplete="cc-exp" placeholder="MM/YY" value=expiry error=field("expiry")/>
                        <CardField id="card-cvc" label="Security code" autocomplete="cc-csc" placeholder="123" value=cvc error=field("cvc")/>
                    </div>
                }.into_any()
            }}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <noscript><p class="form-error">"Paying by card needs JavaScript."</p></noscript>
            <button type="submit" disabled=move || busy.get() || !ready.get() aria-busy=move || busy.get().to_string()>
                {move || if busy.get() { "Paying…".to_string() } else { pay_label.clone() }}
            </button>
        </form>
    }
}

/// The card form on an islands page. The page it is given also comes back from `get_pay_page`
/// after a decline (for the next attempt's key), hence `Reloadable`.
#[cfg(any(feature = "ssr", feature = "task-islands"))]
#[island(lazy)]
pub fn CardIsland(
    page: super::islands::Reloadable<PayPage>,
    client: i32,
    booking: i32,
) -> impl IntoView {
    view! { <CardForm page=page.0 client booking/> }
}

#[component]
fn CardField(
    id: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    placeholder: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                autocomplete=autocomplete
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id.clone() aria-live="polite">{error}</p>
        </div>
    }
}

/// `/portal/clients/:id/receipts/:payment`.
#[component]
pub fn PortalReceiptPage() -> impl IntoView {
    let client = route_id("id");
    let payment = route_id("payment");
    let receipt = Resource::new(move || (client(), payment()), |(c, p)| get_receipt(c, p));
    view! {
        <Title text="Receipt"/>
        <h1 class="no-print">"Receipt"</h1>
        <p class="no-print"><A href=move || base(client())>"Back to Payments"</A></p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(r) => view! { <p class="form-success no-print" role="status">"Paid. Thank you!"</p><ReceiptView receipt=r/>{print_button()} }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
