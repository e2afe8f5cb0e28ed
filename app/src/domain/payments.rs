//! Payments: money as text, the card-entry rule (number, expiry and CVC, checked in the browser
//! and again by the sandbox's tokenize endpoint), refund amounts, Stripe keys, and the DTOs of
//! the portal's Payments tab, the receipt and the staff payments list.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::schedule::parse_price;
use super::validation::FieldErrors;

/// The currency of every charge (the practices are in the United States).
pub const CURRENCY: &str = "usd";

/// Cents as dollars, e.g. `$1,234.50`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// A card as typed on the payment page. It goes only to the processor's tokenize endpoint,
/// never to the application's server functions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInput {
    pub number: String,
    /// `MM/YY` or `MM/YYYY`.
    pub expiry: String,
    pub cvc: String,
}

/// A card that passed [`CardInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCard {
    pub digits: String,
    pub brand: &'static str,
    pub exp_month: u32,
    pub exp_year: i32,
}

impl CheckedCard {
    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }
}

impl CardInput {
    /// Checks the number (digits, length, Luhn), the expiry (a real month, not past `today`)
    /// and the CVC (3 digits, 4 for American Express).
    pub fn validate(&self, today: NaiveDate) -> Result<CheckedCard, FieldErrors> {
        let mut errors = FieldErrors::default();
        let digits: String = self
            .number
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let number_ok = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && (12..=19).contains(&digits.len());
        if digits.is_empty() {
            errors.add("number", "Enter the card number.");
        } else if !number_ok || !luhn(&digits) {
            errors.add(
                "number",
                "That card number is not valid. Check it and try again.",
            );
        }
        let brand = brand_of(&digits);
        let expiry = parse_expiry(&self.expiry);
        match expiry {
            None => errors.add("expiry", "Enter the expiry date as MM/YY."),
            Some((month, year)) if (year, month) < (today.year(), today.month()) => {
                errors.add("expiry", "This card has expired.")
            }
            Some(_) => {}
        }
        let cvc = self.cvc.trim();
        let cvc_len = if brand == "American Express" { 4 } else { 3 };
        if cvc.len() != cvc_len || !cvc.chars().all(|c| c.is_ascii_digit()) {
            errors.add(
                "cvc",
                format!("Enter the {cvc_len}-digit security code from the card."),
            );
        }
        let (exp_month, exp_year) = expiry.unwrap_or_default();
        errors.into_result(CheckedCard {
            digits,
            brand,
            exp_month,
            exp_year,
        })
    }
}

fn parse_expiry(value: &str) -> Option<(u32, i32)> {
    let (month, year) = value.split_once('/')?;
    let month: u32 = month.trim().parse().ok()?;
    let year = year.trim();
    let year: i32 = match year.len() {
        2 => 2000 + year.parse::<i32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    (1..=12).contains(&month).then_some((month, year))
}

/// The Luhn checksum of a card number (digits only).
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// The card brand from the number's first digits.
pub fn brand_of(digits: &str) -> &'static str {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(4)) {
        (Some(4), _, _) => "Visa",
        (_, Some(34 | 37), _) => "American Express",
        (_, Some(51..=55), _) | (_, _, Some(2221..=2720)) => "Mastercard",
        (_, Some(65), _) | (_, _, Some(6011)) => "Discover",
        _ => "Card",
    }
}

/// Where a payment attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentStatus {
    /// The processor is being asked.
    Processing,
    /// The processor could not be reached; a retry with the same attempt finishes it.
    Interrupted,
    Succeeded,
    Declined,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] = [
        PaymentStatus::Succeeded,
        PaymentStatus::Declined,
        PaymentStatus::Processing,
        PaymentStatus::Interrupted,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PaymentStatus::Processing => "processing",
            PaymentStatus::Interrupted => "interrupted",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Declined => "declined",
        }
    }

    pub fn from_key(key: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Processing => "Processing",
            PaymentStatus::Interrupted => "Interrupted",
            PaymentStatus::Succeeded => "Paid",
            PaymentStatus::Declined => "Declined",
        }
    }
}

