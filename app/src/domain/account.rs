//! Portal accounts: invitation status, single-use links (invitations and password resets),
//! and the new-password form with its rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validation;
use super::validation::FieldErrors;

/// Shortest password we accept.
pub const MIN_PASSWORD: usize = 10;
/// Longest password we accept (argon2 hashes anything, but a limit stops abuse).
pub const MAX_PASSWORD: usize = 128;
/// How long an invitation link stays valid.
pub const INVITATION_HOURS: i64 = 72;
/// Invitation emails (first and re-sent) one person can be sent in 24 hours.
pub const MAX_INVITATIONS_PER_DAY: u64 = 5;
/// How long a password-reset link stays valid.
pub const RESET_HOURS: i64 = 2;

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    Invitation,
    PasswordReset,
}

impl LinkPurpose {
    pub fn key(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }

    pub fn from_key(key: &str) -> Option<LinkPurpose> {
        [LinkPurpose::Invitation, LinkPurpose::PasswordReset]
            .into_iter()
            .find(|p| p.key() == key)
    }
}

/// Whether a link can still be used, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Valid,
    Used,
    Expired,
    Revoked,
    /// No such link (mistyped, or cut short by an email program).
    Unknown,
}

impl LinkState {
    /// The state of a stored link at `now`.
    pub fn of(
        used_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> LinkState {
        if used_at.is_some() {
            LinkState::Used
        } else if revoked_at.is_some() {
            LinkState::Revoked
        } else if now >= expires_at {
            LinkState::Expired
        } else {
            LinkState::Valid
        }
    }

    /// What the person who opened the link should do, for a link that cannot be used.
    pub fn explanation(self, purpose: Option<LinkPurpose>) -> &'static str {
        let reset = purpose == Some(LinkPurpose::PasswordReset);
        match (self, reset) {
            (LinkState::Valid, _) => "",
            (LinkState::Used, false) => "This invitation has already been used. Sign in with the password you chose, or use “Forgot your password?” on the sign-in page.",
            (LinkState::Used, true) => "This reset link has already been used. If you still cannot sign in, ask for a new link.",
            (LinkState::Expired, false) => "This invitation has expired. Ask the practice to send you a new one.",
            (LinkState::Expired, true) => "This reset link has expired. Ask for a new link on the sign-in page.",
            (LinkState::Revoked, _) => "This link has been withdrawn by the practice. Contact the practice if you need access.",
            (LinkState::Unknown, _) => "This link is not valid. Check that you copied the whole link from the email, or ask for a new one.",
        }
    }
}

/// What the page behind a link shows before the person sets a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub purpose: Option<LinkPurpose>,
    pub state: LinkState,
    pub practice: String,
    pub email: String,
}

/// Where a client or contact stands with the portal, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStatus {
    /// No login and no open invitation.
    NotInvited,
    /// An invitation is waiting to be used.
    Invited { expires_at: DateTime<Utc> },
    /// The last invitation expired unused.
    InvitationExpired,
    /// Has a portal login.
    Active,
}

impl PortalStatus {
    pub fn label(&self) -> String {
        match self {
            PortalStatus::NotInvited => "Not invited".into(),
            PortalStatus::Invited { expires_at } => format!(
                "Invited, link valid until {} UTC",
                expires_at.format("%Y-%m-%d %H:%M")
            ),
            PortalStatus::InvitationExpired => "Invitation expired".into(),
            PortalStatus::Active => "Has a portal login".into(),
        }
    }

    /// Whether an invitation is waiting (it can be revoked).
    pub fn is_pending(&self) -> bool {
        matches!(self, PortalStatus::Invited { .. })
    }
}

/// The set-password form behind an invitation or reset link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordInput {
    pub token: String,
    pub password: String,
    pub confirm: String,
}

impl NewPasswordInput {
    /// The password rules; the browser shows them as the user types.
    pub fn check_password(password: &str) -> Result<(), String> {
        let length = password.chars().count();
        if length < MIN_PASSWORD {
            Err(format!("Use at least {MIN_PASSWORD} characters."))
        } else if length > MAX_PASSWORD {
            Err(format!("Use at most {MAX_PASSWORD} characters."))
        } else if password.trim().is_empty() {
            Err("The password cannot be only spaces.".into())
        } else {
            Ok(())
        }
    }

    pub fn check_confirm(password: &str, confirm: &str) -> Result<(), String> {
        if password == confirm {
            Ok(())
        } else {
            Err("The two passwords do not match.".into())
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("password", Self::check_password(&self.password));
        errors.check(
            "confirm",
            Self::check_confirm(&self.password, &self.confirm),
        );
        errors.into_result(())
    }
}

/// The forgot-password form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequestInput {
    pub email: String,
}

impl ResetRequestInput {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check("email", validation::email(&self.email));
        errors.into_result(validation::normalize_email(&self.email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn link_state_prefers_used_then_revoked_then_expired() {
        let now = Utc::now();
        let later = now + Duration::hours(1);
        let earlier = now - Duration::hours(1);
        assert_eq!(LinkState::of(None, None, later, now), LinkState::Valid);
        assert_eq!(LinkState::of(None, None, now, now), LinkState::Expired);
        assert_eq!(
            LinkState::of(Some(now), Some(now), earlier, now),
            LinkState::Used
        );
        assert_eq!(
            LinkState::of(None, Some(now), earlier, now),
            LinkState::Revoked
        );
        assert!(LinkState::Expired
            .explanation(Some(LinkPurpose::Invitation))
            .contains("new one"));
    }

    #[test]
    fn password_rules() {
        let input = NewPasswordInput {
            token: "t".into(),
            password: "short".into(),
            confirm: "other".into(),
        };
        let errors = input.validate().unwrap_err();
        assert!(errors.get("password").unwrap().contains("10"));
        assert!(errors.get("confirm").is_some());
        assert!(NewPasswordInput::check_password("           ").is_err());
        assert!(NewPasswordInput {
            token: "t".into(),
            password: "long enough pass".into(),
            confirm: "long enough pass".into(),
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn purposes_round_trip() {
        for p in [LinkPurpose::Invitation, LinkPurpose::PasswordReset] {
            assert_eq!(LinkPurpose::from_key(p.key()), Some(p));
        }
    }
}
