//! The built-in sandbox processor, for the demo and the tests. It behaves like a real one with
//! test cards: `4242 4242 4242 4242` succeeds, `4000 0000 0000 0002` is declined and
//! `4000 0000 0000 9995` is declined for insufficient funds; any other valid number succeeds.
//!
//! Its tokenize endpoint (`POST /sandbox/v1/tokens`, served by the server crate) is the only
//! place that ever sees a card number: it keeps a token, the brand, the last four digits and
//! how the test card behaves, and forgets the rest. Its records are its own tables, as a real
//! processor keeps them on its side.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde::Serialize;

use super::{
    random_id, CardSummary, Confirmation, NewPayment, PaymentProcessor, ProcessorError,
    WebhookEvent,
};
use crate::domain::payments::CardInput;
use crate::domain::validation::FieldErrors;
use crate::server::store::entities::{sandbox_card, sandbox_charge, sandbox_refund};
use crate::server::store::txn::is_unique_violation;

/// What a test card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Approve,
    Decline,
    InsufficientFunds,
}

impl Behaviour {
    /// The behaviour of a card number (digits only).
    pub fn of(digits: &str) -> Behaviour {
        match digits {
            "4000000000000002" => Behaviour::Decline,
            "4000000000009995" => Behaviour::InsufficientFunds,
            _ => Behaviour::Approve,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Behaviour::Approve => "approve",
            Behaviour::Decline => "decline",
            Behaviour::InsufficientFunds => "insufficient_funds",
        }
    }
}

/// The tokenize endpoint's answer: the token, and what may be shown of the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub id: String,
    pub brand: String,
    pub last4: String,
}

/// Cards one signed-in person may tokenize in an hour: enough for typing mistakes, not for
/// testing stolen card numbers.
pub const MAX_TOKENS_PER_HOUR: u64 = 20;

