//! `GET /events`: the signed-in person's live updates as server-sent events. First `unread`
//! (their unread message counts) and, for staff, `calendar` (the calendar icon's count). Then,
//! whenever one of their conversations changes (in any server process), `unread` again and
//! `conversation` with the client's id; whenever a staff member's calendar requests change,
//! `calendar` again.
//!
//! What a stream watches (its conversations, its calendar) is worked out when it opens and again
//! every minute, so a change that concerns nobody here costs no query, and one that concerns a
//! stream costs a session check and its counts. The stream is the machine's, not the person's:
//! it never keeps a session alive and never marks a message read, and it ends when its session
//! does. At most 5 streams per session and 2,000 per process; beyond, 429.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use app::server::access::actor::Actor;
use app::server::access::context::Ctx;
use app::server::access::session::{self, Activity};
use app::server::live::Changes;
use app::server::store::bookings;
use app::server::AppState;

/// How often an open stream reads its session and what it watches again.
const REFRESH: Duration = Duration::from_secs(60);

/// The request context again, from the stream's own headers, without keeping the session alive.
async fn context(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> Option<Ctx> {
    let mut request = Request::new(());
    *request.headers_mut() = headers.clone();
    request.extensions_mut().insert(ConnectInfo(peer));
    let (parts, _) = request.into_parts();
    Ctx::from_parts_as(state.clone(), Some(&parts), Activity::Machine)
        .await
        .ok()
        .filter(|ctx| ctx.actor.is_some())
}

/// One open stream: whose it is and what it watches.
struct Watch {
    ctx: Ctx,
    token: String,
    conversations: Vec<i32>,
    calendar: Option<i32>,
    refresh_at: Instant,
}

impl Watch {
    async fn new(ctx: Ctx) -> Option<Watch> {
        let token = ctx.token.clone()?;
        let conversations = ctx.conversations().await.ok()?.1;
        let calendar = match &ctx.actor {
            Some(Actor::Staff(staff)) => Some(staff.id),
            _ => None,
        };
        Some(Watch {
            ctx,
            token,
            conversations,
            calendar,
            refresh_at: Instant::now() + REFRESH,
        })
    }

    /// The conversations and whether the calendar among `changes` concern this stream (all it
    /// watches when the stream fell behind). No query.
    fn concerned(&self, changes: Option<&Changes>) -> (Vec<i32>, bool) {
        match changes {
            None => (self.conversations.clone(), self.calendar.is_some()),
            Some(c) => (
                c.conversations
                    .iter()
                    .copied()
                    .filter(|id| self.conversations.contains(id))
                    .collect(),
                self.calendar.is_some_and(|id| c.calendars.contains(&id)),
            ),
        }
    }
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

/// The events for the conversations and the calendar that changed.
async fn events_for(ctx: &Ctx, conversations: &[i32], calendar: bool) -> Vec<Event> {
    let mut events = Vec::new();
    if !conversations.is_empty() {
        events.extend(unread_event(ctx).await);
        events.extend(
            conversations
                .iter()
                .map(|id| Event::default().event("conversation").data(id.to_string())),
        );
    }
    if calendar {
        events.extend(calendar_event(ctx).await);
    }
    events
}

pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(watch) = context(&state, &headers, peer).await else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    };
    let Some(watch) = Watch::new(watch).await else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    };
    let Some(slot) = state.live.open_stream(&session::digest(&watch.token)) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many live connections at once. Close some tabs and reload.",
        )
            .into_response();
    };
    let receiver = state.live.subscribe(&state.db);
    let mut first: Vec<Event> = unread_event(&watch.ctx).await.into_iter().collect();
    first.extend(calendar_event(&watch.ctx).await);
    let changes = stream::unfold(
        (state, headers, peer, receiver, watch, slot),
        |(state, headers, peer, mut receiver, mut watch, slot)| async move {
            loop {
                let changes = tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(changes) => Some(changes),
                        // Fell behind: treat everything as changed.
                        Err(RecvError::Lagged(_)) => None,
                        Err(RecvError::Closed) => return None,
                    },
                    _ = tokio::time::sleep_until(watch.refresh_at) => {
                        let ctx = context(&state, &headers, peer).await?;
                        watch = Watch::new(ctx).await?;
                        continue;
                    }
                };
                let (conversations, calendar) = watch.concerned(changes.as_deref());
                if conversations.is_empty() && !calendar {
                    continue;
                }
                let live = session::is_live(
                    watch.ctx.db(),
                    &watch.ctx.state.sessions,
                    &watch.token,
                    Utc::now(),
                )
                .await
                .ok()?;
                if !live {
                    return None;
                }
                let events = events_for(&watch.ctx, &conversations, calendar).await;
                if events.is_empty() {
                    continue;
                }
                return Some((
                    stream::iter(events),
                    (state, headers, peer, receiver, watch, slot),
                ));
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
