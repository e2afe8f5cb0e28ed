//! Scheduling rules: open slots from weekly availability and exceptions, drawn in the
//! organization's time zone (daylight-saving changes included), and the 24-hour rule for
//! requests and cancellations. Pure functions with the clock passed in, so tests fix the time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Requests and cancellations closer than this to the start are "last-minute".
pub const LAST_MINUTE_HOURS: i64 = 24;

/// Recurring weekly hours of a staff member, in the organization's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Whether an exception removes or adds time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExceptionKind {
    TimeOff,
    ExtraHours,
}

impl ExceptionKind {
    pub fn key(self) -> &'static str {
        match self {
            ExceptionKind::TimeOff => "time_off",
            ExceptionKind::ExtraHours => "extra_hours",
        }
    }

    pub fn from_key(key: &str) -> Option<ExceptionKind> {
        [ExceptionKind::TimeOff, ExceptionKind::ExtraHours]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// A one-day change to the weekly hours, in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityException {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub kind: ExceptionKind,
}

/// An open slot, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// An open slot offered in the portal, with whom. Its times are RFC 3339 text, made on the
/// server ([`OpenSlot::new`]): the browser shows `when` and sends [`OpenSlot::key`], and so
/// carries no date parsing or formatting code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSlot {
    pub staff_id: i32,
    pub staff_name: String,
    /// The start in UTC, as [`DateTime::to_rfc3339`] writes it (the time in [`slot_key`]).
    pub start: String,
    /// The end in UTC, the same way.
    pub end: String,
    /// The time in the organization's zone, e.g. "Mon 7 Jan 2030, 09:00–10:00 EST".
    pub when: String,
    /// Within 24 hours: offered only while the 24-hour setting is effective.
    pub last_minute: bool,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    Requested,
    Booked,
    Declined,
    Cancelled,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 4] = [
        BookingStatus::Requested,
        BookingStatus::Booked,
        BookingStatus::Declined,
        BookingStatus::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BookingStatus::Requested => "requested",
            BookingStatus::Booked => "booked",
            BookingStatus::Declined => "declined",
            BookingStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BookingStatus::Requested => "Requested, waiting for the therapist",
            BookingStatus::Booked => "Booked",
            BookingStatus::Declined => "Declined",
            BookingStatus::Cancelled => "Cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// An appointment or request as the portal shows it, times already in the organization's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub id: i32,
    pub staff_name: String,
    pub when: String,
    pub status: BookingStatus,
    pub last_minute: bool,
    pub note: Option<String>,
    pub decision_reason: Option<String>,
    pub upcoming: bool,
    /// Whether this login may cancel it now (active, ahead, and the scheduling scope).
    pub can_cancel: bool,
    /// A booked telehealth appointment.
    pub telehealth: bool,
    /// Its video link, only from [`JOIN_MINUTES_BEFORE`] minutes before the start until the end.
    pub join: Option<String>,
}

/// The portal's Appointments tab for one client: appointments and requests, the open slots
/// (`None` where this login may not request one), and the waitlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentsTab {
    pub list: Vec<AppointmentView>,
    pub open: Option<Vec<OpenSlot>>,
    pub waitlist: crate::domain::waitlist::PortalWaitlist,
}

/// A pending request or a last-minute change, for the therapist's calendar icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i32,
    pub client_name: String,
    pub when: String,
    pub status: BookingStatus,
    pub last_minute: bool,
    pub note: Option<String>,
}

/// The calendar icon: what waits for the therapist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarInbox {
    pub pending: Vec<RequestView>,
    /// Last-minute cancellations of appointments that have not started yet.
    pub last_minute_changes: Vec<RequestView>,
}

impl CalendarInbox {
    /// The number on the calendar icon's badge.
    pub fn badge(&self) -> usize {
        self.pending.len() + self.last_minute_changes.len()
    }
}

/// "Mon 7 Jan 2030, 09:00–10:00 EST": a booking's time in its time zone.
pub fn when_label<Tz: TimeZone>(tz: &Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (s, e) = (start.with_timezone(tz), end.with_timezone(tz));
    format!(
        "{}–{} {}",
        s.format("%a %-d %b %Y, %H:%M"),
        e.format("%H:%M"),
        s.format("%Z")
    )
}

