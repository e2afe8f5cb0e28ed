//! Server-only code (feature `ssr`): state, entities, sessions, the current actor, audit,
//! email, sign-in rate limits and the services that server functions call.

pub mod actor;
pub mod audit;
pub mod context;
pub mod entities;
pub mod live;
pub mod mail;
pub mod mail_retry;
pub mod password;
pub mod payments;
pub mod rate_limit;
pub mod secrets;
pub mod services;
pub mod session;
pub mod write;

use sea_orm::DatabaseConnection;
use std::time::Duration;

/// What every server function needs, provided as Leptos context by the server crate.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub sessions: SessionConfig,
    pub mailer: mail::Mailer,
    pub payments: payments::PaymentsConfig,
    /// This process's live-update hub (fed from the database, shared by nothing else).
    pub live: live::LiveHub,
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
