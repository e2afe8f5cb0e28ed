//! Field-level validation results, shared by the browser (instant feedback) and the server
//! (authoritative).

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
