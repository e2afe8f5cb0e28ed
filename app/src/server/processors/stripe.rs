//! The Stripe adapter: PaymentIntents over Stripe's REST API with reqwest, an `Idempotency-Key`
//! on every call that moves money, and webhook signatures checked as Stripe documents them
//! (HMAC-SHA256 of `timestamp.payload`, at most 300 s old). The card itself is entered in
//! Stripe.js Elements in the browser, so no card number ever reaches this server.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::{
    CardSummary, Confirmation, NewPayment, PaymentProcessor, ProcessorError, WebhookEvent,
};

/// Stripe's API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// How old a webhook's timestamp may be, in seconds.
pub const WEBHOOK_TOLERANCE_SECS: i64 = 300;

/// An organization's Stripe keys, opened.
#[derive(Clone)]
pub struct StripeKeys {
    pub secret_key: String,
    pub publishable_key: String,
    pub webhook_secret: String,
}

/// The Stripe processor of one organization.
pub struct Stripe {
    http: reqwest::Client,
    base: String,
    keys: StripeKeys,
}

/// How long a call to Stripe may take before its outcome counts as unknown.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .build()
        .expect("a reqwest client with default TLS builds")
}

impl Stripe {
    pub fn new(base: &str, keys: StripeKeys) -> Stripe {
        Stripe {
            http: client(DEFAULT_TIMEOUT),
            base: base.trim_end_matches('/').to_owned(),
            keys,
        }
    }

    /// This processor with calls that time out after `timeout` (their outcome then unknown).
    pub fn with_timeout(self, timeout: Duration) -> Stripe {
        Stripe {
            http: client(timeout),
            ..self
        }
    }

    /// The card a succeeded payment intent was paid with (for a payment settled by a webhook,
    /// whose event carries no card details). `None` when Stripe cannot say.
    pub async fn card_of_payment(
        &self,
        payment_ref: &str,
    ) -> Result<Option<CardSummary>, ProcessorError> {
        let response = self
            .http
            .get(format!("{}/v1/payment_intents/{payment_ref}", self.base))
            .bearer_auth(&self.keys.secret_key)
            .query(&[("expand[]", "latest_charge")])
            .send()
            .await
            .map_err(|e| ProcessorError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProcessorError::Unavailable(format!(
                "the payment intent could not be read ({status})"
            )));
        }
        let intent: Value = response.json().await.map_err(|e| {
            ProcessorError::Unavailable(format!("unreadable answer ({status}): {e}"))
        })?;
        Ok(card_of(&intent))
    }

    /// POSTs a form to `path` with an idempotency key; the JSON answer, or why not.
    async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<Result<Value, StripeError>, ProcessorError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.keys.secret_key)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| ProcessorError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| {
            ProcessorError::Unavailable(format!("unreadable answer ({status}): {e}"))
        })?;
        if status.is_success() {
            return Ok(Ok(body));
        }
        let error = &body["error"];
        let message = error["message"].as_str().unwrap_or("no message").to_owned();
        let kind = error["type"].as_str().unwrap_or_default();
        Ok(Err(match status.as_u16() {
            402 if kind == "card_error" => StripeError::Card(message),
            429 | 500..=599 => {
                return Err(ProcessorError::Unavailable(format!("{status}: {message}")))
            }
            _ => StripeError::Request(format!("{status} {kind}: {message}")),
        }))
    }
}

/// An error answer from Stripe.
enum StripeError {
    /// The card was declined (402 `card_error`); the message is for the cardholder.
    Card(String),
    /// Anything else the request was refused for.
    Request(String),
}

fn card_of(intent: &Value) -> Option<CardSummary> {
    let card = &intent["latest_charge"]["payment_method_details"]["card"];
    Some(CardSummary {
        brand: brand_label(card["brand"].as_str()?),
        last4: card["last4"].as_str()?.to_owned(),
    })
}

fn brand_label(brand: &str) -> String {
    match brand {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        other => other,
    }
    .to_owned()
}

impl PaymentProcessor for Stripe {
    async fn create_payment(&self, payment: &NewPayment<'_>) -> Result<String, ProcessorError> {
        let form = [
            ("amount", payment.amount_cents.to_string()),
            ("currency", payment.currency.to_owned()),
            ("payment_method_types[]", "card".to_owned()),
            ("description", payment.description.to_owned()),
        ];
        match self
            .post(
                "/v1/payment_intents",
                &form,
                &format!("{}-create", payment.idempotency_key),
            )
            .await?
        {
            Ok(intent) => intent["id"].as_str().map(str::to_owned).ok_or_else(|| {
                ProcessorError::Unavailable("a payment intent without an id".into())
            }),
            Err(StripeError::Card(m) | StripeError::Request(m)) => Err(ProcessorError::Rejected(m)),
        }
    }

