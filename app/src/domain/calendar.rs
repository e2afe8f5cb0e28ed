//! The staff calendar: what is asked for (a therapist or all of them, a week, a day or a
//! month, a location) and what is shown, in the organization's time zone.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::schedule::BookingStatus;

/// How much of the calendar is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalendarSpan {
    #[default]
    Week,
    Day,
    Month,
}

impl CalendarSpan {
    /// The span named in the address (`week`, `day` or `month`); a week otherwise.
    pub fn from_key(key: &str) -> CalendarSpan {
        match key {
            "day" => CalendarSpan::Day,
            "month" => CalendarSpan::Month,
            _ => CalendarSpan::Week,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            CalendarSpan::Week => "week",
            CalendarSpan::Day => "day",
            CalendarSpan::Month => "month",
        }
    }

    /// The first and the last date shown around `date`: its week (Monday to Sunday), the day,
    /// or the whole weeks that hold its month.
    pub fn range(self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let monday = |d: NaiveDate| d - Duration::days(d.weekday().num_days_from_monday().into());
        match self {
            CalendarSpan::Day => (date, date),
            CalendarSpan::Week => (monday(date), monday(date) + Duration::days(6)),
            CalendarSpan::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let next = first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(first);
                let last = next - Duration::days(1);
                (monday(first), monday(last) + Duration::days(6))
            }
        }
    }

    /// The date the previous or the next page starts from.
    pub fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let months = chrono::Months::new(1);
        match (self, forward) {
            (CalendarSpan::Day, true) => date + Duration::days(1),
            (CalendarSpan::Day, false) => date - Duration::days(1),
            (CalendarSpan::Week, true) => date + Duration::days(7),
            (CalendarSpan::Week, false) => date - Duration::days(7),
            (CalendarSpan::Month, true) => date.checked_add_months(months).unwrap_or(date),
            (CalendarSpan::Month, false) => date.checked_sub_months(months).unwrap_or(date),
        }
    }
}

/// What the calendar page asks for, from its address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarQuery {
    /// A therapist's id, `all` (administrators: every therapist of one day, side by side), or
    /// blank for oneself.
    #[serde(default)]
    pub staff: String,
    #[serde(default)]
    pub span: CalendarSpan,
    /// Any date in the span, `YYYY-MM-DD`; blank for today.
    #[serde(default)]
    pub date: String,
    /// A location's id, `telehealth`, or blank for every place.
    #[serde(default)]
    pub location: String,
}

/// One appointment or request in the staff calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarItem {
    pub id: i32,
    pub client_id: i32,
    pub client_name: String,
    /// "09:00–10:00".
    pub time: String,
    pub status: BookingStatus,
    pub service: String,
    pub last_minute: bool,
    /// Part of a recurring series.
    pub series: bool,
}

/// One day of the staff calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// "Monday 7 January".
    pub label: String,
    /// In a month's view, a day of the weeks around the month.
    pub outside: bool,
    pub items: Vec<CalendarItem>,
}

/// One therapist's appointments of a day, beside the others'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffColumn {
    pub staff_id: i32,
    pub staff_name: String,
    pub items: Vec<CalendarItem>,
}

/// A span of the calendar: one therapist's days, or every therapist's day side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub span: CalendarSpan,
    /// The day shown, the week's Monday or the month's first day.
    pub anchor: NaiveDate,
    /// The therapist shown; `None` for all of them.
    pub staff_id: Option<i32>,
    /// The therapist's name, or "All therapists".
    pub staff_name: String,
    /// Whom the viewer may look at (administrators: every therapist; others: themselves).
    pub staff_choices: Vec<(i32, String)>,
    /// The practice's locations to filter by, and the filter (see [`CalendarQuery::location`]).
    pub locations: Vec<(i32, String)>,
    pub location: String,
    /// One therapist's days (a week, a day, or the whole weeks of a month).
    pub days: Vec<CalendarDay>,
    /// All therapists: one column each, for the day.
    pub columns: Vec<StaffColumn>,
    pub time_zone: String,
}

impl Calendar {
    /// The page's heading: "Taylor Brooks · week of 3 March 2031", "… · Monday 3 March 2031",
    /// "… · March 2031".
    pub fn heading(&self) -> String {
        let when = match self.span {
            CalendarSpan::Week => format!("week of {}", self.anchor.format("%-d %B %Y")),
            CalendarSpan::Day => self.anchor.format("%A %-d %B %Y").to_string(),
            CalendarSpan::Month => self.anchor.format("%B %Y").to_string(),
        };
        format!("{} · {when}", self.staff_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_month_shows_the_whole_weeks_that_hold_it() {
        // March 2031 starts on a Saturday and ends on a Monday.
        let (first, last) = CalendarSpan::Month.range(date("2031-03-17"));
        assert_eq!((first, last), (date("2031-02-24"), date("2031-04-06")));
        assert_eq!((last - first).num_days() + 1, 42);
        let (first, last) = CalendarSpan::Month.range(date("2027-02-10"));
        assert_eq!((first, last), (date("2027-02-01"), date("2027-02-28")));
    }

    #[test]
    fn weeks_and_days_and_their_steps() {
        assert_eq!(
            CalendarSpan::Week.range(date("2031-03-05")),
            (date("2031-03-03"), date("2031-03-09"))
        );
        assert_eq!(
            CalendarSpan::Day.range(date("2031-03-05")).0,
            date("2031-03-05")
        );
        assert_eq!(
            CalendarSpan::Month.step(date("2031-01-31"), true),
            date("2031-02-28")
        );
        assert_eq!(
            CalendarSpan::Week.step(date("2031-03-03"), false),
            date("2031-02-24")
        );
        for span in [CalendarSpan::Week, CalendarSpan::Day, CalendarSpan::Month] {
            assert_eq!(CalendarSpan::from_key(span.key()), span);
        }
        assert_eq!(CalendarSpan::from_key("year"), CalendarSpan::Week);
    }
}
