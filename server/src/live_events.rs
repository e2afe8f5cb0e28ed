//! `GET /events`: the signed-in person's live updates as server-sent events. First `unread`
//! (their unread message counts) and, for staff, `calendar` (the calendar icon's count). Then,
//! whenever one of their conversations changes (in any server process), `unread` again and
//! `conversation` with the client's id; whenever a staff member's calendar requests change,
//! `calendar` again. The session is checked again at every change, so a stream ends when its
//! session does.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use app::server::access::actor::Actor;
use app::server::access::context::Ctx;
use app::server::live::Changes;
use app::server::store::bookings;
use app::server::AppState;

/// The request context again, from the stream's own headers.
async fn context(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> Option<Ctx> {
    let mut request = Request::new(());
    *request.headers_mut() = headers.clone();
    request.extensions_mut().insert(ConnectInfo(peer));
    let (parts, _) = request.into_parts();
    Ctx::from_parts(state.clone(), Some(&parts))
        .await
        .ok()
        .filter(|ctx| ctx.actor.is_some())
}

async fn unread_event(ctx: &Ctx) -> Option<Event> {
    let counts = ctx.unread().await.ok()?;
    Event::default().event("unread").json_data(counts).ok()
}

/// For staff, the calendar icon's count again.
async fn calendar_event(ctx: &Ctx) -> Option<Event> {
    let Some(Actor::Staff(staff)) = &ctx.actor else {
        return None;
    };
    let count = bookings::badge(ctx.db(), staff.id, Utc::now()).await.ok()?;
    Some(Event::default().event("calendar").data(count.to_string()))
}

/// The events `changes` (all, when this stream fell behind) mean for the person of `ctx`.
async fn events_for(ctx: &Ctx, changes: Option<&Changes>) -> Option<Vec<Event>> {
    let mut events = Vec::new();
    let conversations: Vec<i32> = match changes {
        // Only calendars changed: no need to look up this person's conversations.
        Some(c) if c.conversations.is_empty() => Vec::new(),
        Some(c) => {
            let (_, mine) = ctx.conversations().await.ok()?;
            c.conversations
                .iter()
                .copied()
                .filter(|id| mine.contains(id))
                .collect()
        }
        None => ctx.conversations().await.ok()?.1,
    };
    if !conversations.is_empty() {
        events.extend(unread_event(ctx).await);
        events.extend(
            conversations
                .iter()
                .map(|id| Event::default().event("conversation").data(id.to_string())),
        );
    }
    if let Some(Actor::Staff(staff)) = &ctx.actor {
        if changes.is_none_or(|c| c.calendars.contains(&staff.id)) {
            events.extend(calendar_event(ctx).await);
        }
    }
    Some(events)
}

pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(ctx) = context(&state, &headers, peer).await else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    };
    let receiver = state.live.subscribe(&state.db);
    let mut first: Vec<Event> = unread_event(&ctx).await.into_iter().collect();
    first.extend(calendar_event(&ctx).await);
    let changes = stream::unfold(
        (state, headers, peer, receiver),
        |(state, headers, peer, mut receiver)| async move {
            loop {
                let changes = match receiver.recv().await {
                    Ok(changes) => Some(changes),
                    // Fell behind: treat everything as changed.
                    Err(RecvError::Lagged(_)) => None,
                    Err(RecvError::Closed) => return None,
                };
                let ctx = context(&state, &headers, peer).await?;
                let events = events_for(&ctx, changes.as_deref()).await?;
                if events.is_empty() {
                    continue;
                }
                return Some((stream::iter(events), (state, headers, peer, receiver)));
            }
        },
    )
    .flatten();
    let all = stream::iter(first)
        .chain(changes)
        .map(Ok::<Event, Infallible>);
    sse(all).into_response()
}

fn sse<S: Stream<Item = Result<Event, Infallible>> + Send + 'static>(s: S) -> impl IntoResponse {
    Sse::new(s).keep_alive(KeepAlive::default())
}
