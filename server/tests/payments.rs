//! Paying in the portal with the sandbox processor, on both databases: idempotent charges
//! under concurrency, declines, refunds, scopes and settings, and no card number or CVC
//! anywhere in the database or the logs.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Statement,
};

use app::server::store::entities::{payment, sandbox_card, sandbox_charge};
use common::{
    audited, call, card_token, client_id, each_database, enable_payments, futures_join, json,
    owed_bookings, sign_in,
};

/// A token for `number` (with `cvc`), which must be accepted.
async fn token(app: &axum::Router, cookie: &str, number: &str, cvc: &str) -> String {
    let reply = card_token(app, Some(cookie), number, cvc).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    json(&reply.body)["id"].as_str().unwrap().to_owned()
}

/// The payment page's attempt key for `booking`.
async fn attempt_key(app: &axum::Router, cookie: &str, client: i32, booking: i32) -> String {
    let reply = call(
        app,
        "get_pay_page",
        &format!("client_id={client}&booking_id={booking}"),
        Some(cookie),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page = json(&reply.body);
    assert_eq!(
        page["item"]["amount_cents"], 12_000,
        "the amount is the appointment's"
    );
    page["attempt_key"].as_str().unwrap().to_owned()
}

fn pay_args(client: i32, booking: i32, token: &str, key: &str) -> String {
    format!("client_id={client}&booking_id={booking}&card_token={token}&attempt_key={key}")
}

#[tokio::test]
async fn twenty_concurrent_replays_of_one_payment_charge_once() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            enable_payments(&t.db, jordan).await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let booking = owed_bookings(&t.db, jordan).await[0];
            let billing = json(
                &call(
                    &app,
                    "get_billing",
                    &format!("client_id={jordan}"),
                    Some(&cookie),
                )
                .await
                .body,
            );
            assert_eq!(billing["owed"].as_array().unwrap().len(), 2, "{billing}");

            let card = token(&app, &cookie, "4242 4242 4242 4242", "123").await;
            let key = attempt_key(&app, &cookie, jordan, booking).await;
            let args = pay_args(jordan, booking, &card, &key);
            let replies = futures_join(20, |_| {
                let (app, args, cookie) = (app.clone(), args.clone(), cookie.clone());
                async move { call(&app, "pay_appointment", &args, Some(&cookie)).await }
            })
            .await;
            let ids: std::collections::BTreeSet<String> = replies
                .iter()
                .map(|r| {
                    assert_eq!(
                        r.status, 200,
                        "every replay answers with the payment: {}",
                        r.body
                    );
                    r.body.clone()
                })
                .collect();
            assert_eq!(ids.len(), 1, "one payment id for all replays: {ids:?}");
            let charges = sandbox_charge::Entity::find().all(&t.db).await.unwrap();
            assert_eq!(
                charges.len(),
                1,
                "exactly one charge at the processor on {}",
                t.kind
            );
            assert_eq!(charges[0].status, "succeeded");
            assert_eq!(charges[0].amount_cents, 12_000);
            let payments = payment::Entity::find()
                .filter(payment::Column::BookingId.eq(booking))
                .all(&t.db)
                .await
                .unwrap();
            assert_eq!(payments.len(), 1);
            assert_eq!(
                (
                    payments[0].card_brand.as_deref(),
                    payments[0].card_last4.as_deref()
                ),
                (Some("Visa"), Some("4242"))
            );
            assert_eq!(audited(&t.db, "payment.succeeded").await, 1);

            // A second attempt (a new key, as after a reload) is refused: already paid.
            let again = attempt_key_or(&app, &cookie, jordan, booking).await;
            assert_eq!(again.status, 409, "{}", again.body);
            let other_key = "pay_another_attempt_after_reload";
            let second = call(
                &app,
                "pay_appointment",
                &pay_args(jordan, booking, &card, other_key),
                Some(&cookie),
            )
            .await;
            assert!(
                second.status == 409 || second.status == 404,
                "{} {}",
                second.status,
                second.body
            );
            assert_eq!(
                sandbox_charge::Entity::find().count(&t.db).await.unwrap(),
                1
            );

            // The Payments tab: one owed, one paid with its receipt.
            let billing = json(
                &call(
                    &app,
                    "get_billing",
                    &format!("client_id={jordan}"),
                    Some(&cookie),
                )
                .await
                .body,
            );
            assert_eq!(billing["owed"].as_array().unwrap().len(), 1);
            let paid_id = billing["paid"][0]["payment_id"].as_i64().unwrap();
            let receipt = call(
                &app,
                "get_receipt",
                &format!("client_id={jordan}&payment_id={paid_id}"),
                Some(&cookie),
            )
            .await;
            assert_eq!(receipt.status, 200, "{}", receipt.body);
            let receipt = json(&receipt.body);
            assert_eq!(receipt["amount_cents"], 12_000);
            assert_eq!(receipt["card_last4"], "4242");
            assert_eq!(receipt["practice"], "Bright Path ABA");
        }),
    )
    .await;
}

