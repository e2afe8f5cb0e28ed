//! Organization → Locations (administrators): list, add or edit, archive or restore.

use leptos::prelude::*;

use crate::domain::location::{LocationInput, LocationRow};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::locations};

/// The organization's locations, active ones first.
#[server(endpoint = "list_locations")]
pub async fn list_locations() -> Result<Vec<LocationRow>, AppError> {
    run(|ctx| async move { locations::list(&ctx).await }).await
}

/// Adds a location (`location_id` 0) or changes one; returns its id.
#[server(endpoint = "save_location")]
pub async fn save_location(location_id: i32, input: LocationInput) -> Result<i32, AppError> {
    run(|ctx| async move { locations::save(&ctx, location_id, &input).await }).await
}

/// Archives a location, or restores an archived one.
#[server(endpoint = "set_location_archived")]
pub async fn set_location_archived(location_id: i32, archived: bool) -> Result<(), AppError> {
    run(|ctx| async move { locations::set_archived(&ctx, location_id, archived).await }).await
}
