//! A therapist's own availability (staff who are therapists).

use leptos::prelude::*;

use crate::domain::availability::{AvailabilityInput, AvailabilityView};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    api::waitlist::offer_freed_time,
    server::{access::context::run, services::availability},
};

/// The signed-in therapist's weekly hours, exceptions and slot length.
#[server(endpoint = "get_availability")]
pub async fn get_availability() -> Result<AvailabilityView, AppError> {
    run(|ctx| async move { availability::view(&ctx).await }).await
}

/// Adds weekly hours, time off or extra hours.
#[server(endpoint = "add_availability")]
pub async fn add_availability(input: AvailabilityInput) -> Result<(), AppError> {
    run(|ctx| async move {
        availability::add(&ctx, &input).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// Removes a weekly row (`weekly` = true) or an exception.
#[server(endpoint = "remove_availability")]
pub async fn remove_availability(weekly: bool, id: i32) -> Result<(), AppError> {
    run(|ctx| async move {
        availability::remove(&ctx, weekly, id).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// Sets the signed-in therapist's default telehealth video link (blank removes it).
#[server(endpoint = "set_video_link")]
pub async fn set_video_link(link: String) -> Result<(), AppError> {
    run(|ctx| async move { availability::set_video_link(&ctx, &link).await }).await
}

/// Sets the length of the signed-in therapist's slots.
#[server(endpoint = "set_slot_minutes")]
pub async fn set_slot_minutes(minutes: i32) -> Result<(), AppError> {
    run(|ctx| async move { availability::set_slot_minutes(&ctx, minutes).await }).await
}