async fn attempt_key_or(
    app: &axum::Router,
    cookie: &str,
    client: i32,
    booking: i32,
) -> common::Reply {
    call(
        app,
        "get_pay_page",
        &format!("client_id={client}&booking_id={booking}"),
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn a_declined_card_shows_the_reason_and_charges_nothing() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            enable_payments(&t.db, jordan).await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let booking = owed_bookings(&t.db, jordan).await[0];
            for (number, reason) in [
                ("4000 0000 0000 0002", "Your card was declined."),
                ("4000 0000 0000 9995", "Your card has insufficient funds."),
            ] {
                let card = token(&app, &cookie, number, "123").await;
                let key = attempt_key(&app, &cookie, jordan, booking).await;
                let reply = call(
                    &app,
                    "pay_appointment",
                    &pay_args(jordan, booking, &card, &key),
                    Some(&cookie),
                )
                .await;
                assert_eq!(reply.status, 402, "{}", reply.body);
                assert!(reply.body.contains(reason), "{}", reply.body);
                // A replay of the declined attempt gives the same answer and charges nothing.
                let replay = call(
                    &app,
                    "pay_appointment",
                    &pay_args(jordan, booking, &card, &key),
                    Some(&cookie),
                )
                .await;
                assert_eq!(replay.status, 402);
                assert!(replay.body.contains(reason));
            }
            assert_eq!(
                sandbox_charge::Entity::find()
                    .filter(sandbox_charge::Column::Status.eq("succeeded"))
                    .count(&t.db)
                    .await
                    .unwrap(),
                0
            );
            assert_eq!(audited(&t.db, "payment.declined").await, 2);
            // Still owed, and a good card then pays it.
            let card = token(&app, &cookie, "4242424242424242", "123").await;
            let key = attempt_key(&app, &cookie, jordan, booking).await;
            let ok = call(
                &app,
                "pay_appointment",
                &pay_args(jordan, booking, &card, &key),
                Some(&cookie),
            )
            .await;
            assert_eq!(ok.status, 200, "{}", ok.body);

            // A mistyped card never gets a token; the answer names the field, not the number.
            let bad = card_token(&app, Some(&cookie), "4242 4242 4242 4241", "12").await;
            assert_eq!(bad.status, 400);
            let body = json(&bad.body);
            assert!(body["error"]["fields"]["number"]
                .as_str()
                .unwrap()
                .contains("not valid"));
            assert!(body["error"]["fields"]["cvc"].is_string());
            assert!(!bad.body.contains("4241"), "{}", bad.body);
            let garbage = card_token(&app, Some(&cookie), "", "").await;
            assert_eq!(garbage.status, 400);

            // Only a signed-in person gets tokens, and only so many an hour (card testing).
            let anonymous = card_token(&app, None, "4242424242424242", "123").await;
            assert_eq!(anonymous.status, 401, "{}", anonymous.body);
            let mut statuses = Vec::new();
            for _ in 0..25 {
                statuses.push(
                    card_token(&app, Some(&cookie), "4242424242424242", "123")
                        .await
                        .status
                        .as_u16(),
                );
            }
            let first_refused = statuses.iter().position(|s| *s == 429).expect("a limit");
            assert!(
                statuses[first_refused..].iter().all(|s| *s == 429),
                "{statuses:?}"
            );
            let made = sandbox_card::Entity::find()
                .filter(sandbox_card::Column::CreatedBy.starts_with("portal:"))
                .count(&t.db)
                .await
                .unwrap();
            assert_eq!(made, 20, "{statuses:?}");
            let limited = card_token(&app, Some(&cookie), "4242424242424242", "123").await;
            assert!(limited.body.contains("Too many cards"), "{}", limited.body);
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let other = card_token(&app, Some(&admin), "4242424242424242", "123").await;
            assert_eq!(other.status, 200, "another person is not limited");
        }),
    )
    .await;
}

