//! Client contacts (parents, guardians and others responsible for a client): form and validation.

use serde::{Deserialize, Serialize};

use super::validation;
use super::validation::FieldErrors;

/// How a contact is related to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    Parent,
    Guardian,
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 3] = [
        Relationship::Parent,
        Relationship::Guardian,
        Relationship::Other,
    ];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Parent => "parent",
            Relationship::Guardian => "guardian",
            Relationship::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Relationship::Parent => "Parent",
            Relationship::Guardian => "Guardian",
            Relationship::Other => "Other",
        }
    }

    pub fn parse(value: &str) -> Option<Relationship> {
        Relationship::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// The add-contact form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub relationship: String,
}

/// A contact that passed validation, normalized for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidContact {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub relationship: Relationship,
}

impl ContactInput {
    /// Checks one field; the browser calls this as the user types.
    pub fn check_field(&self, field: &str) -> Result<(), String> {
        match field {
            "name" => validation::required_text(&self.name, "Name"),
            "email" => validation::optional_email(&self.email),
            "phone" => validation::optional_phone(&self.phone),
            "relationship" => Relationship::parse(&self.relationship)
                .map(|_| ())
                .ok_or_else(|| "Choose parent, guardian or other.".to_string()),
            _ => Ok(()),
        }
    }

    /// Validates every field; the server calls this before saving.
    pub fn validate(&self) -> Result<ValidContact, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["name", "email", "phone", "relationship"] {
            errors.check(field, self.check_field(field));
        }
        let relationship = Relationship::parse(&self.relationship).unwrap_or(Relationship::Other);
        errors.into_result(ValidContact {
            name: self.name.trim().to_owned(),
            email: Some(validation::normalize_email(&self.email)).filter(|e| !e.is_empty()),
            phone: Some(self.phone.trim().to_owned()).filter(|p| !p.is_empty()),
            relationship,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_contact() {
        let c = ContactInput {
            name: "Alex Lee".into(),
            email: "Parent@BrightPath.example".into(),
            phone: "".into(),
            relationship: "parent".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(c.relationship, Relationship::Parent);
        assert_eq!(c.email.as_deref(), Some("parent@brightpath.example"));
        assert_eq!(c.phone, None);
    }

    #[test]
    fn unknown_relationship_and_blank_name_are_refused() {
        let errors = ContactInput {
            relationship: "uncle".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("relationship").is_some());
    }
}