/// Checks a card with the shared card rule and returns a token for it, for `created_by` (the
/// signed-in person, `staff:ID` or `portal:ID`). The number and the CVC are dropped here; only
/// the token, the brand, the last four digits and the behaviour stay.
pub async fn tokenize(
    db: &DatabaseConnection,
    card: &CardInput,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<Token, TokenizeError> {
    let recent = sandbox_card::Entity::find()
        .filter(sandbox_card::Column::CreatedBy.eq(created_by))
        .filter(sandbox_card::Column::CreatedAt.gt(now - chrono::Duration::hours(1)))
        .count(db)
        .await
        .map_err(TokenizeError::Db)?;
    if recent >= MAX_TOKENS_PER_HOUR {
        return Err(TokenizeError::TooMany);
    }
    let checked = card
        .validate(now.date_naive())
        .map_err(TokenizeError::Card)?;
    let row = sandbox_card::ActiveModel {
        token: Set(random_id("tok_sbx_")),
        brand: Set(checked.brand.to_owned()),
        last4: Set(checked.last4().to_owned()),
        behaviour: Set(Behaviour::of(&checked.digits).key().to_owned()),
        created_by: Set(created_by.to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(TokenizeError::Db)?;
    Ok(Token {
        id: row.token,
        brand: row.brand,
        last4: row.last4,
    })
}

/// Why a card could not be tokenized.
#[derive(Debug)]
pub enum TokenizeError {
    /// The card failed the card rule; one message per field.
    Card(FieldErrors),
    /// This person tokenized [`MAX_TOKENS_PER_HOUR`] cards in the last hour.
    TooMany,
    Db(DbErr),
}

/// The sandbox processor on the application's database.
pub struct Sandbox {
    db: DatabaseConnection,
}

impl Sandbox {
    pub fn new(db: DatabaseConnection) -> Sandbox {
        Sandbox { db }
    }
}

fn unavailable(err: DbErr) -> ProcessorError {
    ProcessorError::Unavailable(format!("sandbox storage: {err}"))
}

fn outcome(charge: &sandbox_charge::Model, card: Option<&sandbox_card::Model>) -> Confirmation {
    match (charge.status.as_str(), card) {
        ("succeeded", Some(card)) => Confirmation::Succeeded(CardSummary {
            brand: card.brand.clone(),
            last4: card.last4.clone(),
        }),
        _ => Confirmation::Declined {
            reason: match charge.decline_code.as_deref() {
                Some("insufficient_funds") => "Your card has insufficient funds.",
                _ => "Your card was declined.",
            }
            .into(),
        },
    }
}

impl Sandbox {
    /// The outcome of a charge confirmed before.
    async fn stored_outcome(
        &self,
        charge: &sandbox_charge::Model,
    ) -> Result<Confirmation, ProcessorError> {
        let card = match &charge.token {
            Some(token) => sandbox_card::Entity::find_by_id(token.as_str())
                .one(&self.db)
                .await
                .map_err(unavailable)?,
            None => None,
        };
        Ok(outcome(charge, card.as_ref()))
    }
}

impl PaymentProcessor for Sandbox {
    async fn create_payment(&self, payment: &NewPayment<'_>) -> Result<String, ProcessorError> {
        let existing = || async {
            sandbox_charge::Entity::find()
                .filter(sandbox_charge::Column::IdempotencyKey.eq(payment.idempotency_key))
                .one(&self.db)
                .await
                .map_err(unavailable)
        };
        if let Some(charge) = existing().await? {
            return same_parameters(charge, payment.amount_cents);
        }
        let inserted = sandbox_charge::ActiveModel {
            id: Set(random_id("pi_sbx_")),
            idempotency_key: Set(payment.idempotency_key.to_owned()),
            amount_cents: Set(payment.amount_cents),
            currency: Set(payment.currency.to_owned()),
            status: Set("requires_confirmation".into()),
            token: Set(None),
            decline_code: Set(None),
            refunded_cents: Set(0),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await;
        match inserted {
            Ok(charge) => Ok(charge.id),
            // A concurrent request with the same key made it first: answer as it was answered.
            Err(e) if is_unique_violation(&e) => match existing().await? {
                Some(charge) => same_parameters(charge, payment.amount_cents),
                None => Err(unavailable(e)),
            },
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn confirm(
        &self,
        payment_ref: &str,
        card: &str,
        _idempotency_key: &str,
    ) -> Result<Confirmation, ProcessorError> {
        let charge = sandbox_charge::Entity::find_by_id(payment_ref)
            .one(&self.db)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| ProcessorError::Rejected(format!("no such payment {payment_ref}")))?;
        if charge.status != "requires_confirmation" {
            // Confirmed before: the same answer, and no second charge.
            return self.stored_outcome(&charge).await;
        }
        let card_row = sandbox_card::Entity::find_by_id(card)
            .one(&self.db)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| ProcessorError::Rejected("no such card token".into()))?;
        let (status, code) = match card_row.behaviour.as_str() {
            "approve" => ("succeeded", None),
            "insufficient_funds" => ("declined", Some("insufficient_funds")),
            _ => ("declined", Some("card_declined")),
        };
        // Only the first confirmation changes the charge; a concurrent one reads its outcome.
        let updated = sandbox_charge::Entity::update_many()
            .col_expr(sandbox_charge::Column::Status, status.into())
            .col_expr(sandbox_charge::Column::Token, Some(card.to_owned()).into())
            .col_expr(
                sandbox_charge::Column::DeclineCode,
                code.map(str::to_owned).into(),
            )
            .filter(sandbox_charge::Column::Id.eq(payment_ref))
            .filter(sandbox_charge::Column::Status.eq("requires_confirmation"))
            .exec(&self.db)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected == 0 {
            // A concurrent confirmation won: its outcome.
            let charge = sandbox_charge::Entity::find_by_id(payment_ref)
                .one(&self.db)
                .await
                .map_err(unavailable)?
                .ok_or_else(|| {
                    ProcessorError::Rejected(format!("no such payment {payment_ref}"))
                })?;
            return self.stored_outcome(&charge).await;
        }
        let charge = sandbox_charge::Model {
            status: status.into(),
            decline_code: code.map(str::to_owned),
            token: Some(card.to_owned()),
            ..charge
        };
        Ok(outcome(&charge, Some(&card_row)))
    }

    async fn refund(
        &self,
        payment_ref: &str,
        amount_cents: i32,
        idempotency_key: &str,
    ) -> Result<String, ProcessorError> {
        let existing = sandbox_refund::Entity::find()
            .filter(sandbox_refund::Column::IdempotencyKey.eq(idempotency_key))
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        if let Some(refund) = existing {
            return Ok(refund.id);
        }
        // Only refund what is left, atomically: the update matches only while it fits.
        let updated = sandbox_charge::Entity::update_many()
            .col_expr(
                sandbox_charge::Column::RefundedCents,
                Expr::col(sandbox_charge::Column::RefundedCents).add(amount_cents),
            )
            .filter(sandbox_charge::Column::Id.eq(payment_ref))
            .filter(sandbox_charge::Column::Status.eq("succeeded"))
            .filter(
                Expr::col(sandbox_charge::Column::RefundedCents)
                    .add(amount_cents)
                    .lte(Expr::col(sandbox_charge::Column::AmountCents)),
            )
            .exec(&self.db)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected == 0 {
            return Err(ProcessorError::Rejected(format!(
                "refund of {amount_cents} cents exceeds what is left of {payment_ref}"
            )));
        }
        let refund = sandbox_refund::ActiveModel {
            id: Set(random_id("re_sbx_")),
            idempotency_key: Set(idempotency_key.to_owned()),
            charge_id: Set(payment_ref.to_owned()),
            amount_cents: Set(amount_cents),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await
        .map_err(unavailable)?;
        Ok(refund.id)
    }

    fn verify_webhook(
        &self,
        _payload: &[u8],
        _signature: &str,
        _now: DateTime<Utc>,
    ) -> Result<WebhookEvent, ProcessorError> {
        Err(ProcessorError::BadWebhook(
            "the sandbox processor sends no webhooks",
        ))
    }
}

fn same_parameters(charge: sandbox_charge::Model, amount: i32) -> Result<String, ProcessorError> {
    if charge.amount_cents == amount {
        Ok(charge.id)
    } else {
        Err(ProcessorError::Rejected(
            "an idempotency key was reused with a different amount".into(),
        ))
    }
}
