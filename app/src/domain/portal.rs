//! DTOs of the Organization pages (Client Portal Settings, Audit Log, Outbox) and the portal home.

use serde::{Deserialize, Serialize};

use super::access::PortalAbilities;
use super::settings::{ClientOverrides, OrgSettings};
use super::viewer::ClientRef;

/// A card processor the organization can enable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardProcessor {
    /// Built-in test processor (demo and tests).
    Sandbox,
    /// Stripe, with the organization's own keys (needs the internet).
    Stripe,
}

impl CardProcessor {
    pub const ALL: [CardProcessor; 2] = [CardProcessor::Sandbox, CardProcessor::Stripe];

    pub fn key(self) -> &'static str {
        match self {
            CardProcessor::Sandbox => "sandbox",
            CardProcessor::Stripe => "stripe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CardProcessor::Sandbox => "Sandbox (test cards)",
            CardProcessor::Stripe => "Stripe",
        }
    }

    pub fn from_key(key: &str) -> Option<CardProcessor> {
        CardProcessor::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// The organization's settings and card-processing status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    pub org: OrgSettings,
    /// `None` while credit-card processing is not enabled.
    pub card_processor: Option<CardProcessor>,
}

impl PortalSettings {
    pub fn card_processing(&self) -> bool {
        self.card_processor.is_some()
    }
}

/// The outcome of a saved setting change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChanged {
    /// The organization's settings after the change.
    pub settings: PortalSettings,
    /// For a client-level change, what is now turned off for that client.
    pub client_off: Option<ClientOverrides>,
}

/// One client row of Manage Clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalClient {
    pub id: i32,
    pub name: String,
    pub off: ClientOverrides,
}

/// One page of Manage Clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalClientPage {
    pub clients: Vec<PortalClient>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
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
    pub page: u64,
    pub pages: u64,
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
    pub page: u64,
    pub pages: u64,
    /// Whether mail goes out by SMTP instead (the outbox then stays empty).
    pub smtp: bool,
}

/// A client's home in the portal, for the signed-in login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalClientHome {
    pub client: ClientRef,
    /// What this login may do for the client: effective settings cut down by its scopes.
    pub abilities: PortalAbilities,
    /// Unread messages in the client's conversation for this login (0 without messaging).
    pub unread_messages: u32,
}
