//! Billing & Insurance Info: payer names and their normalised key, the policy rule (required
//! fields, the member ID, dates in order, no two policies of one rank at the same time), payer
//! input, and the DTOs of the portal tab, the client page and Organization → Payers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::FieldErrors;
use super::validation::{date_of_birth, optional_phone, required_text};

/// A payer name normalised for comparison: lower case, anything but letters and digits becomes
/// a space, spaces collapsed. "Blue Cross " and "blue  cross." are both `blue cross`.
pub fn payer_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A payer name as it is stored: trimmed, inner spaces collapsed.
pub fn tidy_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A policy's rank among the client's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rank {
    Primary,
    Secondary,
    Tertiary,
}

impl Rank {
    pub const ALL: [Rank; 3] = [Rank::Primary, Rank::Secondary, Rank::Tertiary];

    pub fn key(self) -> &'static str {
        match self {
            Rank::Primary => "primary",
            Rank::Secondary => "secondary",
            Rank::Tertiary => "tertiary",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rank::Primary => "Primary",
            Rank::Secondary => "Secondary",
            Rank::Tertiary => "Tertiary",
        }
    }

    pub fn from_key(key: &str) -> Option<Rank> {
        Rank::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The client's relationship to the policy's subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    /// The client is the subscriber.
    Subscriber,
    Spouse,
    Child,
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 4] = [
        Relationship::Subscriber,
        Relationship::Spouse,
        Relationship::Child,
        Relationship::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Relationship::Subscriber => "self",
            Relationship::Spouse => "spouse",
            Relationship::Child => "child",
            Relationship::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Relationship::Subscriber => "Self (the client is the subscriber)",
            Relationship::Spouse => "Spouse",
            Relationship::Child => "Child",
            Relationship::Other => "Other",
        }
    }

    pub fn from_key(key: &str) -> Option<Relationship> {
        Relationship::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The `payer` value that means "My insurance is not listed".
pub const NEW_PAYER: &str = "new";
/// New payers one client's policies may add to the directory in 24 hours.
pub const MAX_CLIENT_PAYERS_PER_DAY: u64 = 10;

/// A policy as typed (portal and staff).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyInput {
    /// A payer's id, or [`NEW_PAYER`] with `new_payer` filled in.
    pub payer: String,
    #[serde(default)]
    pub new_payer: NewPayerInput,
    pub member_id: String,
    pub group_number: String,
    pub subscriber_name: String,
    /// `YYYY-MM-DD`.
    pub subscriber_dob: String,
    pub relationship: String,
    pub rank: String,
    pub effective_on: String,
    /// Blank while the policy has no end.
    pub terminates_on: String,
}

/// A payer the client adds ("My insurance is not listed").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPayerInput {
    pub name: String,
    pub phone: String,
}

/// Which payer a checked policy names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayerChoice {
    Existing(i32),
    New { name: String, phone: Option<String> },
}

/// A policy that passed [`PolicyInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPolicy {
    pub payer: PayerChoice,
    pub member_id: String,
    pub group_number: Option<String>,
    pub subscriber_name: String,
    pub subscriber_dob: NaiveDate,
    pub relationship: Relationship,
    pub rank: Rank,
    pub effective_on: NaiveDate,
    pub terminates_on: Option<NaiveDate>,
}

/// Another policy of the client, for the rank rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyPeriod {
    pub id: i32,
    pub rank: Rank,
    pub payer_name: String,
    pub effective_on: NaiveDate,
    pub terminates_on: Option<NaiveDate>,
}

/// Whether two date ranges (inclusive; `None` is open-ended) share a day.
pub fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let a_before_b_ends = b.1.is_none_or(|end| a.0 <= end);
    let b_before_a_ends = a.1.is_none_or(|end| b.0 <= end);
    a_before_b_ends && b_before_a_ends
}

/// A member ID: 2 to 30 letters, digits or hyphens.
pub fn check_member_id(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Member ID is required.".into());
    }
    if !(2..=30).contains(&value.len())
        || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err("A member ID has 2 to 30 letters, digits or hyphens (as on the card).".into());
    }
    Ok(())
}

/// An optional group number: up to 30 letters, digits, hyphens or spaces.
pub fn check_group_number(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.len() > 30
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
    {
        return Err("A group number has up to 30 letters, digits, hyphens or spaces.".into());
    }
    Ok(())
}

fn date(value: &str, label: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| format!("Enter the {label} as YYYY-MM-DD."))
}

