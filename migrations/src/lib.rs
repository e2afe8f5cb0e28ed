//! Database schema migrations for Client Portal, written once for SQLite and PostgreSQL.
//!
//! The server runs [`Migrator`] at start-up; `cargo run -p migrations -- up|down|status`
//! runs it by hand against `DATABASE_URL`.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_foundation;
mod m20261127_000002_portal_settings;
mod m20261127_000003_client_search;
mod m20261127_000004_portal_access;
mod m20261127_000005_intake_forms;
mod m20261127_000006_scheduling;
mod m20261127_000007_calendar_feed;
mod m20261127_000008_payments;
mod m20261127_000009_insurance;
mod m20261127_000010_messaging;
mod m20261127_000011_sandbox_card_owner;
mod m20261127_000012_live_events;
mod m20261127_000013_mail_retries;
mod m20261127_000014_keyset_paging;
mod m20261202_000015_least_privilege;
mod m20261202_000016_known_devices;
mod m20261203_000017_session_devices;
mod m20261203_000018_staff_roster;
mod m20261203_000019_location_details;
mod m20261203_000020_practice_contact;
mod m20261203_000021_two_step;
mod m20261203_000022_appointment_changes;
mod m20261203_000023_video_links;
mod m20261203_000024_reminders;
mod m20261203_000025_audit_chain;
mod m20261203_000026_appointment_series;
mod m20261203_000027_waitlist;

/// Every migration, in the order it is applied.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261127_000002_portal_settings::Migration),
            Box::new(m20261127_000003_client_search::Migration),
            Box::new(m20261127_000004_portal_access::Migration),
            Box::new(m20261127_000005_intake_forms::Migration),
            Box::new(m20261127_000006_scheduling::Migration),
            Box::new(m20261127_000007_calendar_feed::Migration),
            Box::new(m20261127_000008_payments::Migration),
            Box::new(m20261127_000009_insurance::Migration),
            Box::new(m20261127_000010_messaging::Migration),
            Box::new(m20261127_000011_sandbox_card_owner::Migration),
            Box::new(m20261127_000012_live_events::Migration),
            Box::new(m20261127_000013_mail_retries::Migration),
            Box::new(m20261127_000014_keyset_paging::Migration),
            Box::new(m20261202_000015_least_privilege::Migration),
            Box::new(m20261202_000016_known_devices::Migration),
            Box::new(m20261203_000017_session_devices::Migration),
            Box::new(m20261203_000018_staff_roster::Migration),
            Box::new(m20261203_000019_location_details::Migration),
            Box::new(m20261203_000020_practice_contact::Migration),
            Box::new(m20261203_000021_two_step::Migration),
            Box::new(m20261203_000022_appointment_changes::Migration),
            Box::new(m20261203_000023_video_links::Migration),
            Box::new(m20261203_000024_reminders::Migration),
            Box::new(m20261203_000025_audit_chain::Migration),
            Box::new(m20261203_000026_appointment_series::Migration),
            Box::new(m20261203_000027_waitlist::Migration),
        ]
    }
}
