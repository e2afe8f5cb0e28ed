//! The administrators' audit log: its filters (client, person, kind of action, date range), the
//! kinds of action, readable action names, the rows and pages the browser gets, and the cells of
//! the CSV export. The filter is checked by these rules in the page and again on the server.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::paging::{encode, Paging};
use crate::domain::settings::Setting;
use crate::domain::validation::FieldErrors;

/// What the audit log is narrowed to, as typed in the page's filter form and carried in its
/// address (`?client=3&person=staff:2&kind=views&from=2026-11-01&to=2026-12-01`). Blank fields
/// do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub client: Option<i32>,
    /// A stored actor reference (`staff:2`, `portal:7`), `system`, `stripe` or `anonymous`.
    #[serde(default)]
    pub person: String,
    /// An [`ActionKind`] key.
    #[serde(default)]
    pub kind: String,
    /// First day, `YYYY-MM-DD` in the practice's time zone.
    #[serde(default)]
    pub from: String,
    /// Last day (included), `YYYY-MM-DD` in the practice's time zone.
    #[serde(default)]
    pub to: String,
}

/// A filter that passed [`AuditFilter::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedFilter {
    pub client: Option<i32>,
    pub person: Option<String>,
    pub kind: Option<ActionKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// Reads the filter from an address's query values.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> AuditFilter {
        let text = |key: &str| get(key).map(|v| v.trim().to_owned()).unwrap_or_default();
        AuditFilter {
            client: get("client").and_then(|c| c.trim().parse().ok()),
            person: text("person"),
            kind: text("kind"),
            from: text("from"),
            to: text("to"),
        }
    }

    /// The filter as query parameters (`client=3&kind=views`), empty when nothing narrows.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(client) = self.client {
            parts.push(format!("client={client}"));
        }
        for (key, value) in [
            ("person", &self.person),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        parts.join("&")
    }

    /// Checks every field; each wrong one gets its own message.
    pub fn check(&self) -> Result<CheckedFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let person = match self.person.as_str() {
            "" => None,
            p if is_person_ref(p) => Some(p.to_owned()),
            _ => {
                errors.add("person", "Choose a person from the list.");
                None
            }
        };
        let kind = match self.kind.as_str() {
            "" => None,
            k => {
                let found = ActionKind::from_key(k);
                if found.is_none() {
                    errors.add("kind", "Choose a kind of action from the list.");
                }
                found
            }
        };
        let mut date = |field: &str, value: &str| match value {
            "" => None,
            v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(field, "Enter a date as YYYY-MM-DD.");
                    None
                }
            },
        };
        let (from, to) = (date("from", &self.from), date("to", &self.to));
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.add("to", "The last day is before the first day.");
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedFilter {
            client: self.client,
            person,
            kind,
            from,
            to,
        })
    }
}

/// `staff:12`, `portal:3`, `system`, `stripe` or `anonymous`: the actors a person filter may
/// name.
fn is_person_ref(value: &str) -> bool {
    matches!(value, "system" | "stripe" | "anonymous")
        || value.split_once(':').is_some_and(|(kind, id)| {
            matches!(kind, "staff" | "portal")
                && !id.is_empty()
                && id.len() <= 9
                && id.bytes().all(|b| b.is_ascii_digit())
        })
}

