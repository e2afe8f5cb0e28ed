//! Keyset paging for the long lists (audit log, clients, Manage Clients, outbox, payments): a page
//! starts after or before one row, never at an offset, so page 500 costs what page 1 costs. Counts
//! stop at [`COUNT_CAP`] and read "1,000+", because counting tens of thousands of rows on every
//! page view is what makes a list slow down with size.

use serde::{Deserialize, Serialize};

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Rows counted at most; beyond it the count reads "1,000+".
pub const COUNT_CAP: u64 = 1_000;

/// Where a page starts: at the top, just after the row with this id (the next page), or just
/// before it (the previous page). Carried in the address as `?after=ID` or `?before=ID`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageAt {
    #[default]
    First,
    After(i64),
    Before(i64),
}

impl PageAt {
    /// Reads `after` / `before` query values; anything unreadable is the first page.
    pub fn from_query(after: Option<&str>, before: Option<&str>) -> PageAt {
        let id = |v: Option<&str>| v.and_then(|v| v.trim().parse::<i64>().ok());
        match (id(after), id(before)) {
            (Some(id), _) => PageAt::After(id),
            (None, Some(id)) => PageAt::Before(id),
            _ => PageAt::First,
        }
    }

    /// The query parameter for this position (`after=12`), empty for the first page.
    pub fn query(&self) -> String {
        match self {
            PageAt::First => String::new(),
            PageAt::After(id) => format!("after={id}"),
            PageAt::Before(id) => format!("before={id}"),
        }
    }
}

/// How many rows match, counted up to [`COUNT_CAP`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub rows: u64,
    /// More than [`COUNT_CAP`] rows match; `rows` is the cap.
    pub capped: bool,
}

impl Count {
    /// A count from up to `COUNT_CAP + 1` counted rows.
    pub fn of(counted: u64) -> Count {
        Count {
            rows: counted.min(COUNT_CAP),
            capped: counted > COUNT_CAP,
        }
    }

    /// "1 client", "1,000+ clients".
    pub fn label(&self, one: &str, many: &str) -> String {
        let n = thousands(self.rows);
        let plus = if self.capped { "+" } else { "" };
        let noun = if self.rows == 1 && !self.capped {
            one
        } else {
            many
        };
        format!("{n}{plus} {noun}")
    }
}

/// The way on from a page: the previous and next pages, if any, and the capped count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    pub previous: Option<PageAt>,
    pub next: Option<PageAt>,
    pub count: Count,
}

/// 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_through_the_address() {
        for at in [PageAt::First, PageAt::After(42), PageAt::Before(7)] {
            let q = at.query();
            let value = |key: &str| {
                q.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(str::to_owned)
            };
            let back = PageAt::from_query(value("after").as_deref(), value("before").as_deref());
            assert_eq!(back, at, "{q}");
        }
    }

    #[test]
    fn unreadable_positions_are_the_first_page() {
        assert_eq!(PageAt::from_query(Some("x"), None), PageAt::First);
        assert_eq!(PageAt::from_query(None, Some("")), PageAt::First);
        assert_eq!(PageAt::from_query(Some("3"), Some("9")), PageAt::After(3));
    }

    #[test]
    fn counts_stop_at_the_cap() {
        assert_eq!(Count::of(0).label("client", "clients"), "0 clients");
        assert_eq!(Count::of(1).label("client", "clients"), "1 client");
        assert_eq!(Count::of(999).label("client", "clients"), "999 clients");
        assert_eq!(Count::of(1_000).label("client", "clients"), "1,000 clients");
        assert_eq!(
            Count::of(1_001).label("client", "clients"),
            "1,000+ clients"
        );
        assert!(Count::of(1_001).capped && !Count::of(1_000).capped);
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
