//! Two-step sign-in as the browser sees it: the second step a sign-in waits for (a code, or
//! enrolment with a QR code), what finishing it gives (the recovery codes, shown once), and a
//! staff member's two-step status on their Account page.

use serde::{Deserialize, Serialize};

/// What the second-step page asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondStep {
    /// A code from the authenticator app, or a recovery code.
    Verify { email: String },
    /// The practice requires two-step: enrol now, then sign in.
    Enrol(Enrolment),
    /// No sign-in is waiting (it expired, or was finished): sign in again.
    Expired,
}

/// Setting up an authenticator: the QR code (an SVG drawn on the server), the same secret to
/// type by hand, and the token that ties the first code to this enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub qr_svg: String,
    /// The secret in base32, grouped by four for typing.
    pub secret: String,
    pub token: String,
}

/// A finished second step or enrolment: where to go, and the new recovery codes (after an
/// enrolment only; they are shown this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepDone {
    pub home: String,
    pub recovery_codes: Vec<String>,
}

/// A staff member's two-step sign-in, for their Account page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepStatus {
    pub enrolled: bool,
    /// The practice requires it (it cannot be turned off).
    pub required: bool,
    pub recovery_codes_left: u32,
}

/// Groups a base32 secret by four characters, as authenticator apps show them.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A code as typed must be there and short; whether it is right is the server's to say.
pub fn check_code(code: &str) -> Result<(), String> {
    let code = code.trim();
    if code.is_empty() {
        Err("Enter the 6-digit code from your authenticator app, or a recovery code.".into())
    } else if code.chars().count() > 32 {
        Err("That code is too long.".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_grouped_and_codes_checked() {
        assert_eq!(grouped("GEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ");
        assert_eq!(grouped("ABCDEF"), "ABCD EF");
        assert!(check_code(" ").is_err());
        assert!(check_code(&"1".repeat(33)).is_err());
        assert!(check_code("123456").is_ok());
    }
}
