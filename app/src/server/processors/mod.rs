//! Card processors behind one [`PaymentProcessor`] trait: the built-in [`sandbox`] (demo and
//! tests) and [`stripe`] (PaymentIntents over its REST API). Services pick the organization's
//! processor with [`for_organization`] and never see which one it is.

pub mod sandbox;
pub mod stripe;

use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};

use crate::domain::portal_settings::CardProcessor;
use crate::error::AppError;
use crate::server::secrets::Secrets;
use crate::server::store::entities::stripe_account;

/// What the payment services need besides the database.
#[derive(Clone, Debug)]
pub struct PaymentsConfig {
    /// Seals the organizations' processor keys at rest.
    pub secrets: Secrets,
    /// Stripe's API base URL, `https://api.stripe.com` (`STRIPE_API_BASE`; a mock in tests).
    pub stripe_api_base: String,
    /// How long a call to the processor may take before its outcome counts as unknown.
    pub processor_timeout: std::time::Duration,
}

impl PaymentsConfig {
    pub fn new(secrets: Secrets) -> PaymentsConfig {
        PaymentsConfig {
            secrets,
            stripe_api_base: stripe::DEFAULT_API_BASE.into(),
            processor_timeout: stripe::DEFAULT_TIMEOUT,
        }
    }
}

/// A payment to create.
#[derive(Debug, Clone)]
pub struct NewPayment<'a> {
    pub amount_cents: i32,
    pub currency: &'a str,
    /// One per payment attempt: the processor creates at most one payment for it.
    pub idempotency_key: &'a str,
    /// Shown in the processor's dashboard; no health information.
    pub description: &'a str,
}

/// The card a payment was made with, as the processor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
}

/// The outcome of confirming a payment with a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    Succeeded(CardSummary),
    /// Nothing was charged; `reason` is the processor's message for the cardholder.
    Declined {
        reason: String,
    },
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub id: String,
    pub kind: String,
    /// The processor's id of the object the event is about (a payment, for payment events).
    pub object_id: Option<String>,
    /// For a failed payment, the processor's reason.
    pub failure: Option<String>,
}

/// Why a processor call failed (a declined card is not a failure: see [`Confirmation`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorError {
    /// Unreachable, overloaded or failing (network, 429, 5xx). Retrying with the same
    /// idempotency key is safe.
    #[error("the processor could not be reached: {0}")]
    Unavailable(String),
    /// The processor refused the request itself (keys, parameters), whatever the card.
    #[error("the processor refused the request: {0}")]
    Rejected(String),
    /// A webhook failed verification.
    #[error("webhook refused: {0}")]
    BadWebhook(&'static str),
}

impl From<ProcessorError> for AppError {
    /// Logs the details and tells the user what to do.
    fn from(err: ProcessorError) -> AppError {
        tracing::warn!(error = %err, "card processor");
        match err {
            ProcessorError::Unavailable(_) => AppError::ProcessorFailed(
                "The card processor could not be reached. Try again in a moment; \
                 this payment will not be charged twice."
                    .into(),
            ),
            ProcessorError::Rejected(_) => AppError::ProcessorFailed(
                "The card processor refused the request. Nothing was charged. \
                 Please tell the practice, so that an administrator can check the payment settings."
                    .into(),
            ),
            ProcessorError::BadWebhook(why) => {
                AppError::invalid("webhook", why)
            }
        }
    }
}

/// A card processor. Every call that moves money takes an idempotency key, so that a retry
/// or a replay never charges or refunds twice.
pub trait PaymentProcessor: Send + Sync {
    /// Creates a payment for an amount; returns the processor's payment id.
    fn create_payment(
        &self,
        payment: &NewPayment<'_>,
    ) -> impl Future<Output = Result<String, ProcessorError>> + Send;

