//! The client's own access log ("Who has seen my information"): staff views and changes of the
//! client's record and the portal sign-ins for the client, in plain words. Only what was done,
//! never the values, staff-only notes or staff IP addresses.

use serde::{Deserialize, Serialize};

/// How long back the access log reaches.
pub const ACCESS_LOG_DAYS: i64 = 365;

/// One line of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogEntry {
    /// "3 Dec 2026, 14:05 EST", in the practice's time zone.
    pub when: String,
    /// "Taylor Brooks, therapist" or "Alex Lee, contact".
    pub who: String,
    /// "Opened a completed form", "Signed in from Chrome on Android".
    pub what: String,
}

/// The access log of one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLog {
    pub client_name: String,
    /// Staff views and changes of the client's record, newest first.
    pub staff: Vec<AccessLogEntry>,
    /// Sign-ins to the portal by the logins that act for the client, newest first.
    pub sign_ins: Vec<AccessLogEntry>,
}

/// An audited staff action on a client's record in plain words; `None` for entries that are not
/// about the record (denials, for example).
pub fn plain_words(action: &str) -> Option<&'static str> {
    Some(match action {
        "client.viewed" => "Opened the client's page",
        "insurance.viewed" => "Looked at the insurance information",
        "messages.viewed" => "Read the messages",
        "payment.viewed" => "Looked at a payment",
        "form.submission_opened" => "Opened a completed form",
        "appointment.created" => "Made an appointment",
        "appointment.series_created" => "Made recurring appointments",
        "appointment.changed" => "Changed an appointment",
        "appointment.cancelled" => "Cancelled an appointment",
        "appointment.accepted" => "Accepted an appointment request",
        "appointment.declined" => "Declined an appointment request",
        "access.denied" => return None,
        other => match other.split('.').next().unwrap_or_default() {
            "client" | "staff" => "Changed the client's details or care team",
            "contact" | "portal" | "invitation" => "Changed who can use the portal",
            "insurance" | "policy" => "Changed the insurance information",
            "form" => "Sent or changed a form",
            "payment" | "refund" => "Changed a payment",
            "message" => "Sent a message",
            "setting" | "settings" => "Changed a portal setting",
            "waitlist" => "Changed the waitlist",
            _ => "Changed the record",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_in_plain_words_and_denials_are_left_out() {
        assert_eq!(
            plain_words("form.submission_opened"),
            Some("Opened a completed form")
        );
        assert_eq!(
            plain_words("client.viewed"),
            Some("Opened the client's page")
        );
        assert_eq!(
            plain_words("insurance.policy_saved"),
            Some("Changed the insurance information")
        );
        assert_eq!(plain_words("something.new"), Some("Changed the record"));
        assert_eq!(plain_words("access.denied"), None);
    }
}