impl OpenSlot {
    /// Staff member `staff_id`'s open slot from `start` to `end`, shown as `when`.
    pub fn new(
        (staff_id, staff_name): (i32, String),
        (start, end): (DateTime<Utc>, DateTime<Utc>),
        when: String,
        last_minute: bool,
    ) -> OpenSlot {
        OpenSlot {
            staff_id,
            staff_name,
            start: start.to_rfc3339(),
            end: end.to_rfc3339(),
            when,
            last_minute,
        }
    }

    /// The value a form sends for this slot: `staff_id@start`, the same as [`slot_key`].
    pub fn key(&self) -> String {
        format!("{}@{}", self.staff_id, self.start)
    }
}

/// The key of staff member `staff_id`'s slot starting at `start` (see [`OpenSlot::key`]).
pub fn slot_key(staff_id: i32, start: DateTime<Utc>) -> String {
    format!("{staff_id}@{}", start.to_rfc3339())
}

/// The staff id and the start of a slot key (see [`OpenSlot::key`]).
pub fn parse_slot_key(key: &str) -> Option<(i32, DateTime<Utc>)> {
    let (staff, start) = key.split_once('@')?;
    let start = DateTime::parse_from_rfc3339(start)
        .ok()?
        .with_timezone(&Utc);
    Some((staff.parse().ok()?, start))
}

/// Minutes before a telehealth appointment's start from which the portal shows "Join".
pub const JOIN_MINUTES_BEFORE: i64 = 15;

/// Whether the portal offers "Join" at `now` for a telehealth appointment from `start` to `end`.
pub fn can_join(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= start - Duration::minutes(JOIN_MINUTES_BEFORE) && now < end
}

/// A telehealth video link as typed: blank for none, else an `https://` address of at most 500
/// characters without spaces.
pub fn video_link(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let host = value.strip_prefix("https://").unwrap_or_default();
    if host.is_empty() || value.len() > 500 || value.chars().any(char::is_whitespace) {
        return Err("Enter the video link as an https:// address.".into());
    }
    Ok(Some(value.to_owned()))
}

/// The new-appointment form on a client's page, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentInput {
    pub staff_id: i32,
    /// A location id, or `telehealth`.
    pub location: String,
    /// `YYYY-MM-DD`, in the organization's time zone.
    pub date: String,
    /// `HH:MM`, in the organization's time zone.
    pub time: String,
    pub duration_minutes: String,
    pub service: String,
    /// Dollars and cents, e.g. `120` or `120.50`; blank for no charge.
    #[serde(default)]
    pub price: String,
    /// Telehealth only: this appointment's video link; blank for the therapist's own.
    #[serde(default)]
    pub video_link: String,
}

/// An appointment form that passed validation (local date and time; the server places them
/// in the organization's time zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAppointment {
    pub staff_id: i32,
    /// `None` for telehealth.
    pub location_id: Option<i32>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub duration_minutes: i64,
    pub service: String,
    pub price_cents: Option<i32>,
    pub video_link: Option<String>,
}

/// A price in dollars and cents as typed, in cents; blank is no charge.
pub fn parse_price(value: &str) -> Result<Option<i32>, String> {
    let value = value.trim().trim_start_matches('$');
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || "Enter the price in dollars, like 120 or 120.50.".to_string();
    let (dollars, cents) = match value.split_once('.') {
        Some((d, c)) if c.len() <= 2 && c.chars().all(|ch| ch.is_ascii_digit()) => {
            (d, format!("{c:0<2}").parse::<i64>().map_err(|_| bad())?)
        }
        Some(_) => return Err(bad()),
        None => (value, 0),
    };
    let dollars: i64 = dollars.parse().map_err(|_| bad())?;
    let total = dollars * 100 + cents;
    if !(0..=10_000_000).contains(&total) {
        return Err("Enter a price between $0 and $100,000.".into());
    }
    Ok(Some(total as i32))
}