    /// Charges the card `card` (a token from the processor's card entry) for the payment.
    fn confirm(
        &self,
        payment_ref: &str,
        card: &str,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<Confirmation, ProcessorError>> + Send;

    /// Refunds part or all of a payment; returns the processor's refund id.
    fn refund(
        &self,
        payment_ref: &str,
        amount_cents: i32,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<String, ProcessorError>> + Send;

    /// Checks a webhook's signature and age (at `now`) and reads the event.
    fn verify_webhook(
        &self,
        payload: &[u8],
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, ProcessorError>;
}

/// The organization's processor, whichever it is.
pub enum Processor {
    Sandbox(sandbox::Sandbox),
    Stripe(stripe::Stripe),
}

impl PaymentProcessor for Processor {
    async fn create_payment(&self, payment: &NewPayment<'_>) -> Result<String, ProcessorError> {
        match self {
            Processor::Sandbox(p) => p.create_payment(payment).await,
            Processor::Stripe(p) => p.create_payment(payment).await,
        }
    }

    async fn confirm(
        &self,
        payment_ref: &str,
        card: &str,
        key: &str,
    ) -> Result<Confirmation, ProcessorError> {
        match self {
            Processor::Sandbox(p) => p.confirm(payment_ref, card, key).await,
            Processor::Stripe(p) => p.confirm(payment_ref, card, key).await,
        }
    }

    async fn refund(
        &self,
        payment_ref: &str,
        amount_cents: i32,
        key: &str,
    ) -> Result<String, ProcessorError> {
        match self {
            Processor::Sandbox(p) => p.refund(payment_ref, amount_cents, key).await,
            Processor::Stripe(p) => p.refund(payment_ref, amount_cents, key).await,
        }
    }

    fn verify_webhook(
        &self,
        payload: &[u8],
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, ProcessorError> {
        match self {
            Processor::Sandbox(p) => p.verify_webhook(payload, signature, now),
            Processor::Stripe(p) => p.verify_webhook(payload, signature, now),
        }
    }
}

/// The processor `kind` of organization `organization_id`, with its keys opened. The sandbox only
/// where the deployment allows it (`sandbox`): elsewhere it would mark appointments paid with
/// no money moving.
pub async fn for_organization(
    db: &sea_orm::DatabaseConnection,
    config: &PaymentsConfig,
    sandbox: bool,
    organization_id: i32,
    kind: CardProcessor,
) -> Result<Processor, AppError> {
    Ok(match kind {
        CardProcessor::Sandbox if !sandbox => {
            return Err(AppError::ProcessorFailed(
                "Card payments are not set up on this server yet. Please contact the practice."
                    .into(),
            ))
        }
        CardProcessor::Sandbox => Processor::Sandbox(sandbox::Sandbox::new(db.clone())),
        CardProcessor::Stripe => {
            let keys = stripe_keys(db, config, organization_id)
                .await?
                .ok_or_else(|| {
                    AppError::ProcessorFailed(
                    "Stripe is chosen, but its keys are missing. An administrator must enter them."
                        .into(),
                )
                })?;
            Processor::Stripe(
                stripe::Stripe::new(&config.stripe_api_base, keys)
                    .with_timeout(config.processor_timeout),
            )
        }
    })
}

/// The organization's Stripe keys, opened.
pub async fn stripe_keys(
    db: &impl ConnectionTrait,
    config: &PaymentsConfig,
    organization_id: i32,
) -> Result<Option<stripe::StripeKeys>, AppError> {
    let Some(row) = stripe_account::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let open = |sealed: &str, column: &str| {
        config
            .secrets
            .open(sealed, &sealed_place(organization_id, column))
    };
    Ok(Some(stripe::StripeKeys {
        secret_key: open(&row.secret_key_sealed, "secret_key")?,
        publishable_key: open(&row.publishable_key_sealed, "publishable_key")?,
        webhook_secret: open(&row.webhook_secret_sealed, "webhook_secret")?,
    }))
}

/// The associated data a Stripe key of `organization_id` is sealed with: its row and column.
pub fn sealed_place(organization_id: i32, column: &str) -> String {
    format!("stripe_accounts.{column} organization {organization_id}")
}

/// Re-seals Stripe keys stored before associated data was used (at start-up); returns how
/// many organizations' keys were re-sealed.
pub async fn reseal_legacy_keys(
    db: &DatabaseConnection,
    secrets: &Secrets,
) -> Result<usize, AppError> {
    let mut resealed = 0;
    for row in stripe_account::Entity::find().all(db).await? {
        let columns = [
            &row.secret_key_sealed,
            &row.publishable_key_sealed,
            &row.webhook_secret_sealed,
        ];
        if !columns.iter().any(|c| Secrets::is_legacy(c)) {
            continue;
        }
        let organization_id = row.organization_id;
        let reseal = |sealed: &str, column: &str| -> Result<String, AppError> {
            let place = sealed_place(organization_id, column);
            if !Secrets::is_legacy(sealed) {
                secrets.open(sealed, &place)?;
                return Ok(sealed.to_owned());
            }
            Ok(secrets.seal(&secrets.open_legacy(sealed)?, &place))
        };
        let mut active: stripe_account::ActiveModel = row.clone().into();
        active.secret_key_sealed = Set(reseal(&row.secret_key_sealed, "secret_key")?);
        active.publishable_key_sealed =
            Set(reseal(&row.publishable_key_sealed, "publishable_key")?);
        active.webhook_secret_sealed = Set(reseal(&row.webhook_secret_sealed, "webhook_secret")?);
        let txn = crate::server::store::txn::begin(db).await?;
        active.update(&*txn).await?;
        txn.commit().await?;
        resealed += 1;
    }
    Ok(resealed)
}

/// A random id with a prefix, e.g. `tok_sbx_…` (128 bits, hexadecimal).
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 16]>()))
}
