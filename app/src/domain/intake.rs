//! Intake-form DTOs: templates for administrators, sending for staff, the form as the portal
//! shows it, and a submission as staff read it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::forms::{Answers, FormDefinition};
use super::validation::FieldErrors;

/// Staff can remind a recipient of an open form at most once in this many minutes.
pub const REMINDER_GAP_MINUTES: i64 = 60;

/// Where a sent form stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormStatus {
    Sent,
    InProgress,
    Completed,
    Cancelled,
}

impl FormStatus {
    pub const ALL: [FormStatus; 4] = [
        FormStatus::Sent,
        FormStatus::InProgress,
        FormStatus::Completed,
        FormStatus::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FormStatus::Sent => "sent",
            FormStatus::InProgress => "in_progress",
            FormStatus::Completed => "completed",
            FormStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FormStatus::Sent => "Sent",
            FormStatus::InProgress => "In progress",
            FormStatus::Completed => "Completed",
            FormStatus::Cancelled => "Cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<FormStatus> {
        FormStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The statuses in which a form can still be filled in (or cancelled).
    pub const OPEN: [FormStatus; 2] = [FormStatus::Sent, FormStatus::InProgress];

    /// Whether the form can still be filled in.
    pub fn is_open(self) -> bool {
        FormStatus::OPEN.contains(&self)
    }
}

/// A template in the organization's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: i32,
    pub name: String,
    pub version: i32,
}

/// A template opened in the builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub id: i32,
    pub name: String,
    pub version: i32,
    pub definition: FormDefinition,
}

/// The definition a new template starts with: one section with one question.
pub fn starter_definition() -> FormDefinition {
    use super::forms::{FieldKind, FormField, FormSection};
    FormDefinition {
        sections: vec![FormSection {
            title: "Section 1".into(),
            fields: vec![FormField {
                id: "f1".into(),
                label: "Question 1".into(),
                kind: FieldKind::ShortText,
                required: false,
                help: None,
                options: Vec::new(),
            }],
        }],
    }
}

/// A location forms can be sent for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRef {
    pub id: i32,
    pub name: String,
}

/// What staff choose from when sending forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOptions {
    pub templates: Vec<TemplateSummary>,
    pub locations: Vec<LocationRef>,
}

/// The send-forms form on a client's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendFormsInput {
    #[serde(default)]
    pub template_ids: Vec<i32>,
    /// `client`, or `contact:ID`.
    pub recipient: String,
    pub location_id: i32,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

/// Who a form is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Client,
    Contact(i32),
}

/// A send-forms request that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSend {
    pub template_ids: Vec<i32>,
    pub recipient: Recipient,
    pub location_id: i32,
    pub due_on: NaiveDate,
}

impl SendFormsInput {
    pub fn check_due_on(value: &str, today: NaiveDate) -> Result<NaiveDate, String> {
        let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| "Enter the due date as YYYY-MM-DD.".to_string())?;
        if date < today {
            Err("The due date is in the past.".into())
        } else {
            Ok(date)
        }
    }

    /// Checks the request; `today` is the organization's date.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidSend, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.template_ids.is_empty() {
            errors.add("template_ids", "Choose at least one form.");
        }
        let recipient = match self.recipient.as_str() {
            "client" => Some(Recipient::Client),
            other => other
                .strip_prefix("contact:")
                .and_then(|id| id.parse().ok())
                .map(Recipient::Contact),
        };
        if recipient.is_none() {
            errors.add("recipient", "Choose who receives the forms.");
        }
        let due_on = Self::check_due_on(&self.due_on, today);
        if let Err(message) = &due_on {
            errors.add("due_on", message.clone());
        }
        let mut template_ids = self.template_ids.clone();
        template_ids.sort_unstable();
        template_ids.dedup();
        errors.into_result(ValidSend {
            template_ids,
            recipient: recipient.unwrap_or(Recipient::Client),
            location_id: self.location_id,
            due_on: due_on.unwrap_or(today),
        })
    }
}

/// A sent form as staff see it in a client's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFormSummary {
    pub id: i32,
    pub title: String,
    pub version: i32,
    pub status: FormStatus,
    pub due_on: NaiveDate,
    /// The client's or the contact's name.
    pub recipient: String,
    pub sent_at: String,
    pub submitted_at: Option<String>,
}

/// Where a form is to be filled in: the location's name always, its address unless Hide
/// Location Address is effective (then it is `None`, and never sent to the browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormLocation {
    pub name: String,
    pub address: Option<String>,
}

/// A form in the portal, to fill in or to read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalForm {
    pub id: i32,
    pub title: String,
    pub status: FormStatus,
    pub due_on: NaiveDate,
    pub location: FormLocation,
    pub definition: FormDefinition,
    /// The draft while open; the submitted answers once completed.
    pub answers: Answers,
    pub submitted_at: Option<String>,
}

/// A row of the portal's Forms tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalFormSummary {
    pub id: i32,
    pub title: String,
    pub status: FormStatus,
    pub due_on: NaiveDate,
    /// Whom it was sent to: "you", or the name of the client or the contact.
    pub addressee: String,
    /// Whether this login may open, fill in and sign it (it was sent to them).
    pub yours: bool,
}

/// A completed form as staff read it (print-friendly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: i32,
    pub title: String,
    pub version: i32,
    pub client: String,
    pub location: FormLocation,
    pub definition: FormDefinition,
    pub answers: Answers,
    pub status: FormStatus,
    pub signed_name: Option<String>,
    pub signed_at: Option<String>,
    pub signed_ip: Option<String>,
    pub submitted_at: Option<String>,
    /// The name of the portal login that submitted it.
    pub submitted_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sending_needs_forms_a_recipient_and_a_future_due_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let errors = SendFormsInput {
            recipient: "someone".into(),
            due_on: "2026-11-26".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap_err();
        assert!(errors.get("template_ids").is_some());
        assert!(errors.get("recipient").is_some());
        assert!(errors.get("due_on").unwrap().contains("past"));
        let ok = SendFormsInput {
            template_ids: vec![3, 1, 3],
            recipient: "contact:7".into(),
            location_id: 1,
            due_on: "2026-12-04".into(),
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.template_ids, vec![1, 3]);
        assert_eq!(ok.recipient, Recipient::Contact(7));
    }

    #[test]
    fn statuses_round_trip() {
        for s in FormStatus::ALL {
            assert_eq!(FormStatus::from_key(s.key()), Some(s));
        }
        assert!(FormStatus::InProgress.is_open() && !FormStatus::Completed.is_open());
    }
}
