//! Recurring appointments: a weekly pattern (weekdays, for a number of weeks or until a date),
//! its dates, each at the same local time whatever daylight-saving change falls between them,
//! and which appointments of a series an edit or a cancellation applies to. Pure, so the browser
//! and the server give the same messages.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::schedule::AppointmentInput;
use super::validation::FieldErrors;

/// A series runs at most this many weeks (or until a date at most this far ahead).
pub const MAX_WEEKS: i64 = 52;

/// The weekdays in form order: the form field's key and the day's name.
pub const WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Mon, "mon", "Monday"),
    (Weekday::Tue, "tue", "Tuesday"),
    (Weekday::Wed, "wed", "Wednesday"),
    (Weekday::Thu, "thu", "Thursday"),
    (Weekday::Fri, "fri", "Friday"),
    (Weekday::Sat, "sat", "Saturday"),
    (Weekday::Sun, "sun", "Sunday"),
];

/// Weekdays ticked in a form (`…[days][mon]=true`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekdayChoice {
    #[serde(default)]
    pub mon: bool,
    #[serde(default)]
    pub tue: bool,
    #[serde(default)]
    pub wed: bool,
    #[serde(default)]
    pub thu: bool,
    #[serde(default)]
    pub fri: bool,
    #[serde(default)]
    pub sat: bool,
    #[serde(default)]
    pub sun: bool,
}

impl WeekdayChoice {
    /// Whether `day` is ticked.
    pub fn has(&self, day: Weekday) -> bool {
        match day {
            Weekday::Mon => self.mon,
            Weekday::Tue => self.tue,
            Weekday::Wed => self.wed,
            Weekday::Thu => self.thu,
            Weekday::Fri => self.fri,
            Weekday::Sat => self.sat,
            Weekday::Sun => self.sun,
        }
    }

    /// The ticked days, in week order.
    pub fn days(&self) -> Vec<Weekday> {
        WEEKDAYS
            .iter()
            .map(|(d, _, _)| *d)
            .filter(|d| self.has(*d))
            .collect()
    }

    /// These days ticked.
    pub fn of(days: &[Weekday]) -> WeekdayChoice {
        let on = |d| days.contains(&d);
        WeekdayChoice {
            mon: on(Weekday::Mon),
            tue: on(Weekday::Tue),
            wed: on(Weekday::Wed),
            thu: on(Weekday::Thu),
            fri: on(Weekday::Fri),
            sat: on(Weekday::Sat),
            sun: on(Weekday::Sun),
        }
    }
}

/// The repeat part of the new-series form, as typed: the weekdays ticked, and a number of
/// weeks or the last date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatInput {
    #[serde(default)]
    pub days: WeekdayChoice,
    /// Weeks from the first date, 1 to [`MAX_WEEKS`]; blank when `until` is given.
    #[serde(default)]
    pub weeks: String,
    /// The last date, `YYYY-MM-DD`; blank when `weeks` is given.
    #[serde(default)]
    pub until: String,
    /// Dates left out (`YYYY-MM-DD`, comma-separated): the conflicts staff chose to skip.
    #[serde(default)]
    pub skip: String,
}

/// Where a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatEnd {
    Weeks(i64),
    Until(NaiveDate),
}

/// A repeat that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRepeat {
    pub weekdays: Vec<Weekday>,
    pub end: RepeatEnd,
    pub skip: BTreeSet<NaiveDate>,
}

impl RepeatInput {
    /// Checks the weekdays, the end and the skipped dates of a series starting on `first`.
    pub fn validate(&self, first: NaiveDate) -> Result<ValidRepeat, FieldErrors> {
        let mut errors = FieldErrors::default();
        let weekdays = self.days.days();
        if weekdays.is_empty() {
            errors.add("weekdays", "Choose at least one weekday.");
        }
        let (weeks, until) = (self.weeks.trim(), self.until.trim());
        let end = match (weeks.is_empty(), until.is_empty()) {
            (true, true) => {
                errors.add("weeks", "Enter a number of weeks, or a last date.");
                None
            }
            (false, false) => {
                errors.add("weeks", "Give a number of weeks or a last date, not both.");
                None
            }
            (false, true) => match weeks.parse::<i64>() {
                Ok(n) if (1..=MAX_WEEKS).contains(&n) => Some(RepeatEnd::Weeks(n)),
                _ => {
                    errors.add(
                        "weeks",
                        format!("Enter a number of weeks from 1 to {MAX_WEEKS}."),
                    );
                    None
                }
            },
            (true, false) => match NaiveDate::parse_from_str(until, "%Y-%m-%d") {
                Ok(last) if last < first => {
                    errors.add("until", "The last date comes before the first.");
                    None
                }
                Ok(last) if last >= first + Duration::weeks(MAX_WEEKS) => {
                    errors.add("until", "Choose a last date within a year of the first.");
                    None
                }
                Ok(last) => Some(RepeatEnd::Until(last)),
                Err(_) => {
                    errors.add("until", "Enter the last date as YYYY-MM-DD.");
                    None
                }
            },
        };
        let mut skip = BTreeSet::new();
        for part in self
            .skip
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match NaiveDate::parse_from_str(part, "%Y-%m-%d") {
                Ok(date) => {
                    skip.insert(date);
                }
                Err(_) => {
                    errors.add(
                        "skip",
                        "The dates to skip are not dates. Check the dates again.",
                    );
                    break;
                }
            }
        }
        errors.into_result(ValidRepeat {
            weekdays,
            end: end.unwrap_or(RepeatEnd::Weeks(1)),
            skip,
        })
    }
}