/// A payer name: required, up to 120 characters, with at least one letter.
pub fn check_payer_name(value: &str) -> Result<(), String> {
    required_text(value, "Payer name")?;
    if value.chars().any(char::is_alphabetic) {
        Ok(())
    } else {
        Err("Enter the payer's name as it is on the insurance card.".into())
    }
}

impl PolicyInput {
    /// Checks every field, and that no other policy (`others`, without this one) of the same
    /// rank covers any of the same days.
    pub fn validate(
        &self,
        today: NaiveDate,
        others: &[PolicyPeriod],
    ) -> Result<CheckedPolicy, FieldErrors> {
        let mut errors = FieldErrors::default();
        let payer = match self.payer.trim() {
            "" => {
                errors.add("payer", "Choose the insurance payer.");
                PayerChoice::Existing(0)
            }
            NEW_PAYER => {
                let name = tidy_name(&self.new_payer.name);
                errors.check("new_payer_name", check_payer_name(&name));
                errors.check("new_payer_phone", optional_phone(&self.new_payer.phone));
                let phone = self.new_payer.phone.trim();
                PayerChoice::New {
                    name,
                    phone: (!phone.is_empty()).then(|| phone.to_owned()),
                }
            }
            id => match id.parse::<i32>() {
                Ok(id) if id > 0 => PayerChoice::Existing(id),
                _ => {
                    errors.add("payer", "Choose the insurance payer from the list.");
                    PayerChoice::Existing(0)
                }
            },
        };
        errors.check("member_id", check_member_id(&self.member_id));
        errors.check("group_number", check_group_number(&self.group_number));
        errors.check(
            "subscriber_name",
            required_text(&self.subscriber_name, "Subscriber name"),
        );
        let subscriber_dob = match date_of_birth(&self.subscriber_dob, today) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.add(
                    "subscriber_dob",
                    m.replace("Date of birth", "The subscriber's date of birth"),
                );
                None
            }
        };
        let relationship = Relationship::from_key(self.relationship.trim());
        if relationship.is_none() {
            errors.add("relationship", "Choose the relationship to the subscriber.");
        }
        let rank = Rank::from_key(self.rank.trim());
        if rank.is_none() {
            errors.add("rank", "Choose primary, secondary or tertiary.");
        }
        let effective_on = match self.effective_on.trim() {
            "" => {
                errors.add("effective_on", "The effective date is required.");
                None
            }
            v => date(v, "effective date")
                .map_err(|m| errors.add("effective_on", m))
                .ok(),
        };
        let terminates_on = match self.terminates_on.trim() {
            "" => None,
            v => date(v, "termination date")
                .map_err(|m| errors.add("terminates_on", m))
                .ok(),
        };
        if let (Some(start), Some(end)) = (effective_on, terminates_on) {
            if end < start {
                errors.add(
                    "terminates_on",
                    "The termination date is before the effective date.",
                );
            }
        }
        if let (Some(rank), Some(start)) = (rank, effective_on) {
            let clash = others.iter().find(|o| {
                o.rank == rank
                    && overlaps((start, terminates_on), (o.effective_on, o.terminates_on))
            });
            if let Some(o) = clash {
                errors.add(
                    "rank",
                    format!(
                        "The {} policy with {} covers some of the same dates. Set its termination date first, or choose another rank.",
                        rank.label().to_lowercase(),
                        o.payer_name
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedPolicy {
            payer,
            member_id: self.member_id.trim().to_uppercase(),
            group_number: Some(self.group_number.trim().to_uppercase()).filter(|g| !g.is_empty()),
            subscriber_name: self.subscriber_name.trim().to_owned(),
            subscriber_dob: subscriber_dob.expect("checked above"),
            relationship: relationship.expect("checked above"),
            rank: rank.expect("checked above"),
            effective_on: effective_on.expect("checked above"),
            terminates_on,
        })
    }

    /// The form for an existing policy.
    pub fn from_view(p: &PolicyView) -> PolicyInput {
        PolicyInput {
            payer: p.payer_id.to_string(),
            new_payer: NewPayerInput::default(),
            member_id: p.member_id.clone(),
            group_number: p.group_number.clone().unwrap_or_default(),
            subscriber_name: p.subscriber_name.clone(),
            subscriber_dob: p.subscriber_dob.to_string(),
            relationship: p.relationship.key().into(),
            rank: p.rank.key().into(),
            effective_on: p.effective_on.to_string(),
            terminates_on: p.terminates_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// A payer in the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerOption {
    pub id: i32,
    pub name: String,
    pub payer_code: Option<String>,
}

/// A policy as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub id: i32,
    pub payer_id: i32,
    pub payer_name: String,
    pub member_id: String,
    pub group_number: Option<String>,
    pub subscriber_name: String,
    pub subscriber_dob: NaiveDate,
    pub relationship: Relationship,
    pub rank: Rank,
    pub effective_on: NaiveDate,
    pub terminates_on: Option<NaiveDate>,
}

impl PolicyView {
    pub fn period(&self) -> PolicyPeriod {
        PolicyPeriod {
            id: self.id,
            rank: self.rank,
            payer_name: self.payer_name.clone(),
            effective_on: self.effective_on,
            terminates_on: self.terminates_on,
        }
    }
}

/// A client's insurance, with the payers to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceView {
    pub client_name: String,
    pub policies: Vec<PolicyView>,
    /// Active payers, by name.
    pub payers: Vec<PayerOption>,
    /// Whether "My insurance is not listed" is offered.
    pub may_add_payers: bool,
}

impl InsuranceView {
    /// The other policies' periods, for the rank rule when `editing` (or adding, `None`).
    pub fn others(&self, editing: Option<i32>) -> Vec<PolicyPeriod> {
        self.policies
            .iter()
            .filter(|p| Some(p.id) != editing)
            .map(PolicyView::period)
            .collect()
    }
}

/// Where a payer stands in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayerStatus {
    Active,
    Inactive,
    Merged,
}

