//! Refunds (administrators), idempotent across reloads and processor timeouts. A refund is
//! reserved first (its amount and its key, in one transaction), then asked of the processor
//! under that key. A definite refusal gives the amount back. An unknown outcome (a timeout, an
//! outage) keeps the refund pending under its key, its amount still reserved: submitting the
//! same form again, or the minute's background job, asks again under the same key, which the
//! processor answers with the same refund. So a refund is never issued twice.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::domain::payments::{money, PaymentStatus, RefundInput};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::processors::{for_organization, PaymentProcessor, Processor, ProcessorError};
use crate::server::store::audit::Entry;
use crate::server::store::entities::{payment, refund};
use crate::server::store::refs::Ref;
use crate::server::store::txn;
use crate::server::store::txn::is_unique_violation;
use crate::server::AppState;

/// A pending refund is asked again in the background once it is this old: well past the
/// processor's own timeout, so that a request still waiting for its answer is left alone.
pub const RETRY_AFTER_SECONDS: i64 = 120;

/// Refunds part or all of a payment. `refund_key` is the idempotency key of this refund, from
/// the form: a replay refunds nothing more, and settles a refund left pending.
pub async fn refund(
    ctx: &Ctx,
    id: i32,
    refund_key: &str,
    input: &RefundInput,
) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    crate::domain::payments::check_attempt_key(refund_key)
        .map_err(|m| AppError::invalid("form", &m))?;
    let row = ctx.visible_payment(admin, id).await?;
    if let Some(existing) = refund_by_key(ctx, refund_key).await? {
        if existing.payment_id != row.id {
            return Err(AppError::invalid("form", "Reload the page and try again."));
        }
        if existing.processor_ref.is_none() {
            settle(&ctx.state, &row, &existing, &actor(ctx)).await?;
        }
        return Ok(());
    }
    if row.status != PaymentStatus::Succeeded {
        return Err(AppError::Conflict(
            "Only a paid payment can be refunded.".into(),
        ));
    }
    let (amount, reason) = input.validate(row.amount_cents - row.refunded_cents)?;
    // The processor first: a payment whose processor cannot be used reserves nothing.
    let processor = processor_of(&ctx.state, &row).await?;
    let Some(reserved) = reserve(ctx, admin, &row, refund_key, amount, reason).await? else {
        // A replay of the key, made meanwhile by a concurrent request.
        return Ok(());
    };
    let charge = row.processor_ref.as_deref().unwrap_or_default();
    match processor.refund(charge, amount, refund_key).await {
        Ok(processor_ref) => {
            finish(&ctx.state, &row, &reserved, processor_ref, &actor(ctx)).await?
        }
        Err(ProcessorError::Unavailable(why)) => {
            tracing::warn!(error = %why, "a refund's outcome is unknown; it stays pending");
            let entry = Entry {
                action: "payment.refund_pending".into(),
                new_value: Some(format!("{} under {refund_key}", money(amount.into()))),
                ..actor_entry(ctx, &row)
            };
            crate::server::store::audit::record(ctx.db(), entry).await?;
            return Err(AppError::ProcessorFailed(format!(
                "The card processor did not confirm the refund of {}. It is kept as pending and \
                 will not be issued twice: it is settled automatically within a few minutes, or \
                 when you submit this form again.",
                money(amount.into())
            )));
        }
        Err(refused) => {
            release(&ctx.state, &reserved).await?;
            return Err(refused.into());
        }
    }
    Ok(())
}

/// Who the audit log names for a refund made through `ctx`.
fn actor(ctx: &Ctx) -> Entry {
    ctx.entry("", "", None, None)
}

fn actor_entry(ctx: &Ctx, row: &payment::Model) -> Entry {
    Entry {
        object: Ref::Payment(row.id).to_string(),
        ..actor(ctx)
    }
}

async fn processor_of(state: &AppState, row: &payment::Model) -> Result<Processor, AppError> {
    for_organization(
        &state.db,
        &state.payments,
        state.deployment.sandbox(),
        row.organization_id,
        row.processor,
    )
    .await
}

async fn refund_by_key(ctx: &Ctx, key: &str) -> Result<Option<refund::Model>, AppError> {
    Ok(refund::Entity::find()
        .filter(refund::Column::IdempotencyKey.eq(key))
        .one(ctx.db())
        .await?)
}

/// A refund reserved on its payment, before the processor confirms it.
struct Reserved {
    /// The `refunds` row, without its processor reference yet.
    refund_id: i32,
    payment_id: i32,
    amount: i32,
    reason: String,
}

impl From<&refund::Model> for Reserved {
    fn from(r: &refund::Model) -> Reserved {
        Reserved {
            refund_id: r.id,
            payment_id: r.payment_id,
            amount: r.amount_cents,
            reason: r.reason.clone(),
        }
    }
}