impl ValidRepeat {
    /// The series' dates from `first`: each chosen weekday up to `first` + the weeks (exclusive)
    /// or up to the last date (inclusive).
    pub fn dates(&self, first: NaiveDate) -> Vec<NaiveDate> {
        let last = match self.end {
            RepeatEnd::Weeks(n) => first + Duration::weeks(n) - Duration::days(1),
            RepeatEnd::Until(last) => last,
        };
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| self.weekdays.contains(&d.weekday()))
            .collect()
    }

    /// The weekdays as stored: `mon,wed,fri`.
    pub fn weekday_keys(&self) -> String {
        weekday_keys(&self.weekdays)
    }
}

/// `mon,wed,fri` for those days, in week order.
pub fn weekday_keys(days: &[Weekday]) -> String {
    WEEKDAYS
        .iter()
        .filter(|(d, _, _)| days.contains(d))
        .map(|(_, key, _)| *key)
        .collect::<Vec<_>>()
        .join(",")
}

/// A series' pattern in words: "Every Mon, Wed, Fri at 15:30" from `mon,wed,fri` and the start.
pub fn pattern_label(weekday_keys: &str, start: NaiveTime) -> String {
    let days: Vec<&str> = WEEKDAYS
        .iter()
        .filter(|(_, key, _)| weekday_keys.split(',').any(|k| k == *key))
        .map(|(_, _, name)| &name[..3])
        .collect();
    format!("Every {} at {}", days.join(", "), start.format("%H:%M"))
}

/// The instant `time` on local `date` in `tz`: the earlier one in the hour the clocks go back,
/// `None` in the hour they skip.
pub fn local_start<Tz: TimeZone>(
    tz: &Tz,
    date: NaiveDate,
    time: NaiveTime,
) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Which appointments of a series an edit or a cancellation applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesScope {
    /// This appointment only.
    #[default]
    This,
    /// This one and the later ones of its series.
    Following,
    /// Every upcoming appointment of the series.
    All,
}

impl SeriesScope {
    /// The form's choices: value and label.
    pub const CHOICES: [(SeriesScope, &'static str, &'static str); 3] = [
        (SeriesScope::This, "this", "This appointment only"),
        (
            SeriesScope::Following,
            "following",
            "This and the following ones",
        ),
        (SeriesScope::All, "all", "Every upcoming one of the series"),
    ];
}

/// One date of a planned series, as checked before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedDate {
    pub date: NaiveDate,
    /// "Mon 7 Dec 2026, 15:30–17:30".
    pub when: String,
    /// Why it cannot be made: "Another appointment 15:00–16:00", "Time off", ….
    pub conflict: Option<String>,
}

/// The check before saving a series: its dates, the conflicting ones marked, and the form as
/// sent, to make the series from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPlan {
    pub input: AppointmentInput,
    pub repeat: RepeatInput,
    /// "Every Mon, Wed, Fri at 15:30".
    pub pattern: String,
    pub dates: Vec<PlannedDate>,
}

impl SeriesPlan {
    /// How many dates conflict.
    pub fn conflicts(&self) -> usize {
        self.dates.iter().filter(|d| d.conflict.is_some()).count()
    }

    /// How many appointments making the series creates (the conflicts skipped).
    pub fn free(&self) -> usize {
        self.dates.len() - self.conflicts()
    }

    /// The repeat to make the series with: the conflicting dates skipped.
    pub fn repeat_skipping_conflicts(&self) -> RepeatInput {
        let skip: Vec<String> = self
            .dates
            .iter()
            .filter(|d| d.conflict.is_some())
            .map(|d| d.date.format("%Y-%m-%d").to_string())
            .collect();
        RepeatInput {
            skip: skip.join(","),
            ..self.repeat.clone()
        }
    }
}

