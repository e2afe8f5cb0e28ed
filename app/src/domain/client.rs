//! Clients: the form a staff member fills in, its validation, and the DTOs the browser sees.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access::ContactAccess;
use super::account::PortalStatus;
use super::validation;
use super::validation::FieldErrors;

/// How many clients one page of the client list shows.
pub const CLIENTS_PER_PAGE: u64 = 25;

/// The client form as typed (all text, exactly as submitted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInput {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub email: String,
}

/// A client form that passed validation, normalized for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidClient {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub email: Option<String>,
}

impl ClientInput {
    /// Checks one field; the browser calls this as the user types.
    pub fn check_field(&self, field: &str, today: NaiveDate) -> Result<(), String> {
        match field {
            "first_name" => validation::required_text(&self.first_name, "First name"),
            "last_name" => validation::required_text(&self.last_name, "Last name"),
            "date_of_birth" => validation::date_of_birth(&self.date_of_birth, today).map(|_| ()),
            "email" => validation::optional_email(&self.email),
            _ => Ok(()),
        }
    }

    /// Validates every field; the server calls this before saving.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidClient, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["first_name", "last_name", "date_of_birth", "email"] {
            errors.check(field, self.check_field(field, today));
        }
        let date_of_birth = validation::date_of_birth(&self.date_of_birth, today).ok();
        match (errors.is_empty(), date_of_birth) {
            (true, Some(date_of_birth)) => Ok(ValidClient {
                first_name: self.first_name.trim().to_owned(),
                last_name: self.last_name.trim().to_owned(),
                date_of_birth,
                email: Some(validation::normalize_email(&self.email)).filter(|e| !e.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

/// The lower-cased "first last" that client search matches against.
pub fn search_name(first_name: &str, last_name: &str) -> String {
    format!("{} {}", first_name.trim(), last_name.trim()).to_lowercase()
}

/// The lower-cased last name that client search matches against.
pub fn last_name_key(last_name: &str) -> String {
    last_name.trim().to_lowercase()
}

/// A name search: names (first name, "first last", or last name) that start with the query.
/// `low..high` is the same set as a range, so an index can serve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePrefix {
    /// A `LIKE` pattern with `\` as the escape character.
    pub pattern: String,
    pub low: String,
    pub high: String,
}

/// The prefix search for `query`, or `None` for a blank query.
pub fn name_prefix(query: &str) -> Option<NamePrefix> {
    let low = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let mut chars: Vec<char> = low.chars().collect();
    let last = chars.pop()?;
    let next = (last as u32 + 1..=char::MAX as u32)
        .find_map(char::from_u32)
        .unwrap_or(char::MAX);
    chars.push(next);
    let mut pattern = String::with_capacity(low.len() + 2);
    for c in low.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(NamePrefix {
        pattern,
        high: chars.into_iter().collect(),
        low,
    })
}

/// One row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: i32,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub email: Option<String>,
}

/// One page of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub clients: Vec<ClientSummary>,
    pub paging: crate::domain::paging::Paging,
}

/// A staff member as shown next to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: i32,
    pub name: String,
    pub is_therapist: bool,
    /// Deactivated staff stay listed as assigned, and are offered for nothing new.
    pub active: bool,
}

/// A contact as shown on a client's page, with their portal access to this client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub relationship: String,
    pub access: ContactAccess,
    /// Whether the grant is live today (granted and not past its end date).
    pub access_live: bool,
    pub portal: PortalStatus,
}

/// A contact of the organization that could be linked to this client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRef {
    pub id: i32,
    pub name: String,
}

/// Everything a client's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetail {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub email: Option<String>,
    pub assigned_staff: Vec<StaffRef>,
    pub contacts: Vec<ContactSummary>,
    /// The organization's contacts not yet linked to this client.
    pub linkable_contacts: Vec<ContactRef>,
    /// The client's own portal login or invitation.
    pub portal: PortalStatus,
    /// Staff who could still be assigned (administrators only; empty otherwise).
    pub assignable_staff: Vec<StaffRef>,
    /// Whether the viewer may edit details and assign staff (administrators).
    pub can_manage: bool,
}

impl ClientDetail {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The form pre-filled with this client's data.
    pub fn to_input(&self) -> ClientInput {
        ClientInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            date_of_birth: self.date_of_birth.format("%Y-%m-%d").to_string(),
            email: self.email.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn input() -> ClientInput {
        ClientInput {
            first_name: " Jordan ".into(),
            last_name: "Lee".into(),
            date_of_birth: "2016-04-02".into(),
            email: " Client@BrightPath.example".into(),
        }
    }

    #[test]
    fn valid_client_is_trimmed_and_normalized() {
        let valid = input().validate(today()).unwrap();
        assert_eq!(valid.first_name, "Jordan");
        assert_eq!(valid.email.as_deref(), Some("client@brightpath.example"));
    }

    #[test]
    fn blank_email_is_none() {
        let valid = ClientInput {
            email: "  ".into(),
            ..input()
        }
        .validate(today())
        .unwrap();
        assert_eq!(valid.email, None);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = ClientInput {
            first_name: "".into(),
            last_name: "".into(),
            date_of_birth: "2030-01-01".into(),
            email: "nope".into(),
        };
        let errors = bad.validate(today()).unwrap_err();
        assert_eq!(errors.get("first_name"), Some("First name is required."));
        assert_eq!(errors.get("last_name"), Some("Last name is required."));
        assert!(errors.get("date_of_birth").unwrap().contains("future"));
        assert!(errors.get("email").is_some());
    }

    #[test]
    fn search_name_is_lowercase_first_last() {
        assert_eq!(search_name(" Jordan", "LEE "), "jordan lee");
        assert_eq!(last_name_key(" Lee-Park"), "lee-park");
    }

    #[test]
    fn name_prefix_is_a_range_and_an_escaped_pattern() {
        assert_eq!(name_prefix("   "), None);
        let p = name_prefix(" Jordan   LEE ").unwrap();
        assert_eq!(
            (p.low.as_str(), p.high.as_str(), p.pattern.as_str()),
            ("jordan lee", "jordan lef", "jordan lee%")
        );
        let p = name_prefix("50%_a\\").unwrap();
        assert_eq!(p.pattern, "50\\%\\_a\\\\%");
        for name in ["jordan lee", "jordan lee-park", "jordan leeway"] {
            let p = name_prefix("jordan lee").unwrap();
            assert!(p.low.as_str() <= name && name < p.high.as_str(), "{name}");
        }
        assert!("jordan lef" >= name_prefix("jordan lee").unwrap().high.as_str());
    }
}