    async fn confirm(
        &self,
        payment_ref: &str,
        card: &str,
        idempotency_key: &str,
    ) -> Result<Confirmation, ProcessorError> {
        let form = [
            ("payment_method", card.to_owned()),
            ("expand[]", "latest_charge".to_owned()),
        ];
        let intent = match self
            .post(
                &format!("/v1/payment_intents/{payment_ref}/confirm"),
                &form,
                &format!("{idempotency_key}-confirm"),
            )
            .await?
        {
            Ok(intent) => intent,
            Err(StripeError::Card(reason)) => return Ok(Confirmation::Declined { reason }),
            Err(StripeError::Request(m)) => return Err(ProcessorError::Rejected(m)),
        };
        match intent["status"].as_str() {
            Some("succeeded") => card_of(&intent)
                .map(Confirmation::Succeeded)
                .ok_or_else(|| {
                    ProcessorError::Unavailable("a succeeded payment without card details".into())
                }),
            Some("requires_action") => Ok(Confirmation::Declined {
                reason:
                    "Your bank asks for an extra verification step that this page cannot show. \
                         Please use another card."
                        .into(),
            }),
            Some("requires_payment_method") => Ok(Confirmation::Declined {
                reason: intent["last_payment_error"]["message"]
                    .as_str()
                    .unwrap_or("Your card was declined.")
                    .to_owned(),
            }),
            other => Err(ProcessorError::Unavailable(format!(
                "the payment is {}",
                other.unwrap_or("in an unknown state")
            ))),
        }
    }

    async fn refund(
        &self,
        payment_ref: &str,
        amount_cents: i32,
        idempotency_key: &str,
    ) -> Result<String, ProcessorError> {
        let form = [
            ("payment_intent", payment_ref.to_owned()),
            ("amount", amount_cents.to_string()),
        ];
        match self.post("/v1/refunds", &form, idempotency_key).await? {
            Ok(refund) if refund["status"].as_str() == Some("failed") => Err(
                ProcessorError::Rejected(format!("refund {} failed", refund["id"])),
            ),
            Ok(refund) => refund["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ProcessorError::Unavailable("a refund without an id".into())),
            Err(StripeError::Card(m) | StripeError::Request(m)) => Err(ProcessorError::Rejected(m)),
        }
    }

    fn verify_webhook(
        &self,
        payload: &[u8],
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, ProcessorError> {
        verify_signature(&self.keys.webhook_secret, payload, signature, now)?;
        let event: Value = serde_json::from_slice(payload)
            .map_err(|_| ProcessorError::BadWebhook("the event is not JSON"))?;
        let object = &event["data"]["object"];
        Ok(WebhookEvent {
            id: event["id"]
                .as_str()
                .ok_or(ProcessorError::BadWebhook("the event has no id"))?
                .to_owned(),
            kind: event["type"].as_str().unwrap_or_default().to_owned(),
            object_id: object["id"].as_str().map(str::to_owned),
            failure: object["last_payment_error"]["message"]
                .as_str()
                .map(str::to_owned),
        })
    }
}

/// Checks a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) for `payload` under `secret`.
pub fn verify_signature(
    secret: &str,
    payload: &[u8],
    header: &str,
    now: DateTime<Utc>,
) -> Result<(), ProcessorError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.extend(hex::decode(s).ok()),
            _ => {}
        }
    }
    let timestamp =
        timestamp.ok_or(ProcessorError::BadWebhook("the signature has no timestamp"))?;
    if (now.timestamp() - timestamp).abs() > WEBHOOK_TOLERANCE_SECS {
        return Err(ProcessorError::BadWebhook(
            "the signature's timestamp is more than 300 seconds away",
        ));
    }
    let valid = signatures.iter().any(|candidate| {
        mac(secret, payload, timestamp)
            .verify_slice(candidate)
            .is_ok()
    });
    if valid {
        Ok(())
    } else {
        Err(ProcessorError::BadWebhook("the signature does not match"))
    }
}

/// A `Stripe-Signature` header for `payload` at `timestamp`, as Stripe computes it (for tests
/// and for replaying events by hand).
pub fn sign(secret: &str, payload: &[u8], timestamp: i64) -> String {
    let signature = mac(secret, payload, timestamp).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(signature))
}

/// HMAC-SHA256 under `secret` of `timestamp.payload`, as Stripe signs events.
fn mac(secret: &str, payload: &[u8], timestamp: i64) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_for_key_payload_and_age() {
        let now = Utc::now();
        let payload = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
        let header = sign("whsec_test", payload, now.timestamp());
        assert_eq!(
            verify_signature("whsec_test", payload, &header, now),
            Ok(())
        );
        assert!(verify_signature("whsec_other", payload, &header, now).is_err());
        assert!(verify_signature("whsec_test", b"{}", &header, now).is_err());
        let old = sign("whsec_test", payload, now.timestamp() - 301);
        assert_eq!(
            verify_signature("whsec_test", payload, &old, now),
            Err(ProcessorError::BadWebhook(
                "the signature's timestamp is more than 300 seconds away"
            ))
        );
        let edge = sign("whsec_test", payload, now.timestamp() - 300);
        assert!(verify_signature("whsec_test", payload, &edge, now).is_ok());
        // Several v1 signatures (during secret rotation): one match is enough.
        let rotated = format!("{},v1=00ff", header);
        assert!(verify_signature("whsec_test", payload, &rotated, now).is_ok());
        assert!(verify_signature("whsec_test", payload, "v1=00", now).is_err());
    }
}
