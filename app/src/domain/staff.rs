//! The staff roster administrators manage: the invitation and edit forms with their rules, a
//! staff member's status, and what happens to a deactivated therapist's open requests.

use serde::{Deserialize, Serialize};

use super::validation::{self, FieldErrors};

/// Longest credentials text ("BCBA, LBA").
pub const MAX_CREDENTIALS: usize = 40;

/// The roles a staff member holds, as the forms send them (unchecked boxes are absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// The Organization Administration permission.
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub is_therapist: bool,
}

impl Roles {
    /// How the roster names these roles.
    pub fn label(self) -> &'static str {
        match (self.is_admin, self.is_therapist) {
            (true, true) => "Administrator, therapist",
            (true, false) => "Administrator",
            (false, true) => "Therapist",
            (false, false) => "No role",
        }
    }
}

/// The invitation form: who, with which credentials and roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvite {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub credentials: String,
    #[serde(default)]
    pub roles: Roles,
}

/// The edit form of one staff member (the email is the login and stays).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEdit {
    pub name: String,
    #[serde(default)]
    pub credentials: String,
    #[serde(default)]
    pub roles: Roles,
}

/// A staff form that passed validation, trimmed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStaff {
    pub name: String,
    pub credentials: String,
    pub roles: Roles,
}

fn credentials(value: &str) -> Result<(), String> {
    if value.trim().chars().count() > MAX_CREDENTIALS {
        Err(format!(
            "Credentials must be at most {MAX_CREDENTIALS} characters."
        ))
    } else {
        Ok(())
    }
}

fn roles(roles: Roles) -> Result<(), String> {
    if roles.is_admin || roles.is_therapist {
        Ok(())
    } else {
        Err("Choose Administrator, Therapist, or both.".into())
    }
}

impl StaffEdit {
    /// Checks one field; the browser calls this as the user types.
    pub fn check_field(&self, field: &str) -> Result<(), String> {
        match field {
            "name" => validation::required_text(&self.name, "Name"),
            "credentials" => credentials(&self.credentials),
            "roles" => roles(self.roles),
            _ => Ok(()),
        }
    }

    /// Validates every field; the server calls this before saving.
    pub fn validate(&self) -> Result<ValidStaff, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["name", "credentials", "roles"] {
            errors.check(field, self.check_field(field));
        }
        errors.into_result(ValidStaff {
            name: self.name.trim().to_owned(),
            credentials: self.credentials.trim().to_owned(),
            roles: self.roles,
        })
    }
}

impl StaffInvite {
    /// Checks one field; the browser calls this as the user types.
    pub fn check_field(&self, field: &str) -> Result<(), String> {
        match field {
            "email" => validation::email(&self.email),
            other => self.as_edit().check_field(other),
        }
    }

    fn as_edit(&self) -> StaffEdit {
        StaffEdit {
            name: self.name.clone(),
            credentials: self.credentials.clone(),
            roles: self.roles,
        }
    }

    /// Validates every field; returns the staff member and their normalized email.
    pub fn validate(&self) -> Result<(ValidStaff, String), FieldErrors> {
        let email = self.check_field("email");
        match (self.as_edit().validate(), email) {
            (Ok(valid), Ok(())) => Ok((valid, validation::normalize_email(&self.email))),
            (result, email) => {
                let mut errors = result.err().unwrap_or_default();
                errors.check("email", email);
                Err(errors)
            }
        }
    }
}

/// Where a staff member stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffStatus {
    /// Signs in and is booked.
    Active,
    /// Invited; the link works until the date shown (organization's time).
    Invited { expires: String },
    /// Invited, but the link expired or was revoked: resend to let them in.
    InvitationLapsed,
    /// Deactivated on the date shown: no sign-in, not offered for new appointments.
    Deactivated { since: String },
}

impl StaffStatus {
    /// The roster's wording.
    pub fn label(&self) -> String {
        match self {
            StaffStatus::Active => "Active".into(),
            StaffStatus::Invited { expires } => format!("Invited (link valid until {expires})"),
            StaffStatus::InvitationLapsed => "Invitation expired or revoked".into(),
            StaffStatus::Deactivated { since } => format!("Deactivated {since}"),
        }
    }
}

/// One staff member on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub credentials: String,
    pub roles: Roles,
    pub status: StaffStatus,
    /// Appointment requests waiting on this therapist.
    pub open_requests: u32,
    /// The signed-in administrator's own row.
    pub is_you: bool,
    /// Two-step sign-in is set up.
    pub two_step: bool,
}

/// Organization → Staff: everyone on the roster, and the practice's two-step requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRoster {
    pub staff: Vec<StaffRow>,
    /// "Require two-step verification for staff".
    pub require_two_step: bool,
}