/// How an action is matched to a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionMatch {
    Exact(&'static str),
    Prefix(&'static str),
    Suffix(&'static str),
}

impl ActionMatch {
    pub fn matches(self, action: &str) -> bool {
        match self {
            ActionMatch::Exact(a) => action == a,
            ActionMatch::Prefix(p) => action.starts_with(p),
            ActionMatch::Suffix(s) => action.ends_with(s),
        }
    }
}

/// The kinds of action the log can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionKind {
    SignIns,
    Views,
    Denials,
    Appointments,
    Clients,
    Insurance,
    Payments,
    Forms,
    Messages,
    Settings,
    Staff,
}

impl ActionKind {
    pub const ALL: [ActionKind; 11] = [
        ActionKind::SignIns,
        ActionKind::Views,
        ActionKind::Denials,
        ActionKind::Appointments,
        ActionKind::Clients,
        ActionKind::Insurance,
        ActionKind::Payments,
        ActionKind::Forms,
        ActionKind::Messages,
        ActionKind::Settings,
        ActionKind::Staff,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ActionKind::SignIns => "sign_ins",
            ActionKind::Views => "views",
            ActionKind::Denials => "denials",
            ActionKind::Appointments => "appointments",
            ActionKind::Clients => "clients",
            ActionKind::Insurance => "insurance",
            ActionKind::Payments => "payments",
            ActionKind::Forms => "forms",
            ActionKind::Messages => "messages",
            ActionKind::Settings => "settings",
            ActionKind::Staff => "staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::SignIns => "Sign-ins, sign-outs and passwords",
            ActionKind::Views => "Views of a client's record",
            ActionKind::Denials => "Denied requests",
            ActionKind::Appointments => "Appointments, availability and waitlist",
            ActionKind::Clients => "Clients, contacts and portal access",
            ActionKind::Insurance => "Insurance and payers",
            ActionKind::Payments => "Payments and refunds",
            ActionKind::Forms => "Forms",
            ActionKind::Messages => "Messages",
            ActionKind::Settings => "Settings and the organization",
            ActionKind::Staff => "Staff accounts",
        }
    }

    pub fn from_key(key: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The actions of this kind.
    pub fn matchers(self) -> &'static [ActionMatch] {
        use ActionMatch::{Exact, Prefix, Suffix};
        match self {
            ActionKind::SignIns => &[
                Prefix("sign_in"),
                Prefix("sign_out"),
                Prefix("session."),
                Prefix("password."),
                Prefix("two_step."),
            ],
            ActionKind::Views => &[Suffix(".viewed"), Exact("form.submission_opened")],
            ActionKind::Denials => &[Exact("access.denied")],
            ActionKind::Appointments => &[
                Prefix("appointment."),
                Prefix("availability."),
                Prefix("calendar."),
                Prefix("waitlist."),
            ],
            ActionKind::Clients => &[Prefix("client."), Prefix("contact."), Prefix("portal.")],
            ActionKind::Insurance => &[Prefix("insurance."), Prefix("payer.")],
            ActionKind::Payments => &[Prefix("payment"), Prefix("refund.")],
            ActionKind::Forms => &[Prefix("form."), Prefix("form_template.")],
            ActionKind::Messages => &[Prefix("message.")],
            ActionKind::Settings => &[
                Prefix("setting."),
                Prefix("organization."),
                Prefix("location."),
            ],
            ActionKind::Staff => &[Prefix("staff.")],
        }
    }

    pub fn matches(self, action: &str) -> bool {
        self.matchers().iter().any(|m| m.matches(action))
    }
}

/// A readable action: "Display Insurance Info (for a client)", "Sign in: rate limited",
/// "Appointment: series created".
pub fn action_label(action: &str) -> String {
    let setting = |key: &str| {
        Setting::from_key(key)
            .map(Setting::name)
            .unwrap_or("Unknown setting")
    };
    if let Some(key) = action.strip_prefix("setting.organization.") {
        return format!("{} (organization-wide)", setting(key));
    }
    if let Some(key) = action.strip_prefix("setting.client.") {
        return format!("{} (for a client)", setting(key));
    }
    if action == "access.denied" {
        return "Request denied".to_owned();
    }
    let words = |s: &str| s.replace(['_', '.'], " ");
    let (area, rest) = action.split_once('.').unwrap_or((action, ""));
    let mut area = words(area);
    if let Some(first) = area.get(0..1) {
        area.replace_range(0..1, &first.to_uppercase());
    }
    if rest.is_empty() {
        area
    } else {
        format!("{area}: {}", words(rest))
    }
}

/// One audit-log row for administrators, with names resolved when shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// In the practice's time zone: "Thu 3 Dec 2026, 14:05:09 EST".
    pub at: String,
    /// In UTC, RFC 3339 to the second (for `<time datetime>` and sorting).
    pub at_utc: String,
    /// "Taylor Brooks, therapist"; "Alex Lee, contact of Jordan Lee".
    pub actor: String,
    /// The stored actor (`staff:3`), to filter by this person.
    pub actor_ref: String,
    /// The stored action (`insurance.viewed`).
    pub action: String,
    /// "Insurance: viewed".
    pub action_label: String,
    /// "Jordan Lee's insurance policy, Aetna".
    pub object: String,
    /// The client the object belongs to, to filter by this client.
    pub client_id: Option<i32>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A person the log can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChoice {
    /// `staff:3`.
    pub reference: String,
    /// "Taylor Brooks, therapist".
    pub label: String,
}

/// One page of the audit log, with what its filter form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub paging: Paging,
    /// The staff members, then the person filtered by if not one of them.
    pub people: Vec<PersonChoice>,
    /// The name of the client filtered by.
    pub client_name: Option<String>,
}

/// The CSV export's header line.
pub const CSV_HEADER: [&str; 12] = [
    "id",
    "at_utc",
    "at_local",
    "actor",
    "actor_ref",
    "action",
    "action_label",
    "object",
    "object_ref",
    "old_value",
    "new_value",
    "ip",
];

