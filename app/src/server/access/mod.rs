//! Who is asking and what they may do: sessions, passwords and sign-in throttling, the actor of
//! a request, the request context, and one check per question ("may this staff member see this
//! client", "may this login act for this client").

pub mod actor;
pub mod checks;
pub mod client_ip;
pub mod context;
pub mod devices;
pub mod invitations;
pub mod password;
pub mod rate_limit;
pub mod session;
pub mod two_step;
