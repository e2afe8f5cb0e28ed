//! A client's appointments as staff manage them on the client's page: upcoming and past, with
//! their status and payment state, the change form (reschedule and edit in one) pre-filled from
//! an appointment, and the cancellation form with its reason.

use serde::{Deserialize, Serialize};

use super::schedule::{AppointmentInput, BookingStatus};
use super::validation::FieldErrors;

/// Longest cancellation reason.
pub const MAX_CANCEL_REASON: usize = 500;

/// Whether an appointment is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentState {
    NoCharge,
    Owed,
    Paid,
}

impl PaymentState {
    pub fn label(self) -> &'static str {
        match self {
            PaymentState::NoCharge => "No charge",
            PaymentState::Owed => "Not paid yet",
            PaymentState::Paid => "Paid",
        }
    }
}

/// One appointment or request of a client, for staff; times in the organization's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientAppointment {
    pub id: i32,
    pub staff_id: i32,
    pub staff_name: String,
    /// "Mon 3 Mar 2031, 10:00–11:00".
    pub when: String,
    /// The change form's values: local date and time, minutes, `telehealth` or a location id.
    pub date: String,
    pub time: String,
    pub duration_minutes: i64,
    pub location: String,
    /// "Telehealth" or the location's name.
    pub place: String,
    pub service: String,
    /// Dollars as typed ("120.50"), blank for no charge.
    pub price: String,
    /// The appointment's own video link (telehealth), blank for the therapist's.
    pub video_link: String,
    pub status: BookingStatus,
    pub payment: PaymentState,
    /// "Cancelled by the practice" or "Cancelled by the client", with the reason when given.
    pub cancellation: Option<String>,
    pub last_minute: bool,
    /// The series it belongs to, in words ("Every Mon, Wed, Fri at 15:30").
    #[serde(default)]
    pub series: Option<String>,
}

impl ClientAppointment {
    /// The change form pre-filled with this appointment.
    pub fn as_input(&self) -> AppointmentInput {
        AppointmentInput {
            staff_id: self.staff_id,
            location: self.location.clone(),
            date: self.date.clone(),
            time: self.time.clone(),
            duration_minutes: self.duration_minutes.to_string(),
            service: self.service.clone(),
            price: self.price.clone(),
            video_link: self.video_link.clone(),
        }
    }

    /// Whether staff may still change or cancel it.
    pub fn is_active(&self) -> bool {
        matches!(
            self.status,
            BookingStatus::Booked | BookingStatus::Requested
        )
    }
}

/// A client's appointments: what is coming (soonest first) and what is past (latest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientAppointments {
    pub upcoming: Vec<ClientAppointment>,
    pub past: Vec<ClientAppointment>,
}

/// The staff cancellation form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelInput {
    pub reason: String,
    /// The client asked for it (recorded as cancelled by the client).
    #[serde(default)]
    pub by_client: bool,
}

impl CancelInput {
    /// A reason is required, at most [`MAX_CANCEL_REASON`] characters; returns it trimmed.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            Err(FieldErrors::single(
                "reason",
                "Say why the appointment is cancelled; the family sees it.",
            ))
        } else if reason.chars().count() > MAX_CANCEL_REASON {
            Err(FieldErrors::single(
                "reason",
                "Keep the reason to 500 characters.",
            ))
        } else {
            Ok(reason.to_owned())
        }
    }
}

/// Dollars as the price field shows them: "120", "120.50", or blank.
pub fn price_text(cents: Option<i32>) -> String {
    match cents {
        None => String::new(),
        Some(c) if c % 100 == 0 => (c / 100).to_string(),
        Some(c) => format!("{}.{:02}", c / 100, c % 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::parse_price;

    #[test]
    fn a_cancellation_needs_a_reason() {
        let input = |reason: &str| CancelInput {
            reason: reason.into(),
            by_client: false,
        };
        assert_eq!(
            input("  Therapist ill ").validate().unwrap(),
            "Therapist ill"
        );
        assert!(input(" ").validate().is_err());
        assert!(input(&"x".repeat(501)).validate().is_err());
    }

    #[test]
    fn prices_show_as_they_are_typed_back() {
        for cents in [None, Some(0), Some(12_000), Some(12_050), Some(5)] {
            assert_eq!(parse_price(&price_text(cents)).unwrap(), cents, "{cents:?}");
        }
        assert_eq!(price_text(Some(12_050)), "120.50");
    }
}