impl StaffRow {
    /// "Taylor Brooks, BCBA", or the name alone.
    pub fn display_name(&self) -> String {
        with_credentials(&self.name, &self.credentials)
    }
}

/// A name with its credentials, as the roster and pickers show it.
pub fn with_credentials(name: &str, credentials: &str) -> String {
    if credentials.is_empty() {
        name.to_owned()
    } else {
        format!("{name}, {credentials}")
    }
}

/// What becomes of a deactivated therapist's open appointment requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpenRequests {
    /// Declined; each requester is told by email.
    Decline,
    /// Moved to another active therapist of the practice, who decides them.
    ReassignTo(i32),
}

impl OpenRequests {
    /// Reads the deactivation form's choice: `decline`, or a staff id to reassign to.
    pub fn parse(choice: &str) -> Result<OpenRequests, FieldErrors> {
        match choice.trim() {
            "decline" => Ok(OpenRequests::Decline),
            id => id.parse().map(OpenRequests::ReassignTo).map_err(|_| {
                FieldErrors::single(
                    "open_requests",
                    "Choose whether to decline the open requests or who takes them over.",
                )
            }),
        }
    }
}

/// What deactivating a staff member did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deactivated {
    /// Who was deactivated.
    pub name: String,
    /// Their sessions that ended at once.
    pub sessions_ended: u32,
    /// Open requests moved to the therapist chosen.
    pub reassigned: u32,
    /// Open requests declined (chosen, or the other therapist's time was not free).
    pub declined: u32,
}

impl Deactivated {
    /// The confirmation the roster shows.
    pub fn summary(&self) -> String {
        let mut text = format!("{} was deactivated and signed out.", self.name);
        if self.reassigned > 0 {
            text.push_str(&format!(" {} open request(s) reassigned.", self.reassigned));
        }
        if self.declined > 0 {
            text.push_str(&format!(
                " {} open request(s) declined; the families were emailed.",
                self.declined
            ));
        }
        text
    }
}

/// Why a change would leave the organization without an active administrator.
pub const LAST_ADMIN: &str = "The practice needs at least one active administrator. Make someone else an administrator first.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::MAX_SHORT_TEXT;

    fn invite(name: &str, email: &str, credentials: &str, roles: Roles) -> StaffInvite {
        StaffInvite {
            name: name.into(),
            email: email.into(),
            credentials: credentials.into(),
            roles,
        }
    }

    const THERAPIST: Roles = Roles {
        is_admin: false,
        is_therapist: true,
    };

    #[test]
    fn an_invitation_needs_a_name_an_email_and_a_role() {
        let (valid, email) = invite(" Sam Rivera ", " Sam@Clinic.Example ", " RBT ", THERAPIST)
            .validate()
            .unwrap();
        assert_eq!(valid.name, "Sam Rivera");
        assert_eq!(valid.credentials, "RBT");
        assert_eq!(email, "sam@clinic.example");
        let errors = invite("", "nobody", &"X".repeat(41), Roles::default())
            .validate()
            .unwrap_err();
        for field in ["name", "email", "credentials", "roles"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert_eq!(
            errors.get("roles"),
            Some("Choose Administrator, Therapist, or both.")
        );
        assert!(invite(
            &"N".repeat(MAX_SHORT_TEXT + 1),
            "a@b.example",
            "",
            THERAPIST
        )
        .validate()
        .is_err());
    }

    #[test]
    fn the_deactivation_choice_is_decline_or_a_staff_member() {
        assert_eq!(OpenRequests::parse("decline"), Ok(OpenRequests::Decline));
        assert_eq!(OpenRequests::parse("12"), Ok(OpenRequests::ReassignTo(12)));
        assert!(OpenRequests::parse("").is_err());
        assert!(OpenRequests::parse("someone").is_err());
    }

    #[test]
    fn names_carry_their_credentials() {
        assert_eq!(
            with_credentials("Taylor Brooks", "BCBA"),
            "Taylor Brooks, BCBA"
        );
        assert_eq!(with_credentials("Avery Admin", ""), "Avery Admin");
        assert_eq!(Roles::default().label(), "No role");
    }

    #[test]
    fn a_deactivation_says_what_became_of_the_requests() {
        let mut done = Deactivated {
            name: "Taylor Brooks".into(),
            ..Default::default()
        };
        assert_eq!(
            done.summary(),
            "Taylor Brooks was deactivated and signed out."
        );
        done.reassigned = 2;
        done.declined = 1;
        let text = done.summary();
        assert!(text.contains("2 open request(s) reassigned"), "{text}");
        assert!(text.contains("1 open request(s) declined"), "{text}");
    }
}
