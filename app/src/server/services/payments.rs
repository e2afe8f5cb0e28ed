//! Paying for appointments in the portal: what is owed, the payment page, the charge itself
//! and the receipt. Only while payments are effective for the client and, for a contact, with
//! the payments scope. The amount always comes from the appointment, never from the browser.
//!
//! Each payment attempt has one idempotency key. A row in `payments` is created for the key
//! before the processor is called, and a partial unique index allows one live or successful
//! payment per appointment: a double click, a reload or a replayed request finds the first
//! attempt and answers with its outcome, and never charges twice.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Set,
};

use crate::domain::payments::{
    check_attempt_key, CardEntry, OwedAppointment, PaidAppointment, PayPage, PaymentStatus,
    PortalBilling, Receipt, CURRENCY,
};
use crate::domain::portal_settings::CardProcessor;
use crate::domain::schedule::when_label;
use crate::error::AppError;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::processors::{
    for_organization, random_id, stripe_keys, Confirmation, NewPayment, PaymentProcessor,
    ProcessorError,
};
use crate::server::store;
use crate::server::store::entities::{booking, payment};
use crate::server::store::organizations;
use crate::server::store::organizations::zone;
use crate::server::store::payments::receipt_of;
use crate::server::store::refs::Ref;
use crate::server::store::txn;
use crate::server::store::txn::is_unique_violation;

/// How long a replay waits for the first request of its attempt to finish.
const REPLAY_WAIT: Duration = Duration::from_secs(20);

/// After this long, an attempt still processing has lost its request (the processor calls
/// time out well before).
const STALE: chrono::Duration = chrono::Duration::minutes(2);

/// The payments ability for the client, or 403 (audited).
async fn require_payments(ctx: &Ctx, client_id: i32) -> Result<(), AppError> {
    ctx.permit_for(client_id, Ability::Payments).await.map(drop)
}

fn owed_item(tz: &chrono_tz::Tz, row: &booking::Model, staff_name: String) -> OwedAppointment {
    OwedAppointment {
        booking_id: row.id,
        when: when_label(tz, row.starts_at, row.ends_at),
        service: row.service.clone(),
        staff_name,
        amount_cents: row.price_cents.unwrap_or(0),
    }
}