/// One CSV line (RFC 4180, CRLF): cells with a comma, quote or line break are quoted, and a
/// cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) starts with `'`.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| {
            let cell = cell.as_ref();
            let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{cell}")
            } else {
                cell.to_owned()
            };
            if cell.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", cell.replace('"', "\"\""))
            } else {
                cell
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_round_trips_through_its_address() {
        let filter = AuditFilter {
            client: Some(3),
            person: "staff:2".into(),
            kind: "views".into(),
            from: "2026-11-01".into(),
            to: "2026-12-01".into(),
        };
        assert_eq!(
            filter.query(),
            "client=3&person=staff%3A2&kind=views&from=2026-11-01&to=2026-12-01"
        );
        let read = AuditFilter::from_query(|k| {
            [
                ("client", "3"),
                ("person", "staff:2"),
                ("kind", "views"),
                ("from", "2026-11-01"),
                ("to", "2026-12-01"),
            ]
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
        });
        assert_eq!(read, filter);
        assert_eq!(AuditFilter::default().query(), "");
    }

    #[test]
    fn a_filter_names_each_wrong_field() {
        let wrong = AuditFilter {
            client: None,
            person: "staff:x".into(),
            kind: "everything".into(),
            from: "1 Nov".into(),
            to: "2026-12-01".into(),
        };
        let errors = wrong.check().unwrap_err();
        assert_eq!(errors.get("person"), Some("Choose a person from the list."));
        assert_eq!(
            errors.get("kind"),
            Some("Choose a kind of action from the list.")
        );
        assert_eq!(errors.get("from"), Some("Enter a date as YYYY-MM-DD."));
        let backwards = AuditFilter {
            from: "2026-12-02".into(),
            to: "2026-12-01".into(),
            ..AuditFilter::default()
        };
        assert_eq!(
            backwards.check().unwrap_err().get("to"),
            Some("The last day is before the first day.")
        );
        let good = AuditFilter {
            person: "portal:7".into(),
            kind: "sign_ins".into(),
            ..AuditFilter::default()
        }
        .check()
        .unwrap();
        assert_eq!(good.person.as_deref(), Some("portal:7"));
        assert_eq!(good.kind, Some(ActionKind::SignIns));
        for actor in ["system", "stripe", "anonymous"] {
            let filter = AuditFilter {
                person: actor.into(),
                ..AuditFilter::default()
            };
            assert_eq!(filter.check().unwrap().person.as_deref(), Some(actor));
        }
    }

    #[test]
    fn kinds_take_in_their_actions_and_not_others() {
        let cases = [
            ("sign_in", ActionKind::SignIns),
            ("sign_in.rate_limited", ActionKind::SignIns),
            ("sign_out.idle", ActionKind::SignIns),
            ("insurance.viewed", ActionKind::Views),
            ("form.submission_opened", ActionKind::Views),
            ("access.denied", ActionKind::Denials),
            ("appointment.series_created", ActionKind::Appointments),
            ("waitlist.offered", ActionKind::Appointments),
            ("contact.access_granted", ActionKind::Clients),
            ("insurance.policy.updated", ActionKind::Insurance),
            ("payment_intent.succeeded", ActionKind::Payments),
            ("form_template.new_version", ActionKind::Forms),
            ("message.sent", ActionKind::Messages),
            ("setting.client.insurance_info", ActionKind::Settings),
            ("staff.deactivated", ActionKind::Staff),
        ];
        for (action, kind) in cases {
            assert!(kind.matches(action), "{action} is {kind:?}");
        }
        assert!(!ActionKind::Views.matches("insurance.policy.updated"));
        assert!(!ActionKind::Denials.matches("sign_in.failed"));
        assert!(!ActionKind::Messages.matches("messages.viewed"));
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::from_key(kind.key()), Some(kind));
        }
    }

    #[test]
    fn actions_read_as_words() {
        assert_eq!(
            action_label("setting.client.insurance_info"),
            "Display Insurance Info (for a client)"
        );
        assert_eq!(action_label("sign_in"), "Sign in");
        assert_eq!(
            action_label("sign_in.rate_limited"),
            "Sign in: rate limited"
        );
        assert_eq!(
            action_label("insurance.policy.updated"),
            "Insurance: policy updated"
        );
        assert_eq!(action_label("access.denied"), "Request denied");
    }

    #[test]
    fn csv_cells_are_quoted_and_never_run_as_formulas() {
        assert_eq!(csv_line(&["a", "b c"]), "a,b c\r\n");
        assert_eq!(
            csv_line(&["Lee, Jordan", "said \"hi\"", "two\nlines"]),
            "\"Lee, Jordan\",\"said \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
        assert_eq!(
            csv_line(&["=HYPERLINK(\"x\")", "-5", "@sum", "+1"]),
            "\"'=HYPERLINK(\"\"x\"\")\",'-5,'@sum,'+1\r\n"
        );
        assert_eq!(csv_line(&CSV_HEADER).split(',').count(), 12);
    }
}
