//! A practice's locations: the form administrators fill in, its rules, the one-line address
//! built from its parts, and the row Organization → Locations lists.

use serde::{Deserialize, Serialize};

use super::validation::{self, FieldErrors};

/// The location form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationInput {
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    #[serde(default)]
    pub phone: String,
}

/// A location form that passed validation, trimmed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLocation {
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub phone: String,
}

impl ValidLocation {
    /// "125 Harbor Street, Portland, ME 04101".
    pub fn address(&self) -> String {
        address_line(&self.street, &self.city, &self.state, &self.postal_code)
    }
}

/// The one-line address of its parts, leaving out empty ones.
pub fn address_line(street: &str, city: &str, state: &str, postal_code: &str) -> String {
    let region = [state.trim(), postal_code.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [street.trim(), city.trim(), region.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn postal_code(value: &str) -> Result<(), String> {
    validation::required_text(value, "Postal code")?;
    let ok = value
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
        && value.trim().chars().count() <= 10;
    if ok {
        Ok(())
    } else {
        Err("Enter a postal code such as 04101 or 04101-1234.".into())
    }
}

impl LocationInput {
    /// The form pre-filled with a stored location.
    pub fn from_row(row: &LocationRow) -> LocationInput {
        LocationInput {
            name: row.name.clone(),
            street: row.street.clone(),
            city: row.city.clone(),
            state: row.state.clone(),
            postal_code: row.postal_code.clone(),
            phone: row.phone.clone(),
        }
    }

    /// Checks one field; the browser calls this as the user types.
    pub fn check_field(&self, field: &str) -> Result<(), String> {
        match field {
            "name" => validation::required_text(&self.name, "Name"),
            "street" => validation::required_text(&self.street, "Street"),
            "city" => validation::required_text(&self.city, "City"),
            "state" => validation::required_text(&self.state, "State"),
            "postal_code" => postal_code(&self.postal_code),
            "phone" => validation::optional_phone(&self.phone),
            _ => Ok(()),
        }
    }

    /// Validates every field; the server calls this before saving.
    pub fn validate(&self) -> Result<ValidLocation, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["name", "street", "city", "state", "postal_code", "phone"] {
            errors.check(field, self.check_field(field));
        }
        errors.into_result(ValidLocation {
            name: self.name.trim().to_owned(),
            street: self.street.trim().to_owned(),
            city: self.city.trim().to_owned(),
            state: self.state.trim().to_owned(),
            postal_code: self.postal_code.trim().to_owned(),
            phone: self.phone.trim().to_owned(),
        })
    }
}

/// One location on Organization → Locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRow {
    pub id: i32,
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub phone: String,
    /// The one-line address.
    pub address: String,
    /// Archived: offered for nothing new, kept on past records.
    pub archived: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, street: &str, postal: &str, phone: &str) -> LocationInput {
        LocationInput {
            name: name.into(),
            street: street.into(),
            city: "Portland".into(),
            state: "ME".into(),
            postal_code: postal.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn a_location_needs_a_name_and_a_whole_address() {
        let valid = input(" Westside ", " 9 Elm Street ", "04102", "")
            .validate()
            .unwrap();
        assert_eq!(valid.name, "Westside");
        assert_eq!(valid.address(), "9 Elm Street, Portland, ME 04102");
        let errors = input("", "", "not a zip!", "call me")
            .validate()
            .unwrap_err();
        for field in ["name", "street", "postal_code", "phone"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors.get("city").is_none());
    }

    #[test]
    fn the_address_line_leaves_out_empty_parts() {
        assert_eq!(
            address_line("125 Harbor Street", "Portland", "ME", "04101"),
            "125 Harbor Street, Portland, ME 04101"
        );
        assert_eq!(address_line("1 Main St", "", "", ""), "1 Main St");
        assert_eq!(address_line("", "Portland", "ME", ""), "Portland, ME");
    }
}
