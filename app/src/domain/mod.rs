//! Domain types, DTOs and validation rules shared by the server and the browser.
//!
//! Nothing here touches the database or the DOM, so every rule is written once and runs on both sides.

pub mod access;
pub mod access_log;
pub mod account;
pub mod agenda;
pub mod audit;
pub mod availability;
pub mod calendar;
pub mod client;
pub mod client_appointments;
pub mod contact;
pub mod forms;
pub mod ics;
pub mod insurance;
pub mod intake;
pub mod location;
pub mod messages;
pub mod organization;
pub mod own_account;
pub mod paging;
pub mod payments;
pub mod portal_settings;
pub mod reminders;
pub mod schedule;
pub mod series;
pub mod settings;
pub mod staff;
pub mod two_step;
pub mod validation;
pub mod viewer;
pub mod waitlist;