/// Reserves the amount and the key first, in one transaction: concurrent refunds can never add
/// up to more than was paid, and a replay of the key stops at the unique index (`None`).
async fn reserve(
    ctx: &Ctx,
    admin: &Staff,
    row: &payment::Model,
    key: &str,
    amount: i32,
    reason: String,
) -> Result<Option<Reserved>, AppError> {
    let txn = txn::begin(ctx.db()).await?;
    let reserved = payment::Entity::update_many()
        .col_expr(
            payment::Column::RefundedCents,
            Expr::col(payment::Column::RefundedCents).add(amount),
        )
        .filter(payment::Column::Id.eq(row.id))
        .filter(
            Expr::col(payment::Column::RefundedCents)
                .add(amount)
                .lte(Expr::col(payment::Column::AmountCents)),
        )
        .exec(&*txn)
        .await?;
    if reserved.rows_affected == 0 {
        return Err(AppError::Conflict(
            "Another refund was made meanwhile. Reload the page to see what is left.".into(),
        ));
    }
    let inserted = refund::ActiveModel {
        id: NotSet,
        payment_id: Set(row.id),
        amount_cents: Set(amount),
        reason: Set(reason.clone()),
        idempotency_key: Set(key.to_owned()),
        processor_ref: Set(None),
        created_by: Set(admin.name.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await;
    let refund_row = match inserted {
        Ok(r) => r,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    Ok(Some(Reserved {
        refund_id: refund_row.id,
        payment_id: row.id,
        amount,
        reason,
    }))
}

/// Asks the processor again for a pending refund, under its own key: the processor answers
/// with the refund it made, or makes it now. A definite refusal gives the amount back; no
/// answer leaves it pending.
async fn settle(
    state: &AppState,
    row: &payment::Model,
    pending: &refund::Model,
    by: &Entry,
) -> Result<(), AppError> {
    let processor = processor_of(state, row).await?;
    let charge = row.processor_ref.as_deref().unwrap_or_default();
    let reserved = Reserved::from(pending);
    match processor
        .refund(charge, pending.amount_cents, &pending.idempotency_key)
        .await
    {
        Ok(processor_ref) => finish(state, row, &reserved, processor_ref, by).await,
        Err(ProcessorError::Unavailable(why)) => {
            tracing::warn!(error = %why, refund = pending.id, "a pending refund is still unconfirmed");
            Ok(())
        }
        Err(refused) => {
            release(state, &reserved).await?;
            Err(refused.into())
        }
    }
}

/// Stores the processor's reference on the refund, with the refund's audit entry, once: a
/// refund settled by two processes at the same time is recorded by the first.
async fn finish(
    state: &AppState,
    row: &payment::Model,
    reserved: &Reserved,
    processor_ref: String,
    by: &Entry,
) -> Result<(), AppError> {
    let txn = txn::begin(&state.db).await?;
    let stored = refund::Entity::update_many()
        .col_expr(refund::Column::ProcessorRef, Some(processor_ref).into())
        .filter(refund::Column::Id.eq(reserved.refund_id))
        .filter(refund::Column::ProcessorRef.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if stored == 0 {
        return Ok(());
    }
    let entry = Entry {
        organization_id: Some(row.organization_id),
        action: "payment.refunded".into(),
        object: Ref::Payment(row.id).to_string(),
        old_value: None,
        new_value: Some(format!("+{}: {}", reserved.amount, reserved.reason)),
        ..by.clone()
    };
    Ok(txn.commit_audited(entry).await?)
}

/// Nothing was refunded: gives the amount back, so that the refund can be tried again.
async fn release(state: &AppState, reserved: &Reserved) -> Result<(), AppError> {
    let txn = txn::begin(&state.db).await?;
    let deleted = refund::Entity::delete_by_id(reserved.refund_id)
        .filter(refund::Column::ProcessorRef.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if deleted == 1 {
        payment::Entity::update_many()
            .col_expr(
                payment::Column::RefundedCents,
                Expr::col(payment::Column::RefundedCents).sub(reserved.amount),
            )
            .filter(payment::Column::Id.eq(reserved.payment_id))
            .exec(&*txn)
            .await?;
    }
    Ok(txn.commit().await?)
}

/// The minute's job: asks again for every refund left pending for [`RETRY_AFTER_SECONDS`].
/// Returns how many were asked.
pub async fn settle_pending(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let pending = refund::Entity::find()
        .filter(refund::Column::ProcessorRef.is_null())
        .filter(refund::Column::CreatedAt.lt(now - Duration::seconds(RETRY_AFTER_SECONDS)))
        .all(&state.db)
        .await?;
    let system = Entry {
        actor: "system".into(),
        ..Entry::default()
    };
    for refund in &pending {
        let Some(row) = payment::Entity::find_by_id(refund.payment_id)
            .one(&state.db)
            .await?
        else {
            continue;
        };
        if let Err(e) = settle(state, &row, refund, &system).await {
            tracing::warn!(error = %e, refund = refund.id, "a pending refund was refused");
        }
    }
    Ok(pending.len())
}