/// Checks a payment attempt's idempotency key: 16 to 64 letters, digits, `-` or `_`.
pub fn check_attempt_key(key: &str) -> Result<(), String> {
    let ok = (16..=64).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("This payment page is out of date. Reload it and try again.".into())
    }
}

/// An appointment the client owes for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedAppointment {
    pub booking_id: i32,
    pub when: String,
    pub service: String,
    pub staff_name: String,
    pub amount_cents: i32,
}

/// One successful payment, as the client sees it in the Payments tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidAppointment {
    pub payment_id: i32,
    pub paid_on: String,
    pub service: String,
    pub when: String,
    pub amount_cents: i32,
    pub refunded_cents: i32,
}

/// The portal's Payments tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalBilling {
    pub owed: Vec<OwedAppointment>,
    pub paid: Vec<PaidAppointment>,
}

impl PortalBilling {
    pub fn total_owed_cents(&self) -> i64 {
        self.owed.iter().map(|o| i64::from(o.amount_cents)).sum()
    }
}

/// How the payment page takes the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardEntry {
    /// The built-in sandbox: the card goes to its tokenize endpoint, `/sandbox/v1/tokens`.
    Sandbox,
    /// Stripe.js Elements with the organization's publishable key (needs the internet).
    Stripe { publishable_key: String },
}

/// The payment page of one appointment, with the idempotency key of this attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPage {
    pub item: OwedAppointment,
    pub attempt_key: String,
    pub card_entry: CardEntry,
}

/// One refund on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    pub on: String,
    pub amount_cents: i32,
    pub reason: String,
    /// Asked of the processor, which has not confirmed it yet (settled automatically).
    pub pending: bool,
}

/// A receipt (portal and staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub payment_id: i32,
    pub practice: String,
    pub client_name: String,
    pub service: String,
    pub appointment_when: String,
    pub paid_at: String,
    pub amount_cents: i32,
    pub card_brand: String,
    pub card_last4: String,
    pub refunds: Vec<RefundLine>,
    pub refunded_cents: i32,
}

impl Receipt {
    pub fn refundable_cents(&self) -> i32 {
        self.amount_cents - self.refunded_cents
    }
}

/// The staff payments list's filters, as in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFilter {
    /// A [`PaymentStatus`] key, `refunded`, or blank for all.
    pub status: String,
    /// Part of the client's name.
    pub q: String,
    /// `YYYY-MM-DD`, inclusive; blank for open-ended.
    pub from: String,
    pub to: String,
    /// Where the page starts.
    #[serde(default)]
    pub at: crate::domain::paging::PageAt,
}

/// The filters after checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFilter {
    pub status: Option<PaymentStatus>,
    pub refunded_only: bool,
    pub q: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PaymentFilter {
    pub fn validate(&self) -> Result<CheckedFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let (status, refunded_only) = match self.status.trim() {
            "" => (None, false),
            "refunded" => (None, true),
            key => match PaymentStatus::from_key(key) {
                Some(s) => (Some(s), false),
                None => {
                    errors.add("status", "Choose a status from the list.");
                    (None, false)
                }
            },
        };
        let mut date = |field: &str, value: &str| match value.trim() {
            "" => None,
            v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| errors.add(field, "Enter a date as YYYY-MM-DD."))
                .ok(),
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.add("to", "The end date is before the start date.");
            }
        }
        errors.into_result(CheckedFilter {
            status,
            refunded_only,
            q: self.q.trim().to_owned(),
            from,
            to,
        })
    }
}

/// One row of the staff payments list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub id: i32,
    pub created: String,
    pub client_id: i32,
    pub client_name: String,
    pub service: String,
    pub amount_cents: i32,
    pub refunded_cents: i32,
    pub status: PaymentStatus,
    /// e.g. `Visa •••• 4242`, once known.
    pub card: Option<String>,
    pub decline_reason: Option<String>,
}