#[tokio::test]
async fn administrators_refund_in_part_or_in_full_and_the_receipt_shows_it() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            enable_payments(&t.db, jordan).await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let booking = owed_bookings(&t.db, jordan).await[0];
            let card = token(&app, &client, "4242424242424242", "123").await;
            let key = attempt_key(&app, &client, jordan, booking).await;
            let id: i32 = call(&app, "pay_appointment", &pay_args(jordan, booking, &card, &key), Some(&client))
                .await
                .body
                .parse()
                .unwrap();

            let therapist = sign_in(&app, "therapist@brightpath.example").await;
            let seen = call(&app, "get_payment", &format!("payment_id={id}"), Some(&therapist)).await;
            assert_eq!(seen.status, 200, "the assigned therapist sees the payment");
            assert_eq!(json(&seen.body)["may_refund"], false);
            let refused = call(
                &app,
                "refund_payment",
                &format!("payment_id={id}&refund_key=therapist-refund-key-01&input[amount]=10&input[reason]=x"),
                Some(&therapist),
            )
            .await;
            assert_eq!(refused.status, 403, "only administrators refund");

            let admin = sign_in(&app, "admin@brightpath.example").await;
            let detail = json(&call(&app, "get_payment", &format!("payment_id={id}"), Some(&admin)).await.body);
            assert_eq!(detail["may_refund"], true);
            let refund_key = detail["refund_key"].as_str().unwrap().to_owned();
            let partial = format!("payment_id={id}&refund_key={refund_key}&input[amount]=50&input[reason]=Session%20cut%20short");
            let first = call(&app, "refund_payment", &partial, Some(&admin)).await;
            assert_eq!(first.status, 200, "{}", first.body);
            // A replay of the same refund refunds nothing more.
            let replay = call(&app, "refund_payment", &partial, Some(&admin)).await;
            assert_eq!(replay.status, 200, "{}", replay.body);
            let receipt = json(&replay.body)["receipt"].clone();
            assert_eq!(receipt["refunded_cents"], 5_000);
            assert_eq!(receipt["refunds"].as_array().unwrap().len(), 1);
            assert_eq!(receipt["refunds"][0]["reason"], "Session cut short");

            let too_much = call(
                &app,
                "refund_payment",
                &format!("payment_id={id}&refund_key=second-refund-key-0001&input[amount]=70.01&input[reason]=x"),
                Some(&admin),
            )
            .await;
            assert_eq!(too_much.status, 400);
            assert!(too_much.body.contains("At most $70.00"), "{}", too_much.body);
            let rest = call(
                &app,
                "refund_payment",
                &format!("payment_id={id}&refund_key=second-refund-key-0002&input[amount]=70&input[reason]=Billed%20in%20error"),
                Some(&admin),
            )
            .await;
            assert_eq!(rest.status, 200, "{}", rest.body);
            let rest = json(&rest.body);
            assert_eq!(rest["receipt"]["refunded_cents"], 12_000);
            assert_eq!(rest["may_refund"], false);
            let charge = sandbox_charge::Entity::find().one(&t.db).await.unwrap().unwrap();
            assert_eq!(charge.refunded_cents, 12_000, "the processor refunded the same");
            assert_eq!(audited(&t.db, "payment.refunded").await, 2);

            // The client's receipt shows the refunds; the staff list filters by them.
            let receipt = json(&call(&app, "get_receipt", &format!("client_id={jordan}&payment_id={id}"), Some(&client)).await.body);
            assert_eq!(receipt["refunds"].as_array().unwrap().len(), 2);
            let list = |filter: &str| {
                let (app, admin) = (app.clone(), admin.clone());
                let filter = filter.to_owned();
                async move { json(&call(&app, "list_payments", &filter, Some(&admin)).await.body) }
            };
            let refunded = list("filter[status]=refunded&filter[q]=&filter[from]=&filter[to]=").await;
            assert_eq!(refunded["paging"]["count"]["rows"], 1);
            let declined = list("filter[status]=declined&filter[q]=&filter[from]=&filter[to]=").await;
            assert_eq!(declined["paging"]["count"]["rows"], 0);
            let by_name = list("filter[status]=&filter[q]=sam&filter[from]=&filter[to]=").await;
            assert_eq!(by_name["paging"]["count"]["rows"], 0);
            let bad = call(&app, "list_payments", "filter[status]=&filter[q]=&filter[from]=2026-13-01&filter[to]=", Some(&admin)).await;
            assert_eq!(bad.status, 400);
        }),
    )
    .await;
}