/// A series made: how many appointments, and how many dates were skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesMade {
    pub series_id: i32,
    pub made: usize,
    pub skipped: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn mwf(weeks: &str, until: &str) -> RepeatInput {
        RepeatInput {
            days: WeekdayChoice::of(&[Weekday::Mon, Weekday::Wed, Weekday::Fri]),
            weeks: weeks.into(),
            until: until.into(),
            ..Default::default()
        }
    }

    #[test]
    fn twelve_weeks_of_mon_wed_fri_are_thirty_six_dates() {
        let first = date("2027-02-22"); // a Monday
        let repeat = mwf("12", "").validate(first).unwrap();
        let dates = repeat.dates(first);
        assert_eq!(dates.len(), 36);
        assert_eq!(dates[0], first);
        assert_eq!(dates[1], date("2027-02-24"));
        assert_eq!(*dates.last().unwrap(), date("2027-05-14"));
        assert_eq!(repeat.weekday_keys(), "mon,wed,fri");
    }

    #[test]
    fn a_series_starting_midweek_counts_weeks_from_its_first_date() {
        let first = date("2027-02-24"); // a Wednesday
        let dates = mwf("1", "").validate(first).unwrap().dates(first);
        assert_eq!(
            dates,
            [date("2027-02-24"), date("2027-02-26"), date("2027-03-01")]
        );
    }

    #[test]
    fn until_includes_the_last_date() {
        let first = date("2027-02-22");
        let dates = mwf("", "2027-03-01").validate(first).unwrap().dates(first);
        assert_eq!(dates.len(), 4);
        assert_eq!(*dates.last().unwrap(), date("2027-03-01"));
    }

    #[test]
    fn bad_repeats_name_their_field() {
        let first = date("2027-02-22");
        let none = RepeatInput {
            weeks: "4".into(),
            ..Default::default()
        };
        assert!(none.validate(first).unwrap_err().get("weekdays").is_some());
        for weeks in ["0", "53", "x"] {
            let e = mwf(weeks, "").validate(first).unwrap_err();
            assert_eq!(
                e.get("weeks"),
                Some("Enter a number of weeks from 1 to 52.")
            );
        }
        assert!(mwf("", "")
            .validate(first)
            .unwrap_err()
            .get("weeks")
            .is_some());
        assert!(mwf("4", "2027-03-01")
            .validate(first)
            .unwrap_err()
            .get("weeks")
            .is_some());
        assert!(mwf("", "2027-02-21")
            .validate(first)
            .unwrap_err()
            .get("until")
            .is_some());
        assert!(mwf("", "2028-02-22")
            .validate(first)
            .unwrap_err()
            .get("until")
            .is_some());
        let bad_skip = RepeatInput {
            skip: "soon".into(),
            ..mwf("4", "")
        };
        assert!(bad_skip.validate(first).unwrap_err().get("skip").is_some());
        let skip = RepeatInput {
            skip: "2027-02-24, 2027-02-26".into(),
            ..mwf("4", "")
        };
        assert_eq!(skip.validate(first).unwrap().skip.len(), 2);
    }

    #[test]
    fn local_start_keeps_the_wall_clock_across_daylight_saving() {
        let tz = chrono_tz::America::New_York;
        let at = NaiveTime::from_hms_opt(15, 30, 0).unwrap();
        // 2027-03-14: the clocks go forward; 15:30 is 20:30 UTC before and 19:30 after.
        let before = local_start(&tz, date("2027-03-12"), at).unwrap();
        let after = local_start(&tz, date("2027-03-15"), at).unwrap();
        assert_eq!(before.format("%H:%M").to_string(), "20:30");
        assert_eq!(after.format("%H:%M").to_string(), "19:30");
        // 02:30 does not exist that morning; 01:30 on 2027-11-07 exists twice (the earlier).
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        assert_eq!(local_start(&tz, date("2027-03-14"), skipped), None);
        let twice = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        let fall = local_start(&tz, date("2027-11-07"), twice).unwrap();
        assert_eq!(fall.format("%H:%M").to_string(), "05:30");
    }

    #[test]
    fn the_pattern_reads_in_words_and_the_plan_skips_its_conflicts() {
        let at = NaiveTime::from_hms_opt(15, 30, 0).unwrap();
        assert_eq!(
            pattern_label("mon,wed,fri", at),
            "Every Mon, Wed, Fri at 15:30"
        );
        let planned = |d: &str, conflict: Option<&str>| PlannedDate {
            date: date(d),
            when: d.into(),
            conflict: conflict.map(Into::into),
        };
        let plan = SeriesPlan {
            input: AppointmentInput::default(),
            repeat: mwf("1", ""),
            pattern: String::new(),
            dates: vec![
                planned("2027-02-22", None),
                planned("2027-02-24", Some("Time off")),
                planned("2027-02-26", Some("Another appointment")),
            ],
        };
        assert_eq!((plan.free(), plan.conflicts()), (1, 2));
        assert_eq!(
            plan.repeat_skipping_conflicts().skip,
            "2027-02-24,2027-02-26"
        );
    }

    #[test]
    fn scopes_read_from_the_form() {
        for (scope, value, _) in SeriesScope::CHOICES {
            let parsed: SeriesScope = serde_json::from_str(&format!("\"{value}\"")).unwrap();
            assert_eq!(parsed, scope);
        }
    }
}
