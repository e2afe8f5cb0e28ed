//! Client Portal Settings: the organization-wide switches, the per-client turn-offs, and the one
//! rule that decides what is effective for a client. Pure code, shared by the browser (disabled
//! switches and their reasons) and the server (authoritative checks).

use serde::{Deserialize, Serialize};

/// One Client Portal setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Setting {
    Payments,
    InsuranceInfo,
    SecureMessaging,
    SelfScheduling,
    Within24Hours,
    AddPayers,
    ContactAccess,
    HideLocationAddress,
}

impl Setting {
    /// Every setting, in the order the settings page shows them.
    pub const ALL: [Setting; 8] = [
        Setting::Payments,
        Setting::InsuranceInfo,
        Setting::SecureMessaging,
        Setting::SelfScheduling,
        Setting::Within24Hours,
        Setting::AddPayers,
        Setting::ContactAccess,
        Setting::HideLocationAddress,
    ];

    /// The stable key stored in the database and sent by forms.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Payments => "payments",
            Setting::InsuranceInfo => "insurance_info",
            Setting::SecureMessaging => "secure_messaging",
            Setting::SelfScheduling => "self_scheduling",
            Setting::Within24Hours => "within_24_hours",
            Setting::AddPayers => "add_payers",
            Setting::ContactAccess => "contact_access",
            Setting::HideLocationAddress => "hide_location_address",
        }
    }

    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The setting's name, exactly as in the product specification (the switch's accessible name).
    pub fn name(self) -> &'static str {
        match self {
            Setting::Payments => "Allow Payments through Client Portal",
            Setting::InsuranceInfo => "Display Insurance Info",
            Setting::SecureMessaging => "Allow Secure Messaging through Client Portal",
            Setting::SelfScheduling => "Allow Clients Self-Scheduling through Client Portal",
            Setting::Within24Hours => {
                "Allow Clients to Schedule/Cancel an Appointment within 24 hours"
            }
            Setting::AddPayers => "Allow Clients to Add New Insurance Payers",
            Setting::ContactAccess => "Allow Client Portal Access for Client Contacts",
            Setting::HideLocationAddress => "Hide Location Address on Intake Forms",
        }
    }

    /// What the setting does, for the settings page.
    pub fn definition(self) -> &'static str {
        match self {
            Setting::Payments => "Clients pay for their appointments by card in the portal.",
            Setting::InsuranceInfo => {
                "Clients add, view and update their insurance in a Billing & Insurance Info tab. When off, only staff manage insurance."
            }
            Setting::SecureMessaging => {
                "Therapists exchange secure messages with their assigned clients, who read and reply in the portal."
            }
            Setting::SelfScheduling => {
                "Clients request appointments with their assigned staff, who accept or decline each request."
            }
            Setting::Within24Hours => {
                "Clients may request or cancel appointments that start within the next 24 hours; such requests still need acceptance."
            }
            Setting::AddPayers => {
                "A client whose insurance payer is not listed may add it; staff can review payers added by clients."
            }
            Setting::ContactAccess => {
                "Parents, guardians and others responsible for a client get their own portal login to complete forms, pay and schedule for the client."
            }
            Setting::HideLocationAddress => {
                "Intake forms show the location's name but not its address (for practitioners who work from home)."
            }
        }
    }

    /// The setting this one depends on, if any (a sub-setting is only meaningful while its parent is on).
    pub fn parent(self) -> Option<Setting> {
        match self {
            Setting::Within24Hours => Some(Setting::SelfScheduling),
            Setting::AddPayers => Some(Setting::InsuranceInfo),
            _ => None,
        }
    }

    /// Whether this setting needs the organization's credit-card processing.
    pub fn needs_card_processing(self) -> bool {
        self == Setting::Payments
    }

    fn index(self) -> usize {
        Setting::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every setting is in ALL")
    }
}

/// A value per setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SettingSet([bool; 8]);

impl SettingSet {
    pub fn get(&self, setting: Setting) -> bool {
        self.0[setting.index()]
    }

    pub fn set(&mut self, setting: Setting, value: bool) {
        self.0[setting.index()] = value;
    }