#[tokio::test]
async fn payments_need_the_setting_the_processor_and_the_payments_scope() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let client = sign_in(&app, "client@brightpath.example").await;
            let billing = format!("client_id={jordan}");
            // The demo starts with card processing off.
            assert_eq!(call(&app, "get_billing", &billing, Some(&client)).await.status, 403);
            enable_payments(&t.db, jordan).await;
            assert_eq!(call(&app, "get_billing", &billing, Some(&client)).await.status, 200);

            // Turned off for Jordan: 403 for the client, staff still see the payments list.
            let admin = sign_in(&app, "admin@brightpath.example").await;
            let off = call(&app, "change_setting", &format!("client_id={jordan}&setting=payments&on=false"), Some(&admin)).await;
            assert_eq!(off.status, 200, "{}", off.body);
            assert_eq!(call(&app, "get_billing", &billing, Some(&client)).await.status, 403);
            let list = call(&app, "list_payments", "filter[status]=&filter[q]=&filter[from]=&filter[to]=", Some(&admin)).await;
            assert_eq!(list.status, 200);
            call(&app, "change_setting", &format!("client_id={jordan}&setting=payments&on=true"), Some(&admin)).await;

            // The parent without the payments scope: 403; with it: 200.
            let parent = sign_in(&app, "parent@brightpath.example").await;
            assert_eq!(call(&app, "get_billing", &billing, Some(&parent)).await.status, 200);
            let contact = common::json(&call(&app, "get_client", &format!("id={jordan}"), Some(&admin)).await.body)["contacts"][0]["id"]
                .as_i64()
                .unwrap();
            let scopes = call(
                &app,
                "set_contact_access",
                &format!("client_id={jordan}&contact_id={contact}&access[portal_access]=true&access[forms]=true&access[scheduling]=true"),
                Some(&admin),
            )
            .await;
            assert_eq!(scopes.status, 200, "{}", scopes.body);
            assert_eq!(call(&app, "get_billing", &billing, Some(&parent)).await.status, 403);

            // Card processing off again: nobody in the portal pays.
            let processing = call(&app, "set_card_processing", "processor=", Some(&admin)).await;
            assert_eq!(processing.status, 200);
            assert_eq!(call(&app, "get_billing", &billing, Some(&client)).await.status, 403);
        }),
    )
    .await;
}

/// Every log line of this test binary.
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        // Everything at TRACE, except sqlx's statement timings (`elapsed=863µs`), which could
        // match a three-digit CVC by chance; its statements carry placeholders, never values.
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace,sqlx=info"))
            .with_writer(move || LogWriter(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("one subscriber per test binary");
        logs
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every value of every table, as text, one line per row.
async fn dump(db: &DatabaseConnection) -> String {
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        sea_orm::DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        _ => "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(tables.iter().any(|t| t == "payments"), "{tables:?}");
    let mut out = String::new();
    for table in tables {
        let columns_sql = match backend {
            sea_orm::DbBackend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            _ => format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'"
            ),
        };
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, columns_sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        let row_text = columns
            .iter()
            .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
            .collect::<Vec<_>>()
            .join(" || ' | ' || ");
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {row_text} FROM \"{table}\""),
            ))
            .await
            .unwrap();
        for row in rows {
            out.push_str(&table);
            out.push_str(": ");
            out.push_str(&row.try_get_by_index::<String>(0).unwrap());
            out.push('\n');
        }
    }
    out
}

