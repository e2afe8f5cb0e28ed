//! The server and database tests in one test binary, so the server is linked once rather than
//! once per file. Each module is one area; `common` is their harness. `payments.rs` stays a
//! binary of its own: it installs a global log subscriber to prove no card data is logged.

#[macro_use]
mod common;

mod access_log;
mod access_matrix;
mod audit_chain;
mod audit_view;
mod auth;
mod calendar;
mod client_appointments;
mod clients;
mod connection;
mod crash;
mod email;
mod fuzz;
mod insurance;
mod intake_forms;
mod live;
mod locations;
mod messages;
#[path = "migrations.rs"]
mod migration_steps;
mod mixed_writes;
mod org_setup;
mod own_account;
mod paging;
mod portal_access;
mod practice_profile;
mod query_budgets;
mod query_scaling;
mod record_views;
mod recorded_changes;
mod reminders;
mod scheduling;
mod security;
mod series;
mod settings;
mod staff_roster;
mod stripe;
mod telehealth;
mod transfer;
mod two_step;
mod waitlist;
