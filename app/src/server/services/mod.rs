//! The business operations behind the server functions. Each takes a [`Ctx`](super::context::Ctx),
//! checks who is calling, and works only within the caller's organization.

pub mod access_log;
pub mod appointments;
pub mod audit_log;
pub mod auth;
pub mod availability;
pub mod calendar;
pub mod client_appointments;
pub mod clients;
pub mod contacts;
pub mod forms;
pub mod insurance;
pub mod locations;
pub mod messages;
pub mod organization;
pub mod outbox;
pub mod own_account;
pub mod payers;
pub mod payment_admin;
pub mod payments;
pub mod portal;
pub mod portal_forms;
pub mod refunds;
pub mod reminders;
pub mod scheduling;
pub mod series;
pub mod settings;
pub mod staff;
pub mod tokens;
pub mod two_step;
pub mod unread_mail;
pub mod waitlist;
pub mod webhooks;