/// One page of the staff payments list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentList {
    pub rows: Vec<PaymentRow>,
    pub paging: crate::domain::paging::Paging,
}

/// One payment for staff: the receipt (when paid), and whether the caller may refund it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPayment {
    pub row: PaymentRow,
    pub receipt: Option<Receipt>,
    pub may_refund: bool,
    /// The idempotency key of the next refund from this page.
    pub refund_key: String,
}

/// A refund as typed by an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundInput {
    /// Dollars and cents; at most what is left to refund.
    pub amount: String,
    pub reason: String,
}

/// Longest refund reason.
pub const MAX_REFUND_REASON: usize = 500;

impl RefundInput {
    /// The amount in cents and the reason, with at most `refundable` cents left to refund.
    pub fn validate(&self, refundable: i32) -> Result<(i32, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let amount = match parse_price(&self.amount) {
            Ok(Some(cents)) if cents > 0 && cents <= refundable => cents,
            Ok(Some(cents)) if cents > refundable => {
                errors.add(
                    "amount",
                    format!("At most {} is left to refund.", money(refundable.into())),
                );
                0
            }
            Ok(_) => {
                errors.add("amount", "Enter an amount to refund.");
                0
            }
            Err(message) => {
                errors.add("amount", message);
                0
            }
        };
        let reason = self.reason.trim();
        if reason.is_empty() {
            errors.add("reason", "Say why the payment is refunded.");
        } else if reason.chars().count() > MAX_REFUND_REASON {
            errors.add(
                "reason",
                format!("Keep the reason under {MAX_REFUND_REASON} characters."),
            );
        }
        errors.into_result((amount, reason.to_owned()))
    }
}

/// Stripe keys as typed by an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeKeysInput {
    pub secret_key: String,
    pub publishable_key: String,
    pub webhook_secret: String,
}

impl StripeKeysInput {
    /// Checks each key's prefix (`sk_`/`rk_`, `pk_`, `whsec_`) and characters.
    pub fn validate(&self) -> Result<StripeKeysInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut key = |field: &str, value: &str, prefixes: &[&str], what: &str| {
            let value = value.trim();
            let ok = prefixes.iter().any(|p| value.starts_with(p))
                && value.len() >= 12
                && value.len() <= 255
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                errors.add(
                    field,
                    format!(
                        "Paste the {what} from the Stripe dashboard; it starts with {}.",
                        prefixes.join(" or ")
                    ),
                );
            }
            value.to_owned()
        };
        let checked = StripeKeysInput {
            secret_key: key(
                "secret_key",
                &self.secret_key,
                &["sk_", "rk_"],
                "secret key",
            ),
            publishable_key: key(
                "publishable_key",
                &self.publishable_key,
                &["pk_"],
                "publishable key",
            ),
            webhook_secret: key(
                "webhook_secret",
                &self.webhook_secret,
                &["whsec_"],
                "webhook signing secret",
            ),
        };
        errors.into_result(checked)
    }
}

