//! The database layer: entities, typed references and statuses, write transactions that commit
//! a change with its audit entry, and the queries that more than one feature needs. Imports
//! nothing above itself.

pub mod appointment_files;
pub mod audit;
pub mod audit_chain;
pub mod audit_names;
pub mod audit_tails;
pub mod bookings;
pub mod clients;
pub mod contacts;
pub mod entities;
pub mod forms;
pub mod live_events;
pub mod locations;
pub mod logins;
pub mod messages;
pub mod organizations;
pub mod paging;
pub mod payments;
pub mod portal_links;
pub mod portal_recipients;
pub mod refs;
pub mod sessions;
pub mod settings;
pub mod slots;
pub mod staff;
pub mod status;
pub mod subqueries;
pub mod txn;
pub mod waitlist;
pub mod write_queue;
