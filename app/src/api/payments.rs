//! Payments: the portal's Payments tab, payment page, payment and receipt; the staff payments
//! list, a payment with its refunds; the organization's Stripe keys.

use leptos::prelude::*;

use crate::domain::payments::{
    PayPage, PaymentFilter, PaymentList, PortalBilling, Receipt, RefundInput, StaffPayment,
    StripeKeysInput, StripeKeysView,
};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::{payment_admin, payments, refunds},
};

/// What the client owes and has paid (portal).
#[server(endpoint = "get_billing")]
pub async fn get_billing(client_id: i32) -> Result<PortalBilling, AppError> {
    run(|ctx| async move { payments::billing(&ctx, client_id, chrono::Utc::now()).await }).await
}

/// The payment page of an owed appointment, with a fresh attempt key (portal).
#[server(endpoint = "get_pay_page")]
pub async fn get_pay_page(client_id: i32, booking_id: i32) -> Result<PayPage, AppError> {
    run(|ctx| async move {
        payments::pay_page(&ctx, client_id, booking_id, chrono::Utc::now()).await
    })
    .await
}

/// Pays an owed appointment with a processor's card token; returns the payment's id (portal).
#[server(endpoint = "pay_appointment")]
pub async fn pay_appointment(
    client_id: i32,
    booking_id: i32,
    card_token: String,
    attempt_key: String,
) -> Result<i32, AppError> {
    run(|ctx| async move {
        payments::pay(
            &ctx,
            client_id,
            booking_id,
            &card_token,
            &attempt_key,
            chrono::Utc::now(),
        )
        .await
    })
    .await
}

/// The receipt of a payment (portal).
#[server(endpoint = "get_receipt")]
pub async fn get_receipt(client_id: i32, payment_id: i32) -> Result<Receipt, AppError> {
    run(|ctx| async move { payments::receipt(&ctx, client_id, payment_id).await }).await
}

/// The payments of the caller's clients, filtered (staff).
#[server(endpoint = "list_payments")]
pub async fn list_payments(filter: PaymentFilter) -> Result<PaymentList, AppError> {
    run(|ctx| async move { payment_admin::list(&ctx, &filter).await }).await
}

/// One payment with its receipt (staff who see the client).
#[server(endpoint = "get_payment")]
pub async fn get_payment(payment_id: i32) -> Result<StaffPayment, AppError> {
    run(|ctx| async move { payment_admin::detail(&ctx, payment_id).await }).await
}

/// Refunds part or all of a payment; `refund_key` makes a replay harmless (administrators).
#[server(endpoint = "refund_payment")]
pub async fn refund_payment(
    payment_id: i32,
    refund_key: String,
    input: RefundInput,
) -> Result<StaffPayment, AppError> {
    run(|ctx| async move {
        refunds::refund(&ctx, payment_id, &refund_key, &input).await?;
        payment_admin::detail(&ctx, payment_id).await
    })
    .await
}

/// The last four characters of the saved Stripe keys, if any (administrators).
#[server(endpoint = "get_stripe_keys")]
pub async fn get_stripe_keys() -> Result<Option<StripeKeysView>, AppError> {
    run(|ctx| async move { payment_admin::stripe_keys(&ctx).await }).await
}

/// Saves the Stripe keys, sealed at rest (administrators).
#[server(endpoint = "save_stripe_keys")]
pub async fn save_stripe_keys(input: StripeKeysInput) -> Result<StripeKeysView, AppError> {
    run(|ctx| async move { payment_admin::save_stripe_keys(&ctx, &input).await }).await
}
