//! The waitlist: a client asks to be offered a therapist's time on chosen weekdays and parts of
//! the day; when time frees up, matching clients are offered it, oldest first, three at a time.
//! The preferences' rule and the views, for the portal and the staff.

use chrono::{Datelike, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::series::{weekday_keys, WeekdayChoice, WEEKDAYS};
use super::validation::FieldErrors;

/// How many clients one batch offers a freed slot to.
pub const OFFER_BATCH: usize = 3;
/// How long a batch has the slot to itself before the next three are offered it.
pub const NEXT_BATCH_AFTER_MINUTES: i64 = 120;

/// A part of the day, by the slot's local start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartOfDay {
    /// Before noon.
    Morning,
    /// Noon to 5 pm.
    Afternoon,
    /// From 5 pm.
    Evening,
}

impl PartOfDay {
    pub const ALL: [(PartOfDay, &'static str, &'static str); 3] = [
        (PartOfDay::Morning, "morning", "Mornings (before noon)"),
        (
            PartOfDay::Afternoon,
            "afternoon",
            "Afternoons (noon to 5 pm)",
        ),
        (PartOfDay::Evening, "evening", "Evenings (from 5 pm)"),
    ];

    /// The part of the day a local time falls in.
    pub fn of(time: NaiveTime) -> PartOfDay {
        match time.hour() {
            0..=11 => PartOfDay::Morning,
            12..=16 => PartOfDay::Afternoon,
            _ => PartOfDay::Evening,
        }
    }

    pub fn key(self) -> &'static str {
        PartOfDay::ALL
            .iter()
            .find(|(p, _, _)| *p == self)
            .map(|(_, key, _)| *key)
            .unwrap_or("morning")
    }
}

/// The join form, as typed: a therapist, the weekdays (`input[days][mon]`) and the parts of the
/// day ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistInput {
    pub staff_id: i32,
    #[serde(default)]
    pub days: WeekdayChoice,
    #[serde(default)]
    pub morning: bool,
    #[serde(default)]
    pub afternoon: bool,
    #[serde(default)]
    pub evening: bool,
}

/// Preferences as stored: `mon,wed` and `morning,afternoon`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub weekdays: String,
    pub parts_of_day: String,
}

impl WaitlistInput {
    /// At least one weekday and one part of the day.
    pub fn validate(&self) -> Result<Preferences, FieldErrors> {
        let days = self.days.days();
        let parts: Vec<&str> = PartOfDay::ALL
            .iter()
            .zip([self.morning, self.afternoon, self.evening])
            .filter(|(_, on)| *on)
            .map(|((_, key, _), _)| *key)
            .collect();
        let mut errors = FieldErrors::default();
        if days.is_empty() {
            errors.add("weekdays", "Choose at least one weekday.");
        }
        if parts.is_empty() {
            errors.add("parts_of_day", "Choose at least one part of the day.");
        }
        errors.into_result(Preferences {
            weekdays: weekday_keys(&days),
            parts_of_day: parts.join(","),
        })
    }
}

impl Preferences {
    /// Whether a slot starting at local `weekday` and `time` suits these preferences.
    pub fn suits(&self, weekday: Weekday, time: NaiveTime) -> bool {
        let day = WEEKDAYS
            .iter()
            .find(|(d, _, _)| *d == weekday)
            .map(|(_, key, _)| *key)
            .unwrap_or_default();
        self.weekdays.split(',').any(|k| k == day)
            && self
                .parts_of_day
                .split(',')
                .any(|k| k == PartOfDay::of(time).key())
    }

    /// In words: "Mon, Wed · mornings, afternoons".
    pub fn label(&self) -> String {
        let days: Vec<&str> = WEEKDAYS
            .iter()
            .filter(|(_, key, _)| self.weekdays.split(',').any(|k| k == *key))
            .map(|(_, _, name)| &name[..3])
            .collect();
        let parts: Vec<&str> = PartOfDay::ALL
            .iter()
            .filter(|(_, key, _)| self.parts_of_day.split(',').any(|k| k == *key))
            .map(|(_, key, _)| match *key {
                "morning" => "mornings",
                "afternoon" => "afternoons",
                _ => "evenings",
            })
            .collect();
        format!("{} · {}", days.join(", "), parts.join(", "))
    }
}

/// Whether `local` (a slot's local start) suits stored preferences.
pub fn suits(weekdays: &str, parts_of_day: &str, local: chrono::NaiveDateTime) -> bool {
    Preferences {
        weekdays: weekdays.into(),
        parts_of_day: parts_of_day.into(),
    }
    .suits(local.weekday(), local.time())
}

/// One of the client's waitlist entries, in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistEntryView {
    pub id: i32,
    pub staff_name: String,
    /// "Mon, Wed · mornings".
    pub preferences: String,
    /// "since 3 Dec 2026".
    pub since: String,
}

/// The portal's waitlist section: the client's entries, and whom the client may wait for
/// (`None` when this login may not join, e.g. without self-scheduling or the scheduling scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalWaitlist {
    pub entries: Vec<WaitlistEntryView>,
    pub therapists: Option<Vec<(i32, String)>>,
}

/// One waiting client, for the staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffWaitlistEntry {
    pub id: i32,
    pub client_id: i32,
    pub client_name: String,
    pub staff_name: String,
    pub preferences: String,
    pub since: String,
    /// Freed slots offered so far.
    pub offers: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn preferences_need_a_day_and_a_part_of_the_day() {
        let none = WaitlistInput::default().validate().unwrap_err();
        assert!(none.get("weekdays").is_some() && none.get("parts_of_day").is_some());
        let input = WaitlistInput {
            days: WeekdayChoice::of(&[Weekday::Mon, Weekday::Wed]),
            morning: true,
            evening: true,
            ..Default::default()
        };
        let prefs = input.validate().unwrap();
        assert_eq!(prefs.weekdays, "mon,wed");
        assert_eq!(prefs.parts_of_day, "morning,evening");
        assert_eq!(prefs.label(), "Mon, Wed · mornings, evenings");
    }

    #[test]
    fn a_slot_suits_by_its_local_weekday_and_part_of_the_day() {
        let prefs = Preferences {
            weekdays: "mon,wed".into(),
            parts_of_day: "afternoon".into(),
        };
        assert!(prefs.suits(Weekday::Mon, at(12, 0)));
        assert!(prefs.suits(Weekday::Wed, at(16, 59)));
        assert!(!prefs.suits(Weekday::Wed, at(17, 0)));
        assert!(!prefs.suits(Weekday::Mon, at(11, 59)));
        assert!(!prefs.suits(Weekday::Tue, at(13, 0)));
        assert_eq!(PartOfDay::of(at(8, 0)), PartOfDay::Morning);
        assert_eq!(PartOfDay::of(at(18, 30)), PartOfDay::Evening);
    }
}
