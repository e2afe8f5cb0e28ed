//! Recurring appointments (staff who see the client): the dates of a series with their
//! conflicts, checked before saving, and the series made.

use leptos::prelude::*;

use crate::domain::schedule::AppointmentInput;
use crate::domain::series::{RepeatInput, SeriesMade, SeriesPlan};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::series};

/// Every date of the series the form describes, the conflicting ones marked.
#[server(endpoint = "plan_series")]
pub async fn plan_series(
    client_id: i32,
    input: AppointmentInput,
    repeat: RepeatInput,
) -> Result<SeriesPlan, AppError> {
    run(|ctx| async move {
        series::plan(&ctx, client_id, &input, &repeat, chrono::Utc::now()).await
    })
    .await
}

/// Makes the series (its skipped dates left out), all of it or nothing.
#[server(endpoint = "create_series")]
pub async fn create_series(
    client_id: i32,
    input: AppointmentInput,
    repeat: RepeatInput,
) -> Result<SeriesMade, AppError> {
    run(|ctx| async move {
        series::create(&ctx, client_id, &input, &repeat, chrono::Utc::now()).await
    })
    .await
}
