//! Validation shared by the browser (instant feedback) and the server (authoritative): the
//! basic field rules every form uses (names, emails, phones, dates) and their results, one
//! message per field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Messages keyed by form field name, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    /// One message for one field.
    pub fn single(field: &str, message: &str) -> Self {
        FieldErrors(vec![(field.to_owned(), message.to_owned())])
    }

    /// Records a message for `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    /// Records the error of `check`, if any, for `field`.
    pub fn check(&mut self, field: &str, check: Result<(), String>) {
        if let Err(message) = check {
            self.add(field, message);
        }
    }

    /// The first message for `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => write!(f, "Please check the form."),
            [(_, only)] => write!(f, "{only}"),
            _ => write!(f, "Please correct the highlighted fields."),
        }
    }
}

/// Longest name, email or phone we accept.
pub const MAX_SHORT_TEXT: usize = 120;

/// A required, trimmed piece of text of at most [`MAX_SHORT_TEXT`] characters.
pub fn required_text(value: &str, label: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("{label} is required."))
    } else if value.chars().count() > MAX_SHORT_TEXT {
        Err(format!(
            "{label} must be at most {MAX_SHORT_TEXT} characters."
        ))
    } else if value.chars().any(char::is_control) {
        Err(format!("{label} contains characters that are not allowed."))
    } else {
        Ok(())
    }
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn email(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Email is required.".into());
    }
    if value.len() > MAX_SHORT_TEXT {
        return Err(format!(
            "Email must be at most {MAX_SHORT_TEXT} characters."
        ));
    }
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("Enter an email address like name@example.com.".into())
    }
}

/// A password field that was filled in (sign-in checks the rest against the stored hash).
pub fn password_present(value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err("Password is required.".into())
    } else {
        Ok(())
    }
}

/// An email address that may be left blank.
pub fn optional_email(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Ok(())
    } else {
        email(value)
    }
}

/// The canonical form in which emails are stored and compared.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// An optional phone number: digits, spaces and `+ - ( ) .`, with 7 to 15 digits.
pub fn optional_phone(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (7..=15).contains(&digits) {
        Ok(())
    } else {
        Err("Enter a phone number with 7 to 15 digits.".into())
    }
}

/// A date of birth in `YYYY-MM-DD`, not in the future and not before 1900.
pub fn date_of_birth(value: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Date of birth is required.".into());
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| "Enter the date of birth as YYYY-MM-DD.".to_string())?;
    if date > today {
        Err("Date of birth cannot be in the future.".into())
    } else if date < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") {
        Err("Date of birth must be after 1900.".into())
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod field_rule_tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn required_text_rejects_blank_long_and_control() {
        assert!(required_text("Jordan", "First name").is_ok());
        assert_eq!(
            required_text("   ", "First name").unwrap_err(),
            "First name is required."
        );
        assert!(required_text(&"x".repeat(121), "Name").is_err());
        assert!(required_text("a\u{0}b", "Name").is_err());
    }

    #[test]
    fn email_accepts_normal_and_rejects_malformed() {
        assert!(email("parent@brightpath.example").is_ok());
        for bad in [
            "",
            "nobody",
            "a@b",
            "a@@b.com",
            "@b.com",
            "a b@c.com",
            "a@.com",
            "a@com.",
        ] {
            assert!(email(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(optional_email("").is_ok());
        assert!(optional_email("x").is_err());
        assert_eq!(
            normalize_email("  Admin@BrightPath.Example "),
            "admin@brightpath.example"
        );
    }

    #[test]
    fn phone_counts_digits() {
        assert!(optional_phone("").is_ok());
        assert!(optional_phone("(207) 555-0134").is_ok());
        assert!(optional_phone("12345").is_err());
        assert!(optional_phone("207-555-01x4").is_err());
    }

    #[test]
    fn date_of_birth_parses_and_bounds() {
        let today = day("2026-11-27");
        assert_eq!(date_of_birth("2016-04-02", today), Ok(day("2016-04-02")));
        assert!(date_of_birth("2026-11-28", today)
            .unwrap_err()
            .contains("future"));
        assert!(date_of_birth("1899-12-31", today).is_err());
        assert!(date_of_birth("04/02/2016", today)
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(date_of_birth("", today).unwrap_err().contains("required"));
    }
}
