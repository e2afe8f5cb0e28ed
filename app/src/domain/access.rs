//! What a portal login may do for a client: the contact's scopes, the access grant with its
//! end date, and the abilities that follow from the client's effective settings cut down by
//! those scopes. The server enforces these; the portal shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::settings::{EffectiveSettings, Setting};
use super::validation::FieldErrors;
use super::viewer::ClientRef;

/// What a contact's access to one client covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes {
    pub forms: bool,
    pub payments: bool,
    pub scheduling: bool,
    pub messages: bool,
}

impl Scopes {
    /// A client's own login: everything the settings allow.
    pub const ALL: Scopes = Scopes {
        forms: true,
        payments: true,
        scheduling: true,
        messages: true,
    };

    /// The scopes that are granted, by label, e.g. `["Intake forms", "Payments"]`.
    pub fn labels(self) -> Vec<&'static str> {
        [
            (self.forms, "Intake forms"),
            (self.payments, "Payments"),
            (self.scheduling, "Scheduling"),
            (self.messages, "Messages"),
        ]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
        .collect()
    }
}

/// A contact's portal access to one client, as stored and shown to staff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAccess {
    pub portal_access: bool,
    pub scopes: Scopes,
    /// The last day of access, in the organization's time zone.
    pub ends_on: Option<NaiveDate>,
}

impl ContactAccess {
    /// Whether the grant itself is live on `today` (the organization's date), before settings.
    pub fn is_live(&self, today: NaiveDate) -> bool {
        self.portal_access && self.ends_on.is_none_or(|end| today <= end)
    }
}

/// The access form as sent by the browser; unchecked boxes are absent, hence the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessInput {
    #[serde(default)]
    pub portal_access: bool,
    #[serde(default)]
    pub forms: bool,
    #[serde(default)]
    pub payments: bool,
    #[serde(default)]
    pub scheduling: bool,
    #[serde(default)]
    pub messages: bool,
    /// `YYYY-MM-DD`, or blank for no end date.
    #[serde(default)]
    pub ends_on: String,
}

impl AccessInput {
    /// The form pre-filled with a stored grant.
    pub fn from_access(access: &ContactAccess) -> AccessInput {
        AccessInput {
            portal_access: access.portal_access,
            forms: access.scopes.forms,
            payments: access.scopes.payments,
            scheduling: access.scopes.scheduling,
            messages: access.scopes.messages,
            ends_on: access
                .ends_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }

    /// Checks the end date; the browser calls this as the user types.
    pub fn check_ends_on(value: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| "Enter the end date as YYYY-MM-DD, or leave it blank.".to_string())?;
        if date < today {
            Err("The end date is in the past. Turn portal access off instead.".into())
        } else {
            Ok(Some(date))
        }
    }

    /// Validates the form; the server calls this before saving. `today` is the organization's date.
    pub fn validate(&self, today: NaiveDate) -> Result<ContactAccess, FieldErrors> {
        let scopes = Scopes {
            forms: self.forms,
            payments: self.payments,
            scheduling: self.scheduling,
            messages: self.messages,
        };
        let mut errors = FieldErrors::default();
        let ends_on = match Self::check_ends_on(&self.ends_on, today) {
            Ok(date) => date,
            Err(message) => {
                errors.add("ends_on", message);
                None
            }
        };
        if self.portal_access && scopes == Scopes::default() {
            errors.add(
                "scopes",
                "Choose at least one of intake forms, payments, scheduling or messages.",
            );
        }
        errors.into_result(ContactAccess {
            portal_access: self.portal_access,
            scopes,
            ends_on,
        })
    }
}

/// What a portal login may do for one client right now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalAbilities {
    pub forms: bool,
    pub payments: bool,
    /// View and update insurance (Billing & Insurance Info).
    pub insurance: bool,
    pub add_payers: bool,
    pub messages: bool,
    pub scheduling: bool,
    pub within_24_hours: bool,
    /// See (and cancel) the client's appointments: a client always; a contact with the
    /// scheduling or the payments scope.
    pub appointments: bool,
}

impl PortalAbilities {
    /// The client's effective settings cut down by the login's scopes. Insurance needs the
    /// forms or the payments scope, as the insurance issue defines.
    pub fn new(effective: &EffectiveSettings, scopes: Scopes) -> PortalAbilities {
        let on = |s: Setting| effective.get(s);
        let insurance = on(Setting::InsuranceInfo) && (scopes.forms || scopes.payments);
        let scheduling = on(Setting::SelfScheduling) && scopes.scheduling;
        PortalAbilities {
            forms: scopes.forms,
            payments: on(Setting::Payments) && scopes.payments,
            insurance,
            add_payers: insurance && on(Setting::AddPayers),
            messages: on(Setting::SecureMessaging) && scopes.messages,
            scheduling,
            within_24_hours: scheduling && on(Setting::Within24Hours),
            appointments: scopes.scheduling || scopes.payments,
        }
    }

