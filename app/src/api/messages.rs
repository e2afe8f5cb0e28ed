//! Secure messaging: the envelope's conversation list (staff), a conversation (staff and
//! portal; opening it marks it read), and sending a message.

use leptos::prelude::*;

use crate::domain::messages::{Conversation, MessageInbox};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{access::context::run, services::messages};

/// The signed-in staff member's conversations and the clients a new message can go to.
#[server(endpoint = "get_message_inbox")]
pub async fn get_message_inbox() -> Result<MessageInbox, AppError> {
    run(|ctx| async move { messages::inbox(&ctx).await }).await
}

/// A client's conversation (its latest `shown` messages, one page by default), marked read for
/// the caller (staff or portal). `live` marks the page's own reload after a live change, which
/// does not keep the session alive.
#[server(endpoint = "get_conversation")]
pub async fn get_conversation(
    client_id: i32,
    shown: Option<u32>,
    live: Option<bool>,
) -> Result<Conversation, AppError> {
    use crate::server::access::{context::run_as, session::Activity};
    let activity = match live {
        Some(true) => Activity::Machine,
        _ => Activity::Person,
    };
    run_as(activity, |ctx| async move {
        let by_person = live != Some(true);
        messages::conversation(&ctx, client_id, shown, by_person, chrono::Utc::now()).await
    })
    .await
}

/// Sends a message to a client's conversation; returns its id (staff or portal).
#[server(endpoint = "send_message")]
pub async fn send_message(client_id: i32, body: String) -> Result<i32, AppError> {
    run(|ctx| async move { messages::send(&ctx, client_id, &body, chrono::Utc::now()).await }).await
}
