//! Client Portal's application crate: the shared domain rules, the UI (staff admin and client
//! portal), the server functions, and — behind the `ssr` feature — the server-side services and
//! entities. Compiled with `ssr` into the server and with `hydrate` into the browser bundle.

pub mod api;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "routes")]
mod routes;
#[cfg(feature = "routes")]
pub use routes::*;
