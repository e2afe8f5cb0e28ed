//! The Client Portal server as a library: configuration, database start-up, demo data and the
//! axum router, so that `main` and the integration tests build exactly the same server.

pub mod audit_export;
pub mod background;
pub mod calendar_files;
pub mod config;
pub mod db;
pub mod demo;
mod demo_forms;
mod demo_insurance;
mod demo_schedule;
pub mod live_events;
pub mod org_setup;
pub mod processor_routes;
pub mod router;

/// The allocator of every binary built on this crate (the server, its tests and benchmarks).
/// Rendering a page allocates many small strings and frees them at once; glibc's allocator spent
/// about a fifth of the portal home's CPU time on that (`perf`, `make bench-ssr`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