impl PayerStatus {
    pub fn key(self) -> &'static str {
        match self {
            PayerStatus::Active => "active",
            PayerStatus::Inactive => "inactive",
            PayerStatus::Merged => "merged",
        }
    }

    pub fn from_key(key: &str) -> Option<PayerStatus> {
        [
            PayerStatus::Active,
            PayerStatus::Inactive,
            PayerStatus::Merged,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A payer as typed by an administrator (create, edit, correct).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerInput {
    pub name: String,
    pub payer_code: String,
    pub address: String,
    pub phone: String,
}

/// A payer that passed [`PayerInput::validate`]; blanks are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPayer {
    pub name: String,
    pub payer_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

impl PayerInput {
    pub fn validate(&self) -> Result<CheckedPayer, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = tidy_name(&self.name);
        errors.check("name", check_payer_name(&name));
        let code = self.payer_code.trim();
        if code.len() > 20 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errors.add(
                "payer_code",
                "A payer ID has up to 20 letters, digits or hyphens.",
            );
        }
        let address = self.address.trim();
        if address.chars().count() > 200 || address.chars().any(|c| c.is_control() && c != '\n') {
            errors.add("address", "Keep the address under 200 characters.");
        }
        errors.check("phone", optional_phone(&self.phone));
        let blank_none = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
        errors.into_result(CheckedPayer {
            name,
            payer_code: blank_none(&code.to_uppercase()),
            address: blank_none(address),
            phone: blank_none(self.phone.trim()),
        })
    }

    pub fn from_row(row: &PayerRow) -> PayerInput {
        PayerInput {
            name: row.name.clone(),
            payer_code: row.payer_code.clone().unwrap_or_default(),
            address: row.address.clone().unwrap_or_default(),
            phone: row.phone.clone().unwrap_or_default(),
        }
    }
}

/// One payer in Organization → Payers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerRow {
    pub id: i32,
    pub name: String,
    pub payer_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub status: PayerStatus,
    pub added_by_client: bool,
    pub needs_review: bool,
    /// How many policies name this payer.
    pub policies: u64,
}