    /// One sentence per ability, for the portal home.
    pub fn describe(&self) -> Vec<&'static str> {
        let mut list = Vec::new();
        if self.forms {
            list.push("Complete intake forms");
        }
        if self.payments {
            list.push("Pay for appointments by card");
        }
        if self.insurance {
            list.push(if self.add_payers {
                "View and update insurance, including adding a new payer"
            } else {
                "View and update insurance"
            });
        }
        if self.messages {
            list.push("Exchange secure messages with the care team");
        }
        if self.scheduling {
            list.push(if self.within_24_hours {
                "Request and cancel appointments, also within 24 hours"
            } else {
                "Request and cancel appointments (not within 24 hours)"
            });
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settings::{effective, ClientOverrides, OrgSettings};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn access_ends_after_its_last_day() {
        let access = ContactAccess {
            portal_access: true,
            scopes: Scopes::ALL,
            ends_on: Some(today()),
        };
        assert!(access.is_live(today()));
        assert!(!access.is_live(today().succ_opt().unwrap()));
        assert!(!ContactAccess::default().is_live(today()));
    }

    #[test]
    fn the_form_refuses_a_past_end_date_and_a_grant_without_scopes() {
        let errors = AccessInput {
            portal_access: true,
            ends_on: "2026-11-26".into(),
            ..Default::default()
        }
        .validate(today())
        .unwrap_err();
        assert!(errors.get("ends_on").unwrap().contains("past"));
        assert!(errors.get("scopes").is_some());
        let bad_format = AccessInput::check_ends_on("27/11/2026", today());
        assert!(bad_format.unwrap_err().contains("YYYY-MM-DD"));
        let ok = AccessInput {
            portal_access: true,
            messages: true,
            ends_on: " 2026-11-27 ".into(),
            ..Default::default()
        }
        .validate(today())
        .unwrap();
        assert_eq!(ok.ends_on, Some(today()));
        assert_eq!(AccessInput::from_access(&ok).ends_on, "2026-11-27");
    }

    /// Every combination of settings and scopes, against the plain rule: an ability needs its
    /// setting effective and its scope granted.
    #[test]
    fn abilities_are_settings_cut_down_by_scopes() {
        for org_bits in 0u16..(1 << Setting::ALL.len()) {
            let mut org = OrgSettings::default();
            for (i, s) in Setting::ALL.into_iter().enumerate() {
                org.set(s, org_bits & (1 << i) != 0);
            }
            let eff = effective(&org, &ClientOverrides::default(), true);
            for scope_bits in 0u8..16 {
                let scopes = Scopes {
                    forms: scope_bits & 1 != 0,
                    payments: scope_bits & 2 != 0,
                    scheduling: scope_bits & 4 != 0,
                    messages: scope_bits & 8 != 0,
                };
                let a = PortalAbilities::new(&eff, scopes);
                assert_eq!(a.forms, scopes.forms);
                assert_eq!(a.payments, eff.get(Setting::Payments) && scopes.payments);
                assert_eq!(
                    a.messages,
                    eff.get(Setting::SecureMessaging) && scopes.messages
                );
                assert_eq!(
                    a.scheduling,
                    eff.get(Setting::SelfScheduling) && scopes.scheduling
                );
                assert_eq!(
                    a.within_24_hours,
                    a.scheduling && eff.get(Setting::Within24Hours)
                );
                assert_eq!(
                    a.insurance,
                    eff.get(Setting::InsuranceInfo) && (scopes.forms || scopes.payments)
                );
                assert_eq!(a.add_payers, a.insurance && eff.get(Setting::AddPayers));
                assert_eq!(a.appointments, scopes.scheduling || scopes.payments);
                assert_eq!(
                    a.describe().len(),
                    [a.forms, a.payments, a.insurance, a.messages, a.scheduling]
                        .iter()
                        .filter(|b| **b)
                        .count()
                );
            }
        }
    }
}

/// A client's home in the portal, for the signed-in login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalClientHome {
    pub client: ClientRef,
    /// What this login may do for the client: effective settings cut down by its scopes.
    pub abilities: PortalAbilities,
    /// What needs doing for the client (the portal home's to-do cards).
    pub agenda: super::agenda::Agenda,
}
