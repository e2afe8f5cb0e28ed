//! Server functions: the thin HTTP surface of the app. Each one runs its service inside
//! [`run`](crate::server::access::context::run), which resolves the caller and maps errors to statuses.
//! All are POST under `/api/…`; every one has a row in the access-matrix test.

pub mod access_log;
pub mod accounts;
pub mod auth;
pub mod availability;
pub mod client_appointments;
pub mod clients;
pub mod contacts;
pub mod forms;
pub mod insurance;
pub mod locations;
pub mod messages;
pub mod organization;
pub mod own_account;
pub mod payments;
pub mod portal;
pub mod reminders;
pub mod scheduling;
pub mod series;
pub mod settings;
pub mod staff;
pub mod two_step;
pub mod waitlist;