    pub fn with(mut self, setting: Setting, value: bool) -> Self {
        self.set(setting, value);
        self
    }

    /// Where a new organization starts (and the demo organization, SPEC §5): everything on except
    /// payments (which also needs card processing), the 24-hour rule and hiding the location address.
    pub fn starting_point() -> Self {
        let mut set = SettingSet([true; 8]);
        for off in [
            Setting::Payments,
            Setting::Within24Hours,
            Setting::HideLocationAddress,
        ] {
            set.set(off, false);
        }
        set
    }

    /// The settings that are on.
    pub fn on(&self) -> impl Iterator<Item = Setting> + '_ {
        Setting::ALL.into_iter().filter(|s| self.get(*s))
    }
}

/// The organization's stored switches (a sub-setting keeps its value while its parent is off).
pub type OrgSettings = SettingSet;

/// The settings an administrator turned off for one client (`true` = turned off).
pub type ClientOverrides = SettingSet;

/// What is in force for one client.
pub type EffectiveSettings = SettingSet;

/// The one rule: a setting is effective for a client when it is on for the organization, not
/// turned off for the client, and everything it depends on (its parent setting, card
/// processing for payments) is effective too.
pub fn effective(
    org: &OrgSettings,
    client_off: &ClientOverrides,
    card_processing: bool,
) -> EffectiveSettings {
    let mut result = SettingSet::default();
    for setting in Setting::ALL {
        result.set(
            setting,
            is_effective(setting, org, client_off, card_processing),
        );
    }
    result
}

fn is_effective(
    setting: Setting,
    org: &OrgSettings,
    client_off: &ClientOverrides,
    card: bool,
) -> bool {
    org.get(setting)
        && !client_off.get(setting)
        && (!setting.needs_card_processing() || card)
        && setting
            .parent()
            .is_none_or(|parent| is_effective(parent, org, client_off, card))
}

/// Why the organization switch for `setting` cannot be turned on right now, if it cannot.
pub fn org_blocker(setting: Setting, org: &OrgSettings, card_processing: bool) -> Option<String> {
    if setting.needs_card_processing() && !card_processing {
        return Some("Enable credit-card processing for the organization first.".into());
    }
    match setting.parent() {
        Some(parent) if !org.get(parent) => Some(format!("Turn on “{}” first.", parent.name())),
        _ => None,
    }
}

/// Validates an organization-level change; turning a setting off is always allowed.
pub fn check_org_change(
    setting: Setting,
    on: bool,
    org: &OrgSettings,
    card_processing: bool,
) -> Result<(), String> {
    match (on, org_blocker(setting, org, card_processing)) {
        (true, Some(reason)) => Err(reason),
        _ => Ok(()),
    }
}

/// Why the client switch for `setting` cannot be turned on for a client, if it cannot: a client
/// switch only turns settings off, so it cannot turn on what the organization does not allow.
pub fn client_blocker(
    setting: Setting,
    org: &OrgSettings,
    card_processing: bool,
) -> Option<String> {
    if !org.get(setting) {
        return Some(format!(
            "“{}” is off for the whole organization.",
            setting.name()
        ));
    }
    org_blocker(setting, org, card_processing)
        .map(|_| "It is not available for the organization right now.".into())
}

