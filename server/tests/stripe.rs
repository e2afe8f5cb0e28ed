//! The Stripe adapter against a local mock of Stripe's API (wiremock): PaymentIntents with
//! idempotency keys, declines and outages, refunds; and the webhook endpoint's signature,
//! staleness and replay checks, through the whole app on both databases.

use crate::common;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use app::server::processors::stripe::{sign, Stripe, StripeKeys};
use app::server::processors::{Confirmation, NewPayment, PaymentProcessor, ProcessorError};
use app::server::store::entities::payment;
use common::{
    audited, call, client_id, each_database, enable_payments, json, owed_bookings, send, sign_in,
};

const SECRET: &str = "sk_test_mock0000000001";
const PUBLISHABLE: &str = "pk_test_mock0000000001";
const WEBHOOK: &str = "whsec_mock00000000001";

fn keys() -> StripeKeys {
    StripeKeys {
        secret_key: SECRET.into(),
        publishable_key: PUBLISHABLE.into(),
        webhook_secret: WEBHOOK.into(),
    }
}

fn stripe_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "error": { "type": kind, "code": "x", "message": message } }))
}

fn succeeded(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "status": "succeeded",
        "latest_charge": { "payment_method_details": { "card": { "brand": "visa", "last4": "4242" } } }
    })
}

#[tokio::test]
async fn the_adapter_speaks_stripe_and_maps_its_errors() {
    let mock = MockServer::start().await;
    let stripe = Stripe::new(&mock.uri(), keys());
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(header("idempotency-key", "attempt-0001-create"))
        .and(body_string_contains("amount=12000"))
        .and(body_string_contains("currency=usd"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "id": "pi_1", "status": "requires_payment_method" })),
        )
        .mount(&mock)
        .await;
    let new = NewPayment {
        amount_cents: 12_000,
        currency: "usd",
        idempotency_key: "attempt-0001",
        description: "Appointment 1",
    };
    assert_eq!(stripe.create_payment(&new).await.unwrap(), "pi_1");

    for (pm, response, expected) in [
        ("pm_ok", ResponseTemplate::new(200).set_body_json(succeeded("pi_1")), Ok(Confirmation::Succeeded(app::server::processors::CardSummary { brand: "Visa".into(), last4: "4242".into() }))),
        ("pm_declined", stripe_error(402, "card_error", "Your card has insufficient funds."), Ok(Confirmation::Declined { reason: "Your card has insufficient funds.".into() })),
        ("pm_3ds", ResponseTemplate::new(200).set_body_json(json!({ "id": "pi_1", "status": "requires_action" })), Ok(Confirmation::Declined { reason: "Your bank asks for an extra verification step that this page cannot show. Please use another card.".into() })),
        ("pm_badkey", stripe_error(401, "invalid_request_error", "Invalid API Key provided"), Err(ProcessorError::Rejected("401 Unauthorized invalid_request_error: Invalid API Key provided".into()))),
        ("pm_busy", stripe_error(429, "rate_limit_error", "Too many requests"), Err(ProcessorError::Unavailable("429 Too Many Requests: Too many requests".into()))),
        ("pm_down", stripe_error(500, "api_error", "Something went wrong"), Err(ProcessorError::Unavailable("500 Internal Server Error: Something went wrong".into()))),
    ] {
        Mock::given(method("POST"))
            .and(path("/v1/payment_intents/pi_1/confirm"))
            .and(body_string_contains(format!("payment_method={pm}").as_str()))
            .and(header("idempotency-key", format!("key-{pm}-confirm").as_str()))
            .respond_with(response)
            .mount(&mock)
            .await;
        assert_eq!(stripe.confirm("pi_1", pm, &format!("key-{pm}")).await, expected, "{pm}");
    }

    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(header("idempotency-key", "refund-0001"))
        .and(body_string_contains("payment_intent=pi_1"))
        .and(body_string_contains("amount=2000"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "id": "re_1", "status": "succeeded" })),
        )
        .mount(&mock)
        .await;
    assert_eq!(
        stripe.refund("pi_1", 2_000, "refund-0001").await.unwrap(),
        "re_1"
    );

    // Nothing listening: unavailable, so that the same attempt can be retried.
    let closed = Stripe::new("http://127.0.0.1:9", keys());
    assert!(matches!(
        closed.create_payment(&new).await,
        Err(ProcessorError::Unavailable(_))
    ));
}

