//! A therapist's availability as they edit it: weekly hours and one-day exceptions (time off,
//! extra hours), with the rules the form and the server share.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::validation::FieldErrors;

/// The add-availability form: a weekly row (`weekday` 1–7) or an exception (`date`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityInput {
    /// `weekly`, `time_off` or `extra_hours`.
    pub kind: String,
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub date: String,
    pub start: String,
    pub end: String,
}

/// What the form adds, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidAvailability {
    Weekly {
        weekday: u32,
        start: u32,
        end: u32,
    },
    Exception {
        date: NaiveDate,
        start: u32,
        end: u32,
        extra: bool,
    },
}

fn minutes(value: &str) -> Option<u32> {
    let t = NaiveTime::parse_from_str(value.trim(), "%H:%M").ok()?;
    Some(chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t))
}

/// "09:00" for 540.
pub fn hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The weekday's name for 1 (Monday) to 7 (Sunday).
pub fn weekday_name(n: i32) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    .get((n - 1).clamp(0, 6) as usize)
    .copied()
    .unwrap_or("Monday")
}

impl AvailabilityInput {
    pub fn validate(&self) -> Result<ValidAvailability, FieldErrors> {
        let mut errors = FieldErrors::default();
        let (start, end) = (minutes(&self.start), minutes(&self.end));
        if start.is_none() {
            errors.add("start", "Enter the start as HH:MM.");
        }
        if end.is_none() {
            errors.add("end", "Enter the end as HH:MM.");
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errors.add("end", "The end must be after the start.");
            }
        }
        let (start, end) = (start.unwrap_or(0), end.unwrap_or(0));
        let valid = match self.kind.as_str() {
            "weekly" => match self.weekday.trim().parse::<u32>() {
                Ok(weekday @ 1..=7) => Some(ValidAvailability::Weekly {
                    weekday,
                    start,
                    end,
                }),
                _ => {
                    errors.add("weekday", "Choose a day of the week.");
                    None
                }
            },
            kind @ ("time_off" | "extra_hours") => {
                match NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d") {
                    Ok(date) => Some(ValidAvailability::Exception {
                        date,
                        start,
                        end,
                        extra: kind == "extra_hours",
                    }),
                    Err(_) => {
                        errors.add("date", "Enter the date as YYYY-MM-DD.");
                        None
                    }
                }
            }
            _ => {
                errors.add("kind", "Choose weekly hours, time off or extra hours.");
                None
            }
        };
        match valid {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(errors),
        }
    }
}

/// One row of the availability page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityRow {
    pub id: i32,
    /// "Monday" for weekly hours, "2030-01-07 · time off" for exceptions.
    pub when: String,
    /// "09:00–17:00".
    pub hours: String,
}

/// The availability page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityView {
    pub weekly: Vec<AvailabilityRow>,
    pub exceptions: Vec<AvailabilityRow>,
    pub slot_minutes: i32,
    /// The default telehealth video link, blank when none.
    pub video_link: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_hours_and_exceptions_are_checked() {
        let weekly = AvailabilityInput {
            kind: "weekly".into(),
            weekday: "1".into(),
            start: "09:00".into(),
            end: "17:00".into(),
            ..Default::default()
        };
        assert_eq!(
            weekly.validate(),
            Ok(ValidAvailability::Weekly {
                weekday: 1,
                start: 540,
                end: 1020
            })
        );
        let backwards = AvailabilityInput {
            end: "08:00".into(),
            ..weekly.clone()
        };
        assert!(backwards
            .validate()
            .unwrap_err()
            .get("end")
            .unwrap()
            .contains("after"));
        let off = AvailabilityInput {
            kind: "time_off".into(),
            date: "2030-01-07".into(),
            start: "12:00".into(),
            end: "13:00".into(),
            ..Default::default()
        };
        assert!(matches!(
            off.validate(),
            Ok(ValidAvailability::Exception { extra: false, .. })
        ));
        let no_date = AvailabilityInput {
            date: "soon".into(),
            ..off
        };
        assert!(no_date.validate().unwrap_err().get("date").is_some());
        assert_eq!(
            (hhmm(545), weekday_name(7)),
            ("09:05".to_string(), "Sunday")
        );
    }
}
