//! Processor webhooks: Stripe tells the organization's endpoint about payments that finished
//! after our own call lost its answer. Each event is verified (signature, at most 300 s old),
//! handled once (its id is stored; a replay is ignored) and audited.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::domain::payments::PaymentStatus;
use crate::error::AppError;
use crate::server::processors::{stripe::Stripe, stripe_keys, PaymentProcessor};
use crate::server::store::audit::Entry;
use crate::server::store::entities::{payment, processor_event};
use crate::server::store::txn::{self, is_unique_violation};
use crate::server::AppState;

/// What became of a webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Verified and applied (or of a kind that needs nothing).
    Applied,
    /// Verified, but handled before: ignored.
    Duplicate,
}

/// Verifies and applies a Stripe event sent to organization `organization_id`'s endpoint.
pub async fn stripe(
    state: &AppState,
    organization_id: i32,
    payload: &[u8],
    signature: &str,
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let db = &state.db;
    let keys = stripe_keys(db, &state.payments, organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stripe = Stripe::new(&state.payments.stripe_api_base, keys);
    let event = stripe.verify_webhook(payload, signature, now)?;
    let recorded = processor_event::ActiveModel {
        processor: Set("stripe".into()),
        event_id: Set(event.id.clone()),
        organization_id: Set(organization_id),
        kind: Set(event.kind.clone()),
        received_at: Set(now),
    }
    .insert(db)
    .await;
    match recorded {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(Handled::Duplicate),
        Err(e) => return Err(e.into()),
    }
    let outcome = match event.kind.as_str() {
        "payment_intent.succeeded" => Some((PaymentStatus::Succeeded, None)),
        "payment_intent.payment_failed" => Some((
            PaymentStatus::Declined,
            Some(
                event
                    .failure
                    .clone()
                    .unwrap_or_else(|| "Your card was declined.".into()),
            ),
        )),
        _ => None,
    };
    if let (Some((status, reason)), Some(object_id)) = (outcome, &event.object_id) {
        // The event carries no card details: the receipt's brand and last four come from the
        // payment intent. Without them the payment still counts as paid.
        let card = match status {
            PaymentStatus::Succeeded => {
                stripe.card_of_payment(object_id).await.unwrap_or_else(|e| {
                    tracing::warn!(%e, object_id, "no card details for a settled payment");
                    None
                })
            }
            _ => None,
        };
        // Only an unfinished attempt changes: our own answer, when it came, wins.
        let txn = txn::begin(db).await?;
        let changed = payment::Entity::update_many()
            .col_expr(payment::Column::Status, status.key().into())
            .col_expr(payment::Column::DeclineReason, reason.into())
            .col_expr(payment::Column::CompletedAt, Some(now).into())
            .col_expr(
                payment::Column::CardBrand,
                card.as_ref().map(|c| c.brand.clone()).into(),
            )
            .col_expr(
                payment::Column::CardLast4,
                card.as_ref().map(|c| c.last4.clone()).into(),
            )
            .filter(payment::Column::OrganizationId.eq(organization_id))
            .filter(payment::Column::ProcessorRef.eq(object_id.as_str()))
            .filter(
                payment::Column::Status
                    .is_in([PaymentStatus::Processing, PaymentStatus::Interrupted]),
            )
            .exec(&*txn)
            .await?;
        let entry = Entry {
            organization_id: Some(organization_id),
            actor: "stripe".into(),
            action: "payment.webhook".into(),
            object: format!("stripe:{object_id}"),
            old_value: None,
            new_value: Some(format!(
                "{} {} ({} updated)",
                event.id, event.kind, changed.rows_affected
            )),
            ip: None,
        };
        txn.commit_audited(entry).await?;
    }
    Ok(Handled::Applied)
}
