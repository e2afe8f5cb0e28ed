//! DTOs of the Organization pages: the overview with its staff and locations and the form that
//! edits the practice's profile (a time-zone change needs a confirmation), the audit log and the
//! outbox.

use serde::{Deserialize, Serialize};

use super::validation::{self, FieldErrors};

/// The time zones the Overview offers (the server accepts any IANA name it knows).
pub const TIME_ZONES: [&str; 8] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
];

/// The practice's profile as typed on the Overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub time_zone: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub contact_phone: String,
    /// Set by the confirmation step: the administrator has read what a new time zone does.
    #[serde(default)]
    pub confirm_time_zone: bool,
}

impl ProfileInput {
    /// Checks one field; the browser calls this as the user types. Whether a time zone exists
    /// is the server's to say.
    pub fn check_field(&self, field: &str) -> Result<(), String> {
        match field {
            "name" => validation::required_text(&self.name, "The practice's name"),
            "time_zone" => validation::required_text(&self.time_zone, "Time zone"),
            "contact_email" => validation::optional_email(&self.contact_email),
            "contact_phone" => validation::optional_phone(&self.contact_phone),
            _ => Ok(()),
        }
    }

    /// Validates every field and trims them for storage.
    pub fn validate(&self) -> Result<ProfileInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["name", "time_zone", "contact_email", "contact_phone"] {
            errors.check(field, self.check_field(field));
        }
        errors.into_result(ProfileInput {
            name: self.name.trim().to_owned(),
            time_zone: self.time_zone.trim().to_owned(),
            contact_email: validation::normalize_email(&self.contact_email),
            contact_phone: self.contact_phone.trim().to_owned(),
            confirm_time_zone: self.confirm_time_zone,
        })
    }
}

/// What saving the profile did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileSaved {
    Saved,
    /// Nothing was saved: a new time zone needs the administrator's confirmation first.
    ConfirmTimeZone(TimeZoneChange),
}

/// What changing the time zone does, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeZoneChange {
    /// The form as submitted, to send again with the confirmation.
    pub input: ProfileInput,
    pub from: String,
    pub to: String,
    /// Upcoming appointments and requests: they keep their instants.
    pub upcoming: u32,
    /// Weekly-hours rows: they are read in the new zone.
    pub weekly_hours: u32,
    /// How one time reads after the change, e.g. "10:00 AM in America/New_York is 9:00 AM in
    /// America/Chicago".
    pub example: String,
}

impl TimeZoneChange {
    /// The explanation the Overview shows.
    pub fn explanation(&self) -> Vec<String> {
        vec![
            format!(
                "Appointments keep their moment in time: the {} upcoming appointment(s) and request(s) will show in {} time ({}).",
                self.upcoming, self.to, self.example
            ),
            format!(
                "Weekly hours keep their clock times: the {} weekly-hours row(s) of the practice's staff will be read in {} time, so open slots move with them.",
                self.weekly_hours, self.to
            ),
        ]
    }
}

/// The organization overview shown to administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOverview {
    pub name: String,
    pub time_zone: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// Hours before an appointment that reminders go (0: none).
    pub reminder_hours: u32,
    pub locations: Vec<LocationSummary>,
    pub staff: Vec<StaffSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationSummary {
    pub name: String,
    pub address: String,
    pub telehealth: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_therapist: bool,
}

/// One email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub at: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// One page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub rows: Vec<OutboxRow>,
    pub paging: crate::domain::paging::Paging,
    /// Whether mail goes out by SMTP instead (the outbox then stays empty).
    pub smtp: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, zone: &str, email: &str, phone: &str) -> ProfileInput {
        ProfileInput {
            name: name.into(),
            time_zone: zone.into(),
            contact_email: email.into(),
            contact_phone: phone.into(),
            confirm_time_zone: false,
        }
    }

    #[test]
    fn the_profile_needs_a_name_and_a_zone_and_checks_the_contact() {
        let valid = profile(" Bright Path ", "America/Chicago", " Desk@BP.example ", "")
            .validate()
            .unwrap();
        assert_eq!(valid.name, "Bright Path");
        assert_eq!(valid.contact_email, "desk@bp.example");
        let errors = profile("", "", "desk", "12").validate().unwrap_err();
        for field in ["name", "time_zone", "contact_email", "contact_phone"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_time_zone_change_says_what_moves_and_what_stays() {
        let change = TimeZoneChange {
            input: ProfileInput::default(),
            from: "America/New_York".into(),
            to: "America/Chicago".into(),
            upcoming: 3,
            weekly_hours: 5,
            example: "10:00 AM in America/New_York is 9:00 AM in America/Chicago".into(),
        };
        let text = change.explanation().join(" ");
        assert!(text.contains("the 3 upcoming"), "{text}");
        assert!(text.contains("5 weekly-hours row(s)"), "{text}");
        assert!(text.contains("9:00 AM in America/Chicago"), "{text}");
    }
}
