//! sea-orm entities: one module per table. Server-only; the browser gets DTOs from `domain`.

pub mod audit_log;
pub mod availability_exception;
pub mod availability_hour;
pub mod booking;
pub mod client;
pub mod client_contact;
pub mod client_contact_link;
pub mod client_setting_override;
pub mod client_staff;
pub mod form_template;
pub mod form_template_version;
pub mod location;
pub mod organization;
pub mod organization_setting;
pub mod outbox;
pub mod portal_account;
pub mod portal_link;
pub mod sent_form;
pub mod session;
pub mod sign_in_attempt;
pub mod staff_user;