/// Organization → Payers: the review queue, then the whole directory (merged payers left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerDirectory {
    pub review: Vec<PayerRow>,
    pub payers: Vec<PayerRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> PolicyInput {
        PolicyInput {
            payer: "3".into(),
            new_payer: NewPayerInput::default(),
            member_id: " xyz123456789 ".into(),
            group_number: "grp-100".into(),
            subscriber_name: "Alex Lee".into(),
            subscriber_dob: "1985-04-02".into(),
            relationship: "child".into(),
            rank: "primary".into(),
            effective_on: "2026-01-01".into(),
            terminates_on: "".into(),
        }
    }

    #[test]
    fn payer_names_normalise() {
        assert_eq!(payer_key("Blue Cross "), "blue cross");
        assert_eq!(payer_key("blue  cross."), "blue cross");
        assert_eq!(payer_key("BLUE-CROSS"), "blue cross");
        assert_ne!(payer_key("Blue Cross"), payer_key("Blue Shield"));
        assert_eq!(tidy_name("  Blue   Cross "), "Blue Cross");
    }

    #[test]
    fn a_complete_policy_passes_and_is_tidied() {
        let ok = input().validate(day("2026-11-27"), &[]).unwrap();
        assert_eq!(ok.payer, PayerChoice::Existing(3));
        assert_eq!(ok.member_id, "XYZ123456789");
        assert_eq!(ok.group_number.as_deref(), Some("GRP-100"));
        assert_eq!(
            (ok.rank, ok.relationship),
            (Rank::Primary, Relationship::Child)
        );
    }

    #[test]
    fn each_field_is_checked() {
        let bad = PolicyInput {
            payer: "".into(),
            member_id: "A".into(),
            group_number: "<b>".into(),
            subscriber_name: "".into(),
            subscriber_dob: "2030-01-01".into(),
            relationship: "cousin".into(),
            rank: "fourth".into(),
            effective_on: "".into(),
            ..input()
        }
        .validate(day("2026-11-27"), &[])
        .unwrap_err();
        for field in [
            "payer",
            "member_id",
            "group_number",
            "subscriber_name",
            "subscriber_dob",
            "relationship",
            "rank",
            "effective_on",
        ] {
            assert!(bad.get(field).is_some(), "{field}: {bad:?}");
        }
        assert!(check_member_id("AB 12").is_err() && check_member_id("ab-12").is_ok());
        assert!(check_member_id(&"9".repeat(31)).is_err());
    }

    #[test]
    fn dates_must_be_in_order() {
        let bad = PolicyInput {
            terminates_on: "2025-12-31".into(),
            ..input()
        }
        .validate(day("2026-11-27"), &[])
        .unwrap_err();
        assert_eq!(
            bad.get("terminates_on"),
            Some("The termination date is before the effective date.")
        );
    }

    #[test]
    fn no_two_policies_of_one_rank_at_the_same_time() {
        let other = |rank, from: &str, to: Option<&str>| PolicyPeriod {
            id: 9,
            rank,
            payer_name: "Aetna".into(),
            effective_on: day(from),
            terminates_on: to.map(day),
        };
        let today = day("2026-11-27");
        let clash = input()
            .validate(today, &[other(Rank::Primary, "2020-01-01", None)])
            .unwrap_err();
        assert!(clash
            .get("rank")
            .unwrap()
            .contains("primary policy with Aetna"));
        // Another rank, or a primary that ended before this one starts: fine.
        assert!(input()
            .validate(today, &[other(Rank::Secondary, "2020-01-01", None)])
            .is_ok());
        assert!(input()
            .validate(
                today,
                &[other(Rank::Primary, "2020-01-01", Some("2025-12-31"))]
            )
            .is_ok());
        // Ending the day this one starts still overlaps by that day.
        assert!(input()
            .validate(
                today,
                &[other(Rank::Primary, "2020-01-01", Some("2026-01-01"))]
            )
            .is_err());
        // A future primary overlaps an open-ended one.
        let future = PolicyInput {
            effective_on: "2027-01-01".into(),
            ..input()
        };
        assert!(future
            .validate(today, &[other(Rank::Primary, "2026-01-01", None)])
            .is_err());
    }

    #[test]
    fn a_new_payer_needs_a_name_and_a_plausible_phone() {
        let new = |name: &str, phone: &str| PolicyInput {
            payer: NEW_PAYER.into(),
            new_payer: NewPayerInput {
                name: name.into(),
                phone: phone.into(),
            },
            ..input()
        };
        let ok = new("  Harbor   Health ", "")
            .validate(day("2026-11-27"), &[])
            .unwrap();
        assert_eq!(
            ok.payer,
            PayerChoice::New {
                name: "Harbor Health".into(),
                phone: None
            }
        );
        let bad = new("", "12").validate(day("2026-11-27"), &[]).unwrap_err();
        assert!(bad.get("new_payer_name").is_some() && bad.get("new_payer_phone").is_some());
        assert!(new("1234", "").validate(day("2026-11-27"), &[]).is_err());
    }

    #[test]
    fn payer_input() {
        let ok = PayerInput {
            name: " Aetna ".into(),
            payer_code: "60054".into(),
            address: "".into(),
            phone: "".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.payer_code.as_deref(), ok.address),
            ("Aetna", Some("60054"), None)
        );
        let bad = PayerInput {
            name: "".into(),
            payer_code: "60 054".into(),
            address: "x".repeat(201),
            phone: "abc".into(),
        }
        .validate()
        .unwrap_err();
        for f in ["name", "payer_code", "address", "phone"] {
            assert!(bad.get(f).is_some(), "{f}");
        }
    }
}
