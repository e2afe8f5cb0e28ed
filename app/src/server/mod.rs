//! Server-only code (feature `ssr`), in layers that only point down: [`store`] (the database),
//! the adapters to the outside world ([`mail`], [`live`], [`processors`], [`secrets`]),
//! [`access`] (who is asking and what they may do) and [`services`] (one module per feature).
//! `app/tests/layers.rs` fails the build of the tests on an upward import.

pub mod access;
pub mod csp;
pub mod live;
pub mod mail;
pub mod processors;
pub mod secrets;
pub mod services;
pub mod store;

use sea_orm::DatabaseConnection;
use std::time::Duration;

/// What every server function needs, provided as Leptos context by the server crate.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub sessions: SessionConfig,
    pub mailer: mail::Mailer,
    pub payments: processors::PaymentsConfig,
    /// This process's live-update hub (fed from the database, shared by nothing else).
    pub live: live::LiveHub,
    /// How the server was started: demo mode, the sandbox processor, the proxies it trusts.
    pub deployment: Deployment,
}

/// How this server was started: what only a demonstration may do, and whom it believes about a
/// visitor's address. The default is production's: no demo, no sandbox, no trusted proxy.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// `--demo`: the demo organizations are loaded and their logins are public, so emailed links
    /// may be read in the outbox as they are.
    pub demo: bool,
    /// `SANDBOX_PAYMENTS=1`: the sandbox card processor outside demo mode (tests, staging).
    pub sandbox_payments: bool,
    /// `TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` names the visitor.
    pub trusted_proxies: access::client_ip::TrustedProxies,
}

impl Deployment {
    /// Whether the sandbox processor may be chosen and used: it marks appointments paid with no
    /// money moving, so only in demo mode or when asked for.
    pub fn sandbox(&self) -> bool {
        self.demo || self.sandbox_payments
    }
}

/// Session lifetimes and cookie flags.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub absolute_timeout: Duration,
    /// Adds `Secure` to the cookie (set when served over HTTPS).
    pub secure_cookie: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            secure_cookie: false,
        }
    }
}
