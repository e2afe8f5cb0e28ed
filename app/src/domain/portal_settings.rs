//! DTOs of the Client Portal Settings page and Manage Clients: the organization's settings and card
//! processor, a change's result, and the clients who use the portal with what is off for each.

use serde::{Deserialize, Serialize};

use super::settings::{ClientOverrides, OrgSettings};

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

    /// The processors offered on a server where the sandbox is (or is not) allowed.
    pub fn offered(sandbox: bool) -> Vec<CardProcessor> {
        CardProcessor::ALL
            .into_iter()
            .filter(|p| sandbox || *p != CardProcessor::Sandbox)
            .collect()
    }

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
    /// The processors an administrator may choose on this server: the sandbox only in demo
    /// mode or with `SANDBOX_PAYMENTS=1`.
    #[serde(default)]
    pub offered: Vec<CardProcessor>,
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
    pub paging: crate::domain::paging::Paging,
}
