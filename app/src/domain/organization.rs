//! DTOs of the Organization pages: the overview with its staff and locations, the audit log
//! and the outbox.

use serde::{Deserialize, Serialize};

/// The organization overview shown to administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOverview {
    pub name: String,
    pub time_zone: String,
    pub locations: Vec<LocationSummary>,
    pub staff: Vec<StaffSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationSummary {
    pub name: String,
    pub address: String,
    pub telehealth: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_therapist: bool,
}

/// One audit-log row for administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub paging: crate::domain::paging::Paging,
}

/// One email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub at: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// One page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub rows: Vec<OutboxRow>,
    pub paging: crate::domain::paging::Paging,
    /// Whether mail goes out by SMTP instead (the outbox then stays empty).
    pub smtp: bool,
}
