//! Self-scheduling: open slots, requests and appointments in the portal; the therapist's
//! calendar icon with accept and decline.

use leptos::prelude::*;

use crate::domain::schedule::{AppointmentView, AppointmentsTab, CalendarInbox, OpenSlot};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    api::waitlist::offer_freed_time,
    server::{
        access::context::run,
        services::{appointments, calendar, scheduling, waitlist},
    },
};

/// The open slots of the client's care team over the next weeks.
#[server(endpoint = "list_open_slots")]
pub async fn list_open_slots(client_id: i32) -> Result<Vec<OpenSlot>, AppError> {
    run(|ctx| async move { scheduling::open_slots_for(&ctx, client_id, chrono::Utc::now()).await })
        .await
}

/// The open slots when this login may request appointments for the client, `None` when it
/// may only see them (the portal's request form; one call, so one request context).
#[server(endpoint = "get_request_slots")]
pub async fn get_request_slots(client_id: i32) -> Result<Option<Vec<OpenSlot>>, AppError> {
    run(|ctx| async move { scheduling::request_slots(&ctx, client_id, chrono::Utc::now()).await })
        .await
}

/// The portal's Appointments tab in one call (so one request context): the client's
/// appointments and requests, the open slots where this login may request one, and the
/// waitlist. Each part checks the caller as its own server function does.
#[server(endpoint = "get_appointments_tab")]
pub async fn get_appointments_tab(client_id: i32) -> Result<AppointmentsTab, AppError> {
    run(|ctx| async move {
        let now = chrono::Utc::now();
        Ok(AppointmentsTab {
            list: appointments::portal_list(&ctx, client_id, now).await?,
            open: scheduling::request_slots(&ctx, client_id, now).await?,
            waitlist: waitlist::portal_view(&ctx, client_id).await?,
        })
    })
    .await
}

/// Requests a slot (an `OpenSlot::key`) with an optional note; returns the request's id.
#[server(endpoint = "request_slot")]
pub async fn request_slot(client_id: i32, slot: String, note: String) -> Result<i32, AppError> {
    run(|ctx| async move {
        scheduling::request(&ctx, client_id, &slot, &note, chrono::Utc::now()).await
    })
    .await
}

/// The client's appointments and requests (portal).
#[server(endpoint = "list_appointments")]
pub async fn list_appointments(client_id: i32) -> Result<Vec<AppointmentView>, AppError> {
    run(|ctx| async move { appointments::portal_list(&ctx, client_id, chrono::Utc::now()).await })
        .await
}

/// Cancels a request or an appointment (portal), within the 24-hour rule.
#[server(endpoint = "cancel_appointment")]
pub async fn cancel_appointment(client_id: i32, booking_id: i32) -> Result<(), AppError> {
    run(|ctx| async move {
        appointments::portal_cancel(&ctx, client_id, booking_id, chrono::Utc::now()).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// The signed-in staff member's pending requests and last-minute changes (the calendar icon).
#[server(endpoint = "get_calendar_inbox")]
pub async fn get_calendar_inbox() -> Result<CalendarInbox, AppError> {
    run(|ctx| async move { appointments::inbox(&ctx, chrono::Utc::now()).await }).await
}

/// Accepts or declines a request, with an optional reason (staff).
#[server(endpoint = "decide_request")]
pub async fn decide_request(booking_id: i32, accept: bool, reason: String) -> Result<(), AppError> {
    run(|ctx| async move {
        appointments::decide(&ctx, booking_id, accept, &reason, chrono::Utc::now()).await?;
        offer_freed_time(&ctx).await;
        Ok(())
    })
    .await
}

/// Makes an appointment for a client (staff who see the client).
#[server(endpoint = "create_appointment")]
pub async fn create_appointment(
    client_id: i32,
    input: crate::domain::schedule::AppointmentInput,
) -> Result<i32, AppError> {
    run(|ctx| async move {
        appointments::create_by_staff(&ctx, client_id, &input, chrono::Utc::now()).await
    })
    .await
}

/// The staff calendar: a therapist's week, day or month, or every therapist's day (administrators),
/// by location.
#[server(endpoint = "get_calendar")]
pub async fn get_calendar(
    #[server(default)] query: crate::domain::calendar::CalendarQuery,
) -> Result<crate::domain::calendar::Calendar, AppError> {
    run(|ctx| async move { calendar::view(&ctx, &query, chrono::Utc::now()).await }).await
}

/// Creates (or replaces) the caller's private calendar feed URL; shown once (staff).
#[server(endpoint = "create_calendar_feed")]
pub async fn create_calendar_feed() -> Result<String, AppError> {
    run(|ctx| async move { appointments::create_feed(&ctx).await }).await
}