/// The last four characters of a secret, the only part ever shown again.
pub fn last4(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// What administrators see of the saved Stripe keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeKeysView {
    pub secret_key_last4: String,
    pub publishable_key_last4: String,
    pub webhook_secret_last4: String,
    pub updated: String,
    /// Where Stripe sends this organization's events, e.g. `/webhooks/stripe/1`.
    pub webhook_path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn card(number: &str, expiry: &str, cvc: &str) -> CardInput {
        CardInput {
            number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
        }
    }

    #[test]
    fn money_is_dollars_with_separators() {
        assert_eq!(money(0), "$0.00");
        assert_eq!(money(12_000), "$120.00");
        assert_eq!(money(123_456_789), "$1,234,567.89");
        assert_eq!(money(-550), "-$5.50");
    }

    #[test]
    fn the_test_cards_pass_and_typos_do_not() {
        let ok = card("4242 4242 4242 4242", "12/30", "123")
            .validate(today())
            .unwrap();
        assert_eq!(
            (ok.brand, ok.last4(), ok.exp_month, ok.exp_year),
            ("Visa", "4242", 12, 2030)
        );
        for n in [
            "4000 0000 0000 0002",
            "4000-0000-0000-9995",
            "5555555555554444",
            "378282246310005",
        ] {
            let cvc = if n.starts_with('3') { "1234" } else { "123" };
            assert!(card(n, "01/2031", cvc).validate(today()).is_ok(), "{n}");
        }
        let bad = card("4242 4242 4242 4241", "13/30", "12")
            .validate(today())
            .unwrap_err();
        assert!(bad.get("number").unwrap().contains("not valid"));
        assert!(bad.get("expiry").is_some() && bad.get("cvc").is_some());
        assert!(card("", "", "")
            .validate(today())
            .unwrap_err()
            .get("number")
            .unwrap()
            .contains("Enter"));
        assert!(card("4242abcd42424242", "12/30", "123")
            .validate(today())
            .is_err());
    }

    #[test]
    fn an_expired_card_is_refused_but_this_month_is_fine() {
        let e = card("4242424242424242", "10/26", "123")
            .validate(today())
            .unwrap_err();
        assert_eq!(e.get("expiry"), Some("This card has expired."));
        assert!(card("4242424242424242", "11/26", "123")
            .validate(today())
            .is_ok());
    }

    #[test]
    fn brands_and_luhn() {
        assert_eq!(brand_of("5105105105105100"), "Mastercard");
        assert_eq!(brand_of("2223003122003222"), "Mastercard");
        assert_eq!(brand_of("6011111111111117"), "Discover");
        assert_eq!(brand_of("371449635398431"), "American Express");
        assert_eq!(brand_of("9999"), "Card");
        assert!(luhn("79927398713") && !luhn("79927398710"));
    }

    #[test]
    fn attempt_keys() {
        assert!(check_attempt_key("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_attempt_key("short").is_err());
        assert!(check_attempt_key("0123456789abcdef'; drop table x").is_err());
    }

    #[test]
    fn refunds_stay_within_what_is_left() {
        let input = |amount: &str, reason: &str| RefundInput {
            amount: amount.into(),
            reason: reason.into(),
        };
        assert_eq!(
            input("50", " Session cut short ").validate(12_000),
            Ok((5_000, "Session cut short".into()))
        );
        assert_eq!(
            input("120.00", "Billed twice").validate(12_000).unwrap().0,
            12_000
        );
        let over = input("120.01", "x").validate(12_000).unwrap_err();
        assert_eq!(
            over.get("amount"),
            Some("At most $120.00 is left to refund.")
        );
        let empty = input("", "").validate(12_000).unwrap_err();
        assert!(empty.get("amount").is_some() && empty.get("reason").is_some());
        assert!(input("0", "x").validate(12_000).is_err());
    }

    #[test]
    fn stripe_keys_and_their_last_four() {
        let ok = StripeKeysInput {
            secret_key: " sk_test_abcdefghijkl1234 ".into(),
            publishable_key: "pk_test_abcdefghijklWXYZ".into(),
            webhook_secret: "whsec_abcdefghijkl9876".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.secret_key, "sk_test_abcdefghijkl1234");
        assert_eq!(last4(&ok.secret_key), "1234");
        let bad = StripeKeysInput {
            secret_key: "pk_test_abcdefghijkl".into(),
            publishable_key: "".into(),
            webhook_secret: "whsec_<script>".into(),
        }
        .validate()
        .unwrap_err();
        assert!(
            bad.get("secret_key").is_some()
                && bad.get("publishable_key").is_some()
                && bad.get("webhook_secret").is_some()
        );
    }

    #[test]
    fn payment_filters() {
        let f = PaymentFilter {
            status: "refunded".into(),
            from: "2026-11-01".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert!(f.refunded_only && f.status.is_none() && f.from.is_some());
        let bad = PaymentFilter {
            status: "stolen".into(),
            from: "2026-11-30".into(),
            to: "2026-11-01".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(bad.get("status").is_some() && bad.get("to").is_some());
    }
}
