//! iCalendar (RFC 5545) text for appointments: one event for a download, many for a feed.

use chrono::{DateTime, Utc};

/// One event of a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    pub uid: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub location: Option<String>,
    pub cancelled: bool,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes text as RFC 5545 requires: a line break of any kind becomes `\n`, and every other
/// control character (which a calendar's TEXT may not hold, and which could start a new
/// property in a careless reader) becomes a space; a tab stays.
fn text(value: &str) -> String {
    let value = value.replace("\r\n", "\n");
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (continuation lines start with a space), never inside a
/// UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// A whole calendar named `name` with `events`, stamped at `now`.
pub fn calendar(name: &str, events: &[IcsEvent], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Client Portal//Appointments//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("X-WR-CALNAME:{}", text(name)),
    ] {
        out.push_str(&fold(&line));
    }
    for e in events {
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", text(&e.uid)),
            format!("DTSTAMP:{}", stamp(now)),
            format!("DTSTART:{}", stamp(e.start)),
            format!("DTEND:{}", stamp(e.end)),
            format!("SUMMARY:{}", text(&e.summary)),
        ];
        if let Some(location) = &e.location {
            lines.push(format!("LOCATION:{}", text(location)));
        }
        lines.push(format!(
            "STATUS:{}",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        lines.push("END:VEVENT".into());
        for line in lines {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_event_in_utc_with_escaped_text_and_folded_lines() {
        let start = Utc.with_ymd_and_hms(2030, 1, 7, 14, 0, 0).unwrap();
        let ics = calendar(
            "Bright Path ABA",
            &[IcsEvent {
                uid: "booking-1@client-portal".into(),
                start,
                end: start + chrono::Duration::hours(1),
                summary: "Session, with Taylor; room 2".into(),
                location: Some("125 Harbor Street, Portland, ME 04101 ".repeat(3)),
                cancelled: false,
            }],
            start,
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20300107T140000Z\r\n"));
        assert!(ics.contains("SUMMARY:Session\\, with Taylor\\; room 2\r\n"));
        assert!(ics.lines().all(|l| l.len() <= 75), "{ics}");
        assert!(ics.contains("\r\n "), "a long line is folded");
    }

    #[test]
    fn no_control_character_survives_in_text() {
        let escaped = text("a\rEND:VEVENT\u{0}b\u{1b}[31m\r\nc\u{2028}d\te");
        assert_eq!(escaped, "a\\nEND:VEVENT b [31m\\nc\\nd\te");
        assert!(!escaped.chars().any(|c| c.is_control() && c != '\t'));
    }
}