/// The Payments tab: what is owed, oldest first, and the payments made, newest first. Four
/// queries whatever the number of appointments and payments.
pub async fn billing(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<PortalBilling, AppError> {
    require_payments(ctx, client_id).await?;
    let db = ctx.db();
    let (tz, _) = zone(db, ctx.portal().await?.organization_id).await?;
    let owed_rows = booking::Entity::find()
        .filter(store::payments::owed(client_id, now))
        .order_by_asc(booking::Column::StartsAt)
        .all(db)
        .await?;
    let payments = payment::Entity::find()
        .filter(payment::Column::ClientId.eq(client_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .order_by_desc(payment::Column::CompletedAt)
        .all(db)
        .await?;
    let paid_rows: HashMap<i32, booking::Model> = booking::Entity::find()
        .filter(booking::Column::Id.is_in(payments.iter().map(|p| p.booking_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let names = store::staff::names(db, owed_rows.iter().map(|b| b.staff_id)).await?;
    let owed = owed_rows
        .iter()
        .map(|row| owed_item(&tz, row, names.of(row.staff_id)))
        .collect();
    let paid = payments
        .into_iter()
        .filter_map(|p| {
            let row = paid_rows.get(&p.booking_id)?;
            Some(PaidAppointment {
                payment_id: p.id,
                paid_on: p
                    .completed_at
                    .unwrap_or(p.created_at)
                    .with_timezone(&tz)
                    .format("%-d %b %Y")
                    .to_string(),
                service: row.service.clone(),
                when: when_label(&tz, row.starts_at, row.ends_at),
                amount_cents: p.amount_cents,
                refunded_cents: p.refunded_cents,
            })
        })
        .collect();
    Ok(PortalBilling { owed, paid })
}

/// The client's appointment `booking_id` if it is owed for and not paid yet.
async fn owed_booking(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    now: DateTime<Utc>,
) -> Result<booking::Model, AppError> {
    let db = ctx.db();
    let paid = payment::Entity::find()
        .filter(payment::Column::BookingId.eq(booking_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .one(db)
        .await?;
    if paid.is_some() {
        return Err(AppError::Conflict(
            "This appointment is already paid. Its receipt is in the Payments tab.".into(),
        ));
    }
    booking::Entity::find_by_id(booking_id)
        .filter(store::payments::owed(client_id, now))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The organization's processor; the sandbox counts as none where the deployment forbids it.
async fn processor_kind(ctx: &Ctx, organization_id: i32) -> Result<CardProcessor, AppError> {
    organizations::get(ctx.db(), organization_id)
        .await?
        .card_processor
        .filter(|p| *p != CardProcessor::Sandbox || ctx.state.deployment.sandbox())
        .ok_or(AppError::Forbidden)
}

/// The payment page of an owed appointment, with this attempt's idempotency key: a new one, or
/// that of an earlier attempt that was interrupted, so that paying again finishes it.
pub async fn pay_page(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    now: DateTime<Utc>,
) -> Result<PayPage, AppError> {
    require_payments(ctx, client_id).await?;
    let row = owed_booking(ctx, client_id, booking_id, now).await?;
    let db = ctx.db();
    let (tz, _) = zone(db, row.organization_id).await?;
    let card_entry = match processor_kind(ctx, row.organization_id).await? {
        CardProcessor::Sandbox => CardEntry::Sandbox,
        CardProcessor::Stripe => CardEntry::Stripe {
            publishable_key: stripe_keys(db, &ctx.state.payments, row.organization_id)
                .await?
                .map(|k| k.publishable_key)
                .unwrap_or_default(),
        },
    };
    let unfinished = payment::Entity::find()
        .filter(payment::Column::BookingId.eq(booking_id))
        .filter(
            payment::Column::Status.is_in([PaymentStatus::Processing, PaymentStatus::Interrupted]),
        )
        .one(db)
        .await?;
    Ok(PayPage {
        item: owed_item(
            &tz,
            &row,
            store::staff::names(db, [row.staff_id])
                .await?
                .of(row.staff_id),
        ),
        attempt_key: unfinished
            .map(|p| p.idempotency_key)
            .unwrap_or_else(|| random_id("pay_")),
        card_entry,
    })
}

/// Pays for the appointment with the card token from the processor's card entry, under the
/// attempt's idempotency key. Returns the payment's id; a declined card is a 402 with the
/// processor's reason, and charges nothing.
pub async fn pay(
    ctx: &Ctx,
    client_id: i32,
    booking_id: i32,
    card_token: &str,
    attempt_key: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    check_attempt_key(attempt_key).map_err(|m| AppError::invalid("form", &m))?;
    let token = card_token.trim();
    if token.is_empty()
        || token.len() > 255
        || !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(AppError::invalid("card", "Enter the card again."));
    }
    require_payments(ctx, client_id).await?;
    let db = ctx.db();
    if let Some(first) = by_key(db, attempt_key).await? {
        return replay(ctx, first, client_id, booking_id, token).await;
    }
    let row = match owed_booking(ctx, client_id, booking_id, now).await {
        Ok(row) => row,
        // A concurrent replay of this attempt may have paid the appointment since the lookup
        // above: then this request answers with that payment, not with "already paid".
        Err(e) => match by_key(db, attempt_key).await? {
            Some(first) => return replay(ctx, first, client_id, booking_id, token).await,
            None => return Err(e),
        },
    };
    let kind = processor_kind(ctx, row.organization_id).await?;
    let inserted = payment::ActiveModel {
        id: NotSet,
        organization_id: Set(row.organization_id),
        client_id: Set(client_id),
        booking_id: Set(booking_id),
        processor: Set(kind),
        idempotency_key: Set(attempt_key.to_owned()),
        processor_ref: Set(None),
        amount_cents: Set(row.price_cents.unwrap_or(0)),
        currency: Set(CURRENCY.to_owned()),
        status: Set(PaymentStatus::Processing),
        decline_reason: Set(None),
        card_brand: Set(None),
        card_last4: Set(None),
        refunded_cents: Set(0),
        paid_by: Set(ctx.actor_label()),
        created_at: Set(now),
        completed_at: Set(None),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(attempt) => drive(ctx, attempt, token).await,
        Err(e) if is_unique_violation(&e) => match by_key(db, attempt_key).await? {
            // The same attempt, replayed concurrently: its outcome.
            Some(first) => replay(ctx, first, client_id, booking_id, token).await,
            // Another attempt for the appointment is under way or has succeeded.
            None => Err(AppError::Conflict(
                "This appointment is already paid, or a payment for it is under way. \
                 Reload the page to see where it stands."
                    .into(),
            )),
        },
        Err(e) => Err(e.into()),
    }
}

async fn by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<payment::Model>, AppError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// A request for an attempt that exists already: its outcome once known; an interrupted
/// attempt is taken up again (by exactly one request) and finished.
async fn replay(
    ctx: &Ctx,
    first: payment::Model,
    client_id: i32,
    booking_id: i32,
    token: &str,
) -> Result<i32, AppError> {
    if first.client_id != client_id || first.booking_id != booking_id {
        return Err(AppError::invalid(
            "form",
            "This payment page is out of date. Reload it and try again.",
        ));
    }
    let deadline = tokio::time::Instant::now() + REPLAY_WAIT;
    let mut current = first;
    loop {
        match current.status {
            PaymentStatus::Succeeded => return Ok(current.id),
            PaymentStatus::Declined => {
                return Err(AppError::Declined(
                    current
                        .decline_reason
                        .unwrap_or_else(|| "Your card was declined.".into()),
                ))
            }
            PaymentStatus::Interrupted => {
                let claimed = payment::Entity::update_many()
                    .col_expr(
                        payment::Column::Status,
                        PaymentStatus::Processing.key().into(),
                    )
                    .filter(payment::Column::Id.eq(current.id))
                    .filter(payment::Column::Status.eq(PaymentStatus::Interrupted))
                    .exec(ctx.db())
                    .await?;
                if claimed.rows_affected == 1 {
                    return drive(ctx, current, token).await;
                }
            }
            // An attempt left processing for minutes lost its request (a crash, a restart):
            // mark it interrupted, so that the next round takes it up again under its key.
            PaymentStatus::Processing if current.created_at < Utc::now() - STALE => {
                payment::Entity::update_many()
                    .col_expr(
                        payment::Column::Status,
                        PaymentStatus::Interrupted.key().into(),
                    )
                    .filter(payment::Column::Id.eq(current.id))
                    .filter(payment::Column::Status.eq(PaymentStatus::Processing))
                    .exec(ctx.db())
                    .await?;
            }
            PaymentStatus::Processing => {}
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(AppError::Conflict(
                "This payment is still being processed. Reload the page in a moment.".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        current = payment::Entity::find_by_id(current.id)
            .one(ctx.db())
            .await?
            .ok_or(AppError::NotFound)?;
    }
}

/// Asks the processor to create (once) and confirm the attempt, and records the outcome.
async fn drive(ctx: &Ctx, attempt: payment::Model, token: &str) -> Result<i32, AppError> {
    let kind = attempt.processor;
    let processor = match for_organization(
        ctx.db(),
        &ctx.state.payments,
        ctx.state.deployment.sandbox(),
        attempt.organization_id,
        kind,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            // Nothing was asked of the processor: the attempt can be retried later.
            finish(ctx, &attempt, PaymentStatus::Interrupted, None, None).await?;
            return Err(e);
        }
    };
    let outcome = async {
        let payment_ref = match &attempt.processor_ref {
            Some(r) => r.clone(),
            None => {
                let description = format!("Appointment {}", attempt.booking_id);
                let r = processor
                    .create_payment(&NewPayment {
                        amount_cents: attempt.amount_cents,
                        currency: &attempt.currency,
                        idempotency_key: &attempt.idempotency_key,
                        description: &description,
                    })
                    .await?;
                payment::Entity::update_many()
                    .col_expr(payment::Column::ProcessorRef, Some(r.clone()).into())
                    .filter(payment::Column::Id.eq(attempt.id))
                    .exec(ctx.db())
                    .await
                    .map_err(|e| {
                        ProcessorError::Unavailable(format!("recording the reference: {e}"))
                    })?;
                r
            }
        };
        processor
            .confirm(&payment_ref, token, &attempt.idempotency_key)
            .await
    }
    .await;
    let (status, reason, card) = match &outcome {
        Ok(Confirmation::Succeeded(card)) => (PaymentStatus::Succeeded, None, Some(card.clone())),
        Ok(Confirmation::Declined { reason }) => {
            (PaymentStatus::Declined, Some(reason.clone()), None)
        }
        Err(ProcessorError::Unavailable(_)) => (PaymentStatus::Interrupted, None, None),
        Err(_) => (
            PaymentStatus::Declined,
            Some("The card processor refused the payment.".to_owned()),
            None,
        ),
    };
    finish(ctx, &attempt, status, reason, card).await?;
    match outcome {
        Ok(Confirmation::Succeeded(_)) => Ok(attempt.id),
        Ok(Confirmation::Declined { reason }) => Err(AppError::Declined(reason)),
        Err(e) => Err(e.into()),
    }
}

/// Records an attempt's outcome (unless a webhook recorded it first) and audits it.
async fn finish(
    ctx: &Ctx,
    attempt: &payment::Model,
    status: PaymentStatus,
    reason: Option<String>,
    card: Option<crate::server::processors::CardSummary>,
) -> Result<(), AppError> {
    let final_status = matches!(status, PaymentStatus::Succeeded | PaymentStatus::Declined);
    let mut update = payment::Entity::update_many()
        .col_expr(payment::Column::Status, status.key().into())
        .col_expr(payment::Column::DeclineReason, reason.clone().into())
        .filter(payment::Column::Id.eq(attempt.id))
        .filter(
            payment::Column::Status.is_in([PaymentStatus::Processing, PaymentStatus::Interrupted]),
        );
    if let Some(card) = &card {
        update = update
            .col_expr(payment::Column::CardBrand, Some(card.brand.clone()).into())
            .col_expr(payment::Column::CardLast4, Some(card.last4.clone()).into());
    }
    if final_status {
        update = update.col_expr(payment::Column::CompletedAt, Some(Utc::now()).into());
    }
    let txn = txn::begin(ctx.db()).await?;
    update.exec(&*txn).await?;
    let action = match status {
        PaymentStatus::Succeeded => "payment.succeeded",
        PaymentStatus::Declined => "payment.declined",
        _ => "payment.interrupted",
    };
    let summary = match (&card, &reason) {
        (Some(card), _) => format!(
            "{} {} •••• {}",
            attempt.amount_cents, card.brand, card.last4
        ),
        (None, Some(reason)) => format!("{} {reason}", attempt.amount_cents),
        (None, None) => attempt.amount_cents.to_string(),
    };
    let object = Ref::Payment(attempt.id).and(Ref::Booking(attempt.booking_id));
    Ok(txn
        .commit_audited(ctx.entry(action, object, None, Some(summary)))
        .await?)
}

/// The receipt of a successful payment of the client's.
pub async fn receipt(ctx: &Ctx, client_id: i32, payment_id: i32) -> Result<Receipt, AppError> {
    require_payments(ctx, client_id).await?;
    let row = payment::Entity::find_by_id(payment_id)
        .filter(payment::Column::ClientId.eq(client_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    receipt_of(ctx.db(), &row).await
}