/// Whether `needle` occurs in `text` as a whole number (not inside a longer run of digits or
/// letters), e.g. a CVC among timestamps and ids.
fn has_token(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn no_card_number_or_cvc_is_stored_or_logged() {
    let logs = captured_logs();
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            enable_payments(&t.db, jordan).await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let owed = owed_bookings(&t.db, jordan).await;
            // A success, a decline and refused input, each with its own CVC.
            for (booking, number, cvc) in [
                (owed[0], "4000000000009995", "863"),
                (owed[0], "4242424242424242", "917"),
                (owed[1], "4000000000000002", "529"),
            ] {
                let card = token(&app, &cookie, number, cvc).await;
                let key = attempt_key(&app, &cookie, jordan, booking).await;
                call(
                    &app,
                    "pay_appointment",
                    &pay_args(jordan, booking, &card, &key),
                    Some(&cookie),
                )
                .await;
            }
            card_token(&app, Some(&cookie), "4242424242424241", "374").await;
            // A card number sent straight to a server function is refused, not stored.
            call(
                &app,
                "pay_appointment",
                &pay_args(
                    jordan,
                    owed[1],
                    "4242424242424242",
                    "pay_card_number_as_token_1",
                ),
                Some(&cookie),
            )
            .await;
            assert_eq!(
                payment::Entity::find()
                    .filter(payment::Column::Status.eq("succeeded"))
                    .count(&t.db)
                    .await
                    .unwrap(),
                1
            );
            let stored = dump(&t.db).await;
            assert!(stored.contains("4242"), "the last four digits are kept");
            let logged = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
            assert!(
                logged.contains("card processor"),
                "the logs are captured: {logged}"
            );
            for (place, text) in [("database", &stored), ("logs", &logged)] {
                for number in [
                    "4242424242424242",
                    "4000000000009995",
                    "4000000000000002",
                    "4242424242424241",
                ] {
                    assert!(
                        !text.contains(number),
                        "card number {number} in the {place} on {}",
                        t.kind
                    );
                }
                for cvc in ["863", "917", "529", "374"] {
                    assert!(
                        !has_token(text, cvc),
                        "CVC {cvc} in the {place} on {}:\n{}",
                        t.kind,
                        text.lines()
                            .filter(|l| has_token(l, cvc))
                            .collect::<Vec<_>>()
                            .join("\n")
                    );
                }
            }
        }),
    )
    .await;
    assert!(!logs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_attempt_whose_request_was_lost_is_finished_by_paying_again() {
    each_database(
        true,
        body!(|t| {
            use sea_orm::{ActiveModelTrait, NotSet, Set};
            let app = t.app();
            let jordan = client_id(&t.db, "Jordan").await;
            let org = enable_payments(&t.db, jordan).await;
            let cookie = sign_in(&app, "client@brightpath.example").await;
            let booking = owed_bookings(&t.db, jordan).await[0];
            // As a crash would leave it: processing, the processor never asked, minutes ago.
            let lost = payment::ActiveModel {
                id: NotSet,
                organization_id: Set(org),
                client_id: Set(jordan),
                booking_id: Set(booking),
                processor: Set(app::domain::portal_settings::CardProcessor::Sandbox),
                idempotency_key: Set("pay_lost_in_a_crash_0001".into()),
                processor_ref: Set(None),
                amount_cents: Set(12_000),
                currency: Set("usd".into()),
                status: Set(app::domain::payments::PaymentStatus::Processing),
                decline_reason: Set(None),
                card_brand: Set(None),
                card_last4: Set(None),
                refunded_cents: Set(0),
                paid_by: Set("portal:1".into()),
                created_at: Set(chrono::Utc::now() - chrono::Duration::minutes(5)),
                completed_at: Set(None),
            }
            .insert(&t.db)
            .await
            .unwrap();
            // The payment page offers the same attempt again, and paying finishes it.
            assert_eq!(
                attempt_key(&app, &cookie, jordan, booking).await,
                "pay_lost_in_a_crash_0001"
            );
            let card = token(&app, &cookie, "4242424242424242", "123").await;
            let paid = call(
                &app,
                "pay_appointment",
                &pay_args(jordan, booking, &card, "pay_lost_in_a_crash_0001"),
                Some(&cookie),
            )
            .await;
            assert_eq!(paid.status, 200, "{}", paid.body);
            assert_eq!(paid.body, lost.id.to_string());
            assert_eq!(
                sandbox_charge::Entity::find().count(&t.db).await.unwrap(),
                1
            );
        }),
    )
    .await;
}
