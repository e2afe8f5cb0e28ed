//! Appointment reminders: how far ahead a practice reminds, as typed on Organization →
//! Overview, and the words a reminder uses for its time.

use chrono::{DateTime, TimeZone, Utc};

/// The default: the day before.
pub const DEFAULT_HOURS: u32 = 24;
/// The furthest ahead a reminder may go: a week.
pub const MAX_HOURS: u32 = 168;

/// The hours typed on the Overview: a whole number from 0 (no reminders) to [`MAX_HOURS`].
pub fn check_hours(typed: &str) -> Result<u32, String> {
    let message =
        format!("Enter a whole number of hours from 0 to {MAX_HOURS} (0 sends no reminders).");
    match typed.trim().parse::<u32>() {
        Ok(hours) if hours <= MAX_HOURS => Ok(hours),
        _ => Err(message),
    }
}

/// What the Overview says about `hours`.
pub fn describe(hours: u32) -> String {
    match hours {
        0 => "Appointment reminders are off.".into(),
        1 => "Families are reminded 1 hour before each appointment.".into(),
        h => format!("Families are reminded {h} hours before each appointment."),
    }
}

/// A reminder's time: "Tuesday, December 8 at 3:30 PM (EST)" in the practice's zone.
pub fn local_time<Tz: TimeZone>(start: DateTime<Utc>, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    start
        .with_timezone(zone)
        .format("%A, %B %-d at %-I:%M %p (%Z)")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_whole_and_within_a_week() {
        assert_eq!(check_hours(" 24 "), Ok(24));
        assert_eq!(check_hours("0"), Ok(0));
        assert_eq!(check_hours("168"), Ok(168));
        for bad in ["", "-1", "169", "2.5", "a day"] {
            let err = check_hours(bad).unwrap_err();
            assert!(err.contains("0 to 168"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_overview_says_what_the_hours_do() {
        assert_eq!(describe(0), "Appointment reminders are off.");
        assert!(describe(1).contains("1 hour before"));
        assert!(describe(48).contains("48 hours before"));
    }

    #[test]
    fn the_time_reads_in_the_practice_zone_across_a_clock_change() {
        let zone = chrono_tz::America::Chicago;
        // 21:30 UTC is 3:30 PM in Chicago in winter (CST) and 4:30 PM in summer (CDT).
        let winter = Utc.with_ymd_and_hms(2026, 12, 8, 21, 30, 0).unwrap();
        assert_eq!(
            local_time(winter, &zone),
            "Tuesday, December 8 at 3:30 PM (CST)"
        );
        let summer = Utc.with_ymd_and_hms(2026, 7, 7, 21, 30, 0).unwrap();
        assert_eq!(
            local_time(summer, &zone),
            "Tuesday, July 7 at 4:30 PM (CDT)"
        );
    }
}
