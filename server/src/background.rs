//! The jobs every server process runs once a minute, each on its own so that one failing does
//! not stop the others: new-message emails, appointment reminders, waitlist offers of freed time
//! and their next batches, emails to try again, and housekeeping (delivered
//! live events, ended sessions, sign-in attempts out of every window, expired two-step
//! challenges). Each job claims its rows
//! in the database, so several processes never do the same work twice; deleting what is already
//! deleted is harmless.

use app::server::access::{devices, rate_limit, session, two_step};
use app::server::mail::retry::retry_due;
use app::server::services::unread_mail::notify_unread;
use app::server::services::{refunds, reminders, waitlist};
use app::server::store::live_events;
use app::server::AppState;

/// Runs the minute's jobs at `now`.
pub async fn every_minute(state: &AppState, now: chrono::DateTime<chrono::Utc>) {
    if let Err(e) = notify_unread(state, now).await {
        tracing::warn!(error = %e, "new-message emails");
    }
    // Before the retries, which send what the reminders queue.
    if let Err(e) = reminders::send_due(&state.db, &state.mailer, now).await {
        tracing::warn!(error = %e, "appointment reminders");
    }
    if let Err(e) = waitlist::offer_freed(&state.db, &state.mailer, now).await {
        tracing::warn!(error = %e, "waitlist offers");
    }
    if let Err(e) = retry_due(&state.mailer, &state.db, now).await {
        tracing::warn!(error = %e, "emails to try again");
    }
    // Live-update events are only needed for a moment.
    if let Err(e) = live_events::prune(&state.db, now).await {
        tracing::warn!(error = %e, "pruning live events");
    }
    if let Err(e) = session::prune(&state.db, &state.sessions, now).await {
        tracing::warn!(error = %e, "pruning ended sessions");
    }
    if let Err(e) = rate_limit::prune(&state.db, now).await {
        tracing::warn!(error = %e, "pruning old sign-in attempts");
    }
    // Refunds whose outcome a processor left unknown, asked again under their own key.
    if let Err(e) = refunds::settle_pending(state, now).await {
        tracing::warn!(error = %e, "settling pending refunds");
    }
    if let Err(e) = devices::prune(&state.db, now).await {
        tracing::warn!(error = %e, "pruning expired known devices");
    }
    if let Err(e) = two_step::prune(&state.db, now).await {
        tracing::warn!(error = %e, "pruning expired two-step challenges");
    }
}

/// Starts the minute's jobs in the background, for the life of the process.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            every_minute(&state, chrono::Utc::now()).await;
        }
    });
}
