//! A signed-in person's own Account page: changing the password, the sessions they have open
//! (which device, last used) and, for staff, the calendar feed.

use serde::{Deserialize, Serialize};

use super::account::NewPasswordInput;
use super::validation::FieldErrors;

/// The change-password form: the current password proves it is the person, not someone at an
/// unlocked screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub password: String,
    pub confirm: String,
}

impl PasswordChange {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.current.is_empty() {
            errors.add("current", "Enter your current password.");
        }
        errors.check("password", NewPasswordInput::check_password(&self.password));
        if errors.get("password").is_none() && self.password == self.current {
            errors.add(
                "password",
                "Choose a password different from the current one.",
            );
        }
        errors.check(
            "confirm",
            NewPasswordInput::check_confirm(&self.password, &self.confirm),
        );
        errors.into_result(())
    }
}

/// One open session of the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names the session to sign it out (a prefix of its stored digest, never its token).
    pub handle: String,
    /// "Chrome on Android", or "Unknown device".
    pub device: String,
    /// When it signed in and was last used, in the organization's time zone.
    pub signed_in: String,
    pub last_used: String,
    /// The session of this very page.
    pub current: bool,
}

/// What the Account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub sessions: Vec<SessionSummary>,
    /// Staff: whether a calendar feed URL is live; `None` for portal logins.
    pub calendar_feed: Option<bool>,
    /// Staff: their two-step sign-in; `None` for portal logins.
    pub two_step: Option<crate::domain::two_step::TwoStepStatus>,
    /// Portal logins: whether they get appointment reminders by email; `None` for staff.
    pub reminders: Option<bool>,
}

/// A short name for the device behind a User-Agent header: browser and system.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("iPhone") {
        "iPhone"
    } else if ua.contains("iPad") {
        "iPad"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "Mac"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => "Unknown device".into(),
        (b, "") => b.into(),
        ("", s) => s.into(),
        (b, s) => format!("{b} on {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", "Chrome on Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Mac"),
            ("curl/8.5.0", "Unknown device"),
            ("", "Unknown device"),
        ];
        for (ua, label) in cases {
            assert_eq!(device_label(ua), label, "{ua}");
        }
    }

    #[test]
    fn a_password_change_needs_the_current_one_and_a_new_one() {
        let ok = PasswordChange {
            current: "demo-password-1".into(),
            password: "a new long password".into(),
            confirm: "a new long password".into(),
        };
        assert!(ok.validate().is_ok());
        let errors = PasswordChange {
            current: String::new(),
            password: "short".into(),
            confirm: "other".into(),
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("current").is_some());
        assert!(errors.get("password").is_some());
        assert!(errors.get("confirm").is_some());
        let same = PasswordChange {
            current: "demo-password-1".into(),
            password: "demo-password-1".into(),
            confirm: "demo-password-1".into(),
        };
        assert!(same.validate().unwrap_err().get("password").is_some());
    }
}