/// Validates a client-level change (`on = false` turns the setting off for the client).
pub fn check_client_change(
    setting: Setting,
    on: bool,
    org: &OrgSettings,
    card_processing: bool,
) -> Result<(), String> {
    match (on, client_blocker(setting, org, card_processing)) {
        (true, Some(reason)) => Err(reason),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every combination of 8 bits.
    fn all_sets() -> impl Iterator<Item = SettingSet> {
        (0u16..256).map(|bits| {
            let mut set = SettingSet::default();
            for (i, s) in Setting::ALL.into_iter().enumerate() {
                set.set(s, bits & (1 << i) != 0);
            }
            set
        })
    }

    /// The rule as SPEC §3 states it, written out setting by setting.
    fn reference(org: &OrgSettings, off: &ClientOverrides, card: bool) -> [bool; 8] {
        let on = |s: Setting| org.get(s) && !off.get(s);
        let payments = on(Setting::Payments) && card;
        let insurance = on(Setting::InsuranceInfo);
        let messaging = on(Setting::SecureMessaging);
        let scheduling = on(Setting::SelfScheduling);
        let within_24 = on(Setting::Within24Hours) && scheduling;
        let add_payers = on(Setting::AddPayers) && insurance;
        let contacts = on(Setting::ContactAccess);
        let hide = on(Setting::HideLocationAddress);
        [
            payments, insurance, messaging, scheduling, within_24, add_payers, contacts, hide,
        ]
    }

    #[test]
    fn effective_matches_the_reference_for_every_combination() {
        let mut checked = 0;
        for org in all_sets() {
            for off in all_sets() {
                for card in [false, true] {
                    let got = effective(&org, &off, card);
                    let want = reference(&org, &off, card);
                    for (i, s) in Setting::ALL.into_iter().enumerate() {
                        assert_eq!(
                            got.get(s),
                            want[i],
                            "{s:?} with org {org:?}, off {off:?}, card {card}"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 256 * 256 * 2);
    }

    #[test]
    fn a_sub_setting_keeps_its_value_while_its_parent_is_off() {
        let org = SettingSet::default()
            .with(Setting::SelfScheduling, true)
            .with(Setting::Within24Hours, true);
        let none = SettingSet::default();
        assert!(effective(&org, &none, false).get(Setting::Within24Hours));
        let parent_off = org.with(Setting::SelfScheduling, false);
        assert!(!effective(&parent_off, &none, false).get(Setting::Within24Hours));
        assert!(
            parent_off.get(Setting::Within24Hours),
            "the stored value is kept"
        );
        let parent_on_again = parent_off.with(Setting::SelfScheduling, true);
        assert!(
            effective(&parent_on_again, &none, false).get(Setting::Within24Hours),
            "and restored"
        );
    }

    #[test]
    fn org_changes_are_validated() {
        let none = SettingSet::default();
        let err = check_org_change(Setting::Payments, true, &none, false).unwrap_err();
        assert!(err.contains("credit-card processing"), "{err}");
        assert!(check_org_change(Setting::Payments, true, &none, true).is_ok());
        assert!(
            check_org_change(Setting::Payments, false, &none, false).is_ok(),
            "turning off is always allowed"
        );
        let err = check_org_change(Setting::AddPayers, true, &none, true).unwrap_err();
        assert!(err.contains("Display Insurance Info"), "{err}");
        assert!(check_org_change(
            Setting::AddPayers,
            true,
            &none.with(Setting::InsuranceInfo, true),
            true
        )
        .is_ok());
        assert!(check_org_change(Setting::Within24Hours, true, &none, true).is_err());
        for s in [
            Setting::InsuranceInfo,
            Setting::SecureMessaging,
            Setting::ContactAccess,
            Setting::HideLocationAddress,
        ] {
            assert!(
                check_org_change(s, true, &none, false).is_ok(),
                "{s:?} has no prerequisite"
            );
        }
    }

    #[test]
    fn a_client_switch_cannot_turn_on_what_the_organization_has_off() {
        let org = SettingSet::default().with(Setting::InsuranceInfo, true);
        assert!(check_client_change(Setting::InsuranceInfo, false, &org, false).is_ok());
        assert!(check_client_change(Setting::InsuranceInfo, true, &org, false).is_ok());
        let err = check_client_change(Setting::SecureMessaging, true, &org, false).unwrap_err();
        assert!(err.contains("off for the whole organization"), "{err}");
        assert!(check_client_change(Setting::SecureMessaging, false, &org, false).is_ok());
    }

    #[test]
    fn keys_and_names_are_unique_and_round_trip() {
        let keys: std::collections::BTreeSet<_> = Setting::ALL.iter().map(|s| s.key()).collect();
        let names: std::collections::BTreeSet<_> = Setting::ALL.iter().map(|s| s.name()).collect();
        assert_eq!((keys.len(), names.len()), (8, 8));
        for s in Setting::ALL {
            assert_eq!(Setting::from_key(s.key()), Some(s));
        }
        assert_eq!(Setting::from_key("nope"), None);
    }
}