/// A webhook request, signed at `timestamp` with `secret`.
fn webhook(
    org: i32,
    payload: &str,
    secret: &str,
    timestamp: i64,
) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(format!("/webhooks/stripe/{org}"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            sign(secret, payload.as_bytes(), timestamp),
        )
        .body(axum::body::Body::from(payload.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn paying_with_stripe_through_the_app_with_outages_webhooks_and_refunds() {
    each_database(
        true,
        body!(|t| {
            let mock = MockServer::start().await;
            let t = t.with_stripe_api(&mock.uri());
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let org = enable_payments(&t.db, jordan).await;
            let admin = sign_in(&app, "admin@brightpath.example").await;

            // Stripe cannot be chosen before its keys are saved; then the keys show only their last four.
            let early = call(&app, "set_card_processing", "processor=stripe", Some(&admin)).await;
            assert_eq!(early.status, 400, "{}", early.body);
            let saved = call(
                &app,
                "save_stripe_keys",
                &format!("input[secret_key]={SECRET}&input[publishable_key]={PUBLISHABLE}&input[webhook_secret]={WEBHOOK}"),
                Some(&admin),
            )
            .await;
            assert_eq!(saved.status, 200, "{}", saved.body);
            assert!(!saved.body.contains(SECRET) && saved.body.contains("0001"), "{}", saved.body);
            let shown = call(&app, "get_stripe_keys", "", Some(&admin)).await.body;
            assert!(!shown.contains("sk_test") && !shown.contains("whsec_"), "{shown}");
            assert_eq!(call(&app, "set_card_processing", "processor=stripe", Some(&admin)).await.status, 200);

            let client = sign_in(&app, "client@brightpath.example").await;
            let owed = owed_bookings(&t.db, jordan).await;
            let page = json(&call(&app, "get_pay_page", &format!("client_id={jordan}&booking_id={}", owed[0]), Some(&client)).await.body);
            assert_eq!(page["card_entry"]["Stripe"]["publishable_key"], PUBLISHABLE);
            let key = page["attempt_key"].as_str().unwrap().to_owned();

            Mock::given(method("POST"))
                .and(path("/v1/payment_intents"))
                .and(header("idempotency-key", format!("{key}-create").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "pi_app_1", "status": "requires_payment_method" })))
                .expect(1)
                .mount(&mock)
                .await;
            // The first confirmation finds Stripe down; the attempt is interrupted, not lost.
            Mock::given(method("POST"))
                .and(path("/v1/payment_intents/pi_app_1/confirm"))
                .respond_with(stripe_error(503, "api_error", "Service unavailable"))
                .up_to_n_times(1)
                .mount(&mock)
                .await;
            let pay = format!("client_id={jordan}&booking_id={}&card_token=pm_card_visa&attempt_key={key}", owed[0]);
            let down = call(&app, "pay_appointment", &pay, Some(&client)).await;
            assert_eq!(down.status, 502, "{}", down.body);
            assert!(down.body.contains("will not be charged twice"), "{}", down.body);
            let row = payment::Entity::find().filter(payment::Column::IdempotencyKey.eq(key.as_str())).one(&t.db).await.unwrap().unwrap();
            assert_eq!((row.status.key(), row.processor_ref.as_deref()), ("interrupted", Some("pi_app_1")));
            // Reloading the page offers the same attempt again.
            let again = json(&call(&app, "get_pay_page", &format!("client_id={jordan}&booking_id={}", owed[0]), Some(&client)).await.body);
            assert_eq!(again["attempt_key"], key.as_str());

            // Retrying the same attempt confirms the same payment intent; it is not created twice.
            Mock::given(method("POST"))
                .and(path("/v1/payment_intents/pi_app_1/confirm"))
                .and(header("idempotency-key", format!("{key}-confirm").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(succeeded("pi_app_1")))
                .mount(&mock)
                .await;
            let retried = call(&app, "pay_appointment", &pay, Some(&client)).await;
            assert_eq!(retried.status, 200, "{}", retried.body);
            let paid_id: i32 = retried.body.parse().unwrap();
            let receipt = json(&call(&app, "get_receipt", &format!("client_id={jordan}&payment_id={paid_id}"), Some(&client)).await.body);
            assert_eq!((receipt["card_brand"].as_str(), receipt["card_last4"].as_str()), (Some("Visa"), Some("4242")));

            // A refund goes to Stripe with the form's idempotency key; a refusal gives the amount back.
            let detail = json(&call(&app, "get_payment", &format!("payment_id={paid_id}"), Some(&admin)).await.body);
            let refund_key = detail["refund_key"].as_str().unwrap().to_owned();
            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(header("idempotency-key", refund_key.as_str()))
                .and(body_string_contains("amount=2000"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "re_app_1", "status": "succeeded" })))
                .expect(1)
                .mount(&mock)
                .await;
            let refunded = call(&app, "refund_payment", &format!("payment_id={paid_id}&refund_key={refund_key}&input[amount]=20&input[reason]=Goodwill"), Some(&admin)).await;
            assert_eq!(refunded.status, 200, "{}", refunded.body);
            Mock::given(method("POST"))
                .and(path("/v1/refunds"))
                .and(header("idempotency-key", "refused-refund-key-01"))
                .respond_with(stripe_error(400, "invalid_request_error", "Charge has been disputed"))
                .mount(&mock)
                .await;
            let refused = call(&app, "refund_payment", &format!("payment_id={paid_id}&refund_key=refused-refund-key-01&input[amount]=10&input[reason]=x"), Some(&admin)).await;
            assert_eq!(refused.status, 502, "{}", refused.body);
            let row = payment::Entity::find_by_id(paid_id).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.refunded_cents, 2_000, "only the refund Stripe made counts");

            // Webhooks: a payment interrupted for good is settled by Stripe's event, once.
            let second = owed[1];
            let page = json(&call(&app, "get_pay_page", &format!("client_id={jordan}&booking_id={second}"), Some(&client)).await.body);
            let key2 = page["attempt_key"].as_str().unwrap().to_owned();
            Mock::given(method("POST"))
                .and(path("/v1/payment_intents"))
                .and(header("idempotency-key", format!("{key2}-create").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "pi_app_2", "status": "requires_payment_method" })))
                .mount(&mock)
                .await;
            Mock::given(method("POST"))
                .and(path("/v1/payment_intents/pi_app_2/confirm"))
                .respond_with(stripe_error(500, "api_error", "boom"))
                .expect(1)
                .mount(&mock)
                .await;
            let pay2 = format!("client_id={jordan}&booking_id={second}&card_token=pm_card_visa&attempt_key={key2}");
            assert_eq!(call(&app, "pay_appointment", &pay2, Some(&client)).await.status, 502);

            // The settled payment's card is read from the payment intent, once.
            Mock::given(method("GET"))
                .and(path("/v1/payment_intents/pi_app_2"))
                .and(query_param("expand[]", "latest_charge"))
                .and(header("authorization", format!("Bearer {SECRET}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(succeeded("pi_app_2")))
                .expect(1)
                .mount(&mock)
                .await;
            let now = Utc::now().timestamp();
            let event = json!({ "id": "evt_1", "type": "payment_intent.succeeded", "data": { "object": { "id": "pi_app_2" } } }).to_string();
            let forged = send(&app, webhook(org, &event, "whsec_not_the_secret", now)).await;
            assert_eq!(forged.status, 400, "{}", forged.body);
            let stale = send(&app, webhook(org, &event, WEBHOOK, now - 301)).await;
            assert_eq!(stale.status, 400);
            assert!(stale.body.contains("300 seconds"), "{}", stale.body);
            let handled = send(&app, webhook(org, &event, WEBHOOK, now)).await;
            assert_eq!((handled.status.as_u16(), handled.body.as_str()), (200, "handled"));
            let replayed = send(&app, webhook(org, &event, WEBHOOK, now)).await;
            assert_eq!((replayed.status.as_u16(), replayed.body.as_str()), (200, "already handled"));
            assert_eq!(audited(&t.db, "payment.webhook").await, 1);
            let row = payment::Entity::find().filter(payment::Column::IdempotencyKey.eq(key2.as_str())).one(&t.db).await.unwrap().unwrap();
            assert_eq!(row.status.key(), "succeeded");
            assert_eq!((row.card_brand.as_deref(), row.card_last4.as_deref()), (Some("Visa"), Some("4242")), "the receipt names the card");
            // The client's retry now finds it paid, without asking Stripe again.
            let after = call(&app, "pay_appointment", &pay2, Some(&client)).await;
            assert_eq!(after.status, 200, "{}", after.body);
            assert_eq!(after.body, row.id.to_string());
            // An organization without Stripe keys has no webhook endpoint.
            let other = send(&app, webhook(999_999, &event, WEBHOOK, now)).await;
            assert_eq!(other.status, 404);
            mock.verify().await;
        }),
    )
    .await;
}