impl AppointmentInput {
    /// Checks every field; the browser shows the same messages.
    pub fn validate(&self) -> Result<ValidAppointment, super::validation::FieldErrors> {
        let mut errors = super::validation::FieldErrors::default();
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d");
        if date.is_err() {
            errors.add("date", "Enter the date as YYYY-MM-DD.");
        }
        let time = NaiveTime::parse_from_str(self.time.trim(), "%H:%M");
        if time.is_err() {
            errors.add("time", "Enter the time as HH:MM.");
        }
        let duration = self
            .duration_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (15..=480).contains(m));
        if duration.is_none() {
            errors.add(
                "duration_minutes",
                "Choose a duration from 15 minutes to 8 hours.",
            );
        }
        errors.check(
            "service",
            super::validation::required_text(&self.service, "Service"),
        );
        let price = parse_price(&self.price);
        if let Err(message) = &price {
            errors.add("price", message.clone());
        }
        let location_id = match self.location.as_str() {
            "telehealth" => None,
            other => match other.parse::<i32>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("location", "Choose a location or telehealth.");
                    None
                }
            },
        };
        let video = video_link(&self.video_link);
        match (&video, location_id) {
            (Err(message), _) => errors.add("video_link", message.clone()),
            (Ok(Some(_)), Some(_)) => errors.add(
                "video_link",
                "A video link is only for telehealth appointments.",
            ),
            _ => {}
        }
        errors.into_result(ValidAppointment {
            staff_id: self.staff_id,
            location_id,
            date: date.unwrap_or_default(),
            time: time.unwrap_or_default(),
            duration_minutes: duration.unwrap_or(60),
            service: self.service.trim().to_owned(),
            price_cents: price.ok().flatten(),
            video_link: video.ok().flatten(),
        })
    }
}

/// Longest note on a request.
pub const MAX_NOTE: usize = 1_000;

/// Checks the optional note of a request.
pub fn check_note(note: &str) -> Result<(), String> {
    if note.chars().count() > MAX_NOTE {
        Err(format!("Keep the note to {MAX_NOTE} characters."))
    } else {
        Ok(())
    }
}

fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The local time `date` + `time` in `tz`: the earlier instant when the clock falls back,
/// `None` when it does not exist because the clock springs forward.
fn instant<Tz: TimeZone>(tz: &Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The open slots of `slot_minutes` over `days` local days starting with the local day of
/// `now`: weekly hours plus extra hours, less time off and `busy` times (appointments and
/// pending requests), and only slots that start after `now`. Sorted by start.
pub fn open_slots<Tz: TimeZone>(
    tz: &Tz,
    hours: &[WeeklyHours],
    exceptions: &[AvailabilityException],
    slot_minutes: i64,
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
    days: u32,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    if slot_minutes <= 0 {
        return slots;
    }
    let first_day = now.with_timezone(tz).date_naive();
    for date in first_day.iter_days().take(days as usize) {
        let weekly = hours
            .iter()
            .filter(|h| h.weekday == date.weekday())
            .map(|h| (h.start, h.end));
        let extra = exceptions
            .iter()
            .filter(|e| e.date == date && e.kind == ExceptionKind::ExtraHours)
            .map(|e| (e.start, e.end));
        // Only what touches this local day is compared with its slots.
        let day = (
            instant(tz, date, NaiveTime::MIN).unwrap_or(now) - Duration::hours(1),
            instant(tz, date + Duration::days(1), NaiveTime::MIN).unwrap_or(now)
                + Duration::hours(1),
        );
        let busy_today: Vec<(DateTime<Utc>, DateTime<Utc>)> =
            busy.iter().copied().filter(|b| overlaps(*b, day)).collect();
        let time_off: Vec<(DateTime<Utc>, DateTime<Utc>)> = exceptions
            .iter()
            .filter(|e| e.date == date && e.kind == ExceptionKind::TimeOff)
            .filter_map(|e| Some((instant(tz, date, e.start)?, instant(tz, date, e.end)?)))
            .collect();
        for (start, end) in weekly.chain(extra) {
            let mut local = start;
            while let Some(next) = local
                .overflowing_add_signed(Duration::minutes(slot_minutes))
                .0
                .into()
            {
                if next > end || next <= local {
                    break;
                }
                if let Some(begin) = instant(tz, date, local) {
                    let slot = (begin, begin + Duration::minutes(slot_minutes));
                    let free = !time_off
                        .iter()
                        .chain(&busy_today)
                        .any(|b| overlaps(slot, *b));
                    if slot.0 > now && free {
                        slots.push(Slot {
                            start: slot.0,
                            end: slot.1,
                        });
                    }
                }
                local = next;
            }
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

/// Whether something starting at `start` is within the last-minute window at `now`.
pub fn is_last_minute(start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    start - now < Duration::hours(LAST_MINUTE_HOURS)
}

/// Checks a slot request at `now`; `within_24_hours` is whether **Allow Clients to
/// Schedule/Cancel an Appointment within 24 hours** is effective. Returns whether the request
/// is last-minute.
pub fn check_request(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    within_24_hours: bool,
) -> Result<bool, String> {
    if start <= now {
        return Err("This time has already passed. Choose another slot.".into());
    }
    let last_minute = is_last_minute(start, now);
    if last_minute && !within_24_hours {
        Err("Appointments that start within 24 hours cannot be requested in the portal. Please call the practice.".into())
    } else {
        Ok(last_minute)
    }
}

/// Checks a client's cancellation at `now`, with the same setting. Returns whether it is
/// last-minute.
pub fn check_cancel(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    within_24_hours: bool,
) -> Result<bool, String> {
    if start <= now {
        return Err("This appointment has already started and can no longer be cancelled.".into());
    }
    let last_minute = is_last_minute(start, now);
    if last_minute && !within_24_hours {
        Err("Appointments that start within 24 hours cannot be cancelled in the portal. Please call the practice.".into())
    } else {
        Ok(last_minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use chrono_tz::America::New_York;

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn weekdays_9_to_5() -> Vec<WeeklyHours> {
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .map(|weekday| WeeklyHours {
            weekday,
            start: t(9),
            end: t(17),
        })
        .collect()
    }

    /// A fixed clock: 2026-11-27 08:00 in New York.
    fn now() -> DateTime<Utc> {
        New_York
            .with_ymd_and_hms(2026, 11, 27, 8, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn weekday_hours_give_eight_hourly_slots_a_day_in_local_time() {
        let slots = open_slots(&New_York, &weekdays_9_to_5(), &[], 60, &[], now(), 7);
        // Friday the 27th (from 9:00), Monday to Thursday: 5 days of 8 slots.
        assert_eq!(slots.len(), 40);
        let first = slots[0].start.with_timezone(&New_York);
        assert_eq!((first.day(), first.hour()), (27, 9));
        assert!(slots
            .iter()
            .all(|s| (9..17).contains(&s.start.with_timezone(&New_York).hour())));
    }

    #[test]
    fn daylight_saving_changes_keep_local_hours() {
        // The week of 2026-11-01 (clocks fall back) and of 2026-03-08 (clocks spring forward).
        for (y, m, d) in [(2026, 10, 30), (2026, 3, 6)] {
            let friday = New_York
                .with_ymd_and_hms(y, m, d, 18, 0, 0)
                .unwrap()
                .with_timezone(&Utc);
            let slots = open_slots(&New_York, &weekdays_9_to_5(), &[], 60, &[], friday, 4);
            let monday: Vec<_> = slots
                .iter()
                .map(|s| s.start.with_timezone(&New_York))
                .collect();
            assert_eq!(monday.len(), 8, "{y}-{m}");
            assert_eq!(monday[0].hour(), 9);
            assert_eq!(monday[7].hour(), 16);
            // The UTC offset differs from the Friday before: the local hour is what stays.
            let offset_before = friday.with_timezone(&New_York).offset().to_string();
            assert_ne!(monday[0].offset().to_string(), offset_before);
        }
    }

    #[test]
    fn a_slot_in_the_spring_forward_gap_does_not_exist() {
        let sunday = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let extra = AvailabilityException {
            date: sunday,
            start: t(1),
            end: t(4),
            kind: ExceptionKind::ExtraHours,
        };
        let from = New_York
            .with_ymd_and_hms(2026, 3, 7, 12, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let slots = open_slots(&New_York, &[], &[extra], 60, &[], from, 3);
        let hours: Vec<u32> = slots
            .iter()
            .map(|s| s.start.with_timezone(&New_York).hour())
            .collect();
        assert_eq!(hours, vec![1, 3], "2:00 does not exist that night");
    }

    #[test]
    fn time_off_and_busy_times_remove_slots_and_extra_hours_add_them() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let exceptions = [
            AvailabilityException {
                date: monday,
                start: t(12),
                end: t(14),
                kind: ExceptionKind::TimeOff,
            },
            AvailabilityException {
                date: saturday,
                start: t(10),
                end: t(12),
                kind: ExceptionKind::ExtraHours,
            },
        ];
        let booked = New_York
            .with_ymd_and_hms(2026, 11, 30, 9, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        let busy = [(booked, booked + Duration::minutes(30))];
        let slots = open_slots(
            &New_York,
            &weekdays_9_to_5(),
            &exceptions,
            60,
            &busy,
            now(),
            4,
        );
        let local: Vec<(u32, u32)> = slots
            .iter()
            .map(|s| s.start.with_timezone(&New_York))
            .map(|s| (s.day(), s.hour()))
            .collect();
        assert!(
            local.contains(&(28, 10)) && local.contains(&(28, 11)),
            "Saturday extra hours"
        );
        for gone in [(30, 9), (30, 12), (30, 13)] {
            assert!(!local.contains(&gone), "{gone:?} is not open");
        }
        assert!(local.contains(&(30, 10)) && local.contains(&(30, 14)));
    }

    #[test]
    fn prices_and_the_appointment_form() {
        assert_eq!(parse_price(""), Ok(None));
        assert_eq!(parse_price("$120"), Ok(Some(12_000)));
        assert_eq!(parse_price("120.5"), Ok(Some(12_050)));
        assert!(
            parse_price("12.345").is_err()
                && parse_price("-1").is_err()
                && parse_price("ten").is_err()
        );
        let errors = AppointmentInput {
            location: "x".into(),
            date: "7/1/2030".into(),
            time: "9am".into(),
            duration_minutes: "5".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        for field in ["location", "date", "time", "duration_minutes", "service"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = AppointmentInput {
            staff_id: 2,
            location: "telehealth".into(),
            date: "2030-01-07".into(),
            time: "09:30".into(),
            duration_minutes: "60".into(),
            service: "ABA therapy session".into(),
            price: "120".into(),
            video_link: "https://meet.example.org/taylor".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(
            ok.video_link.as_deref(),
            Some("https://meet.example.org/taylor")
        );
        let at_a_place = AppointmentInput {
            location: "3".into(),
            video_link: "https://meet.example.org/taylor".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(at_a_place.get("video_link").is_some());
        assert_eq!(
            (ok.location_id, ok.price_cents, ok.duration_minutes),
            (None, Some(12_000), 60)
        );
    }

    #[test]
    fn slot_keys_round_trip() {
        let slot = OpenSlot::new((2, "T".into()), (now(), now()), String::new(), false);
        assert_eq!(slot.key(), slot_key(2, now()));
        assert_eq!(parse_slot_key(&slot.key()), Some((2, now())));
        assert_eq!(parse_slot_key("2@yesterday"), None);
    }

    #[test]
    fn the_24_hour_rule() {
        let in_hours = |h: i64| now() + Duration::hours(h);
        assert_eq!(check_request(in_hours(25), now(), false), Ok(false));
        assert!(check_request(in_hours(23), now(), false)
            .unwrap_err()
            .contains("within 24 hours"));
        assert_eq!(check_request(in_hours(23), now(), true), Ok(true));
        assert!(check_request(in_hours(-1), now(), true).is_err());
        assert_eq!(check_cancel(in_hours(48), now(), false), Ok(false));
        assert!(check_cancel(in_hours(2), now(), false)
            .unwrap_err()
            .contains("cancelled"));
        assert_eq!(check_cancel(in_hours(2), now(), true), Ok(true));
        assert!(is_last_minute(
            now() + Duration::hours(24) - Duration::seconds(1),
            now()
        ));
        assert!(!is_last_minute(now() + Duration::hours(24), now()));
    }

    #[test]
    fn the_join_button_opens_fifteen_minutes_ahead_and_links_are_https() {
        let start = Utc.with_ymd_and_hms(2031, 3, 3, 15, 0, 0).unwrap();
        let end = start + Duration::hours(1);
        assert!(!can_join(start, end, start - Duration::minutes(16)));
        assert!(can_join(start, end, start - Duration::minutes(15)));
        assert!(can_join(start, end, start + Duration::minutes(59)));
        assert!(!can_join(start, end, end));
        assert_eq!(video_link(" "), Ok(None));
        assert_eq!(
            video_link(" https://meet.example.org/abc ")
                .unwrap()
                .as_deref(),
            Some("https://meet.example.org/abc")
        );
        for bad in [
            "http://meet.example.org",
            "https://",
            "meet.example.org",
            "https://a b",
        ] {
            assert!(video_link(bad).is_err(), "{bad}");
        }
    }
}
