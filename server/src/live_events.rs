//! `GET /events`: the signed-in person's live updates as server-sent events. First `unread`
//! (their unread message counts) and, for staff, `calendar` (the calendar icon's count). Then,
//! whenever one of their conversations changes (in any server process), `unread` again and
//! `conversation` with the client's id; whenever a staff member's calendar requests change,
//! `calendar` again.
//!
//! What a stream watches (its conversations, its calendar) is worked out when it opens and again
//! every minute. Between, the process's listener answers for all its streams at once
//! ([`app::server::live::streams`]), so a change costs the same few queries however many streams
//! it concerns. The stream is the machine's, not the person's: it never keeps a session alive
//! and never marks a message read, and it ends when its session does. At most 5 streams per
//! session and 2,000 per process; beyond, 429.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::stream::{self, Stream, StreamExt};
use tokio::time::Instant;

use app::server::access::actor::Actor;
use app::server::access::context::Ctx;
use app::server::access::session::{self, Activity};
use app::server::live::{Pending, Watch};
use app::server::store::{bookings, messages};
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

/// What the signed-in person's stream watches, with their unread counts now.
async fn watch(ctx: &Ctx) -> Option<Watch> {
    let token = ctx.token.as_deref()?;
    let (reader, conversations) = ctx.conversations().await.ok()?;
    let reader = reader.to_string();
    let unread = messages::unread_in(ctx.db(), &reader, &conversations)
        .await
        .ok()?;
    let calendar = match &ctx.actor {
        Some(Actor::Staff(staff)) => Some(staff.id),
        _ => None,
    };
    Some(Watch {
        session: session::digest(token),
        reader,
        conversations,
        calendar,
        unread,
    })
}

fn unread_event(watch: &Watch) -> Option<Event> {
    Event::default()
        .event("unread")
        .json_data(&watch.unread)
        .ok()
}

/// For staff, the calendar icon's count now.
async fn calendar_event(ctx: &Ctx) -> Option<Event> {
    let Some(Actor::Staff(staff)) = &ctx.actor else {
        return None;
    };
    let count = bookings::badge(ctx.db(), staff.id, Utc::now()).await.ok()?;
    Some(Event::default().event("calendar").data(count.to_string()))
}

/// The events for what the listener left for this stream.
fn events_for(pending: Pending) -> Vec<Event> {
    let mut events = Vec::new();
    events.extend(
        pending
            .unread
            .and_then(|counts| Event::default().event("unread").json_data(counts).ok()),
    );
    events.extend(
        pending
            .conversations
            .iter()
            .map(|id| Event::default().event("conversation").data(id.to_string())),
    );
    events.extend(
        pending
            .calendar
            .map(|count| Event::default().event("calendar").data(count.to_string())),
    );
    events
}

pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(ctx) = context(&state, &headers, peer).await else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    };
    let Some(watching) = watch(&ctx).await else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    };
    let mut first: Vec<Event> = unread_event(&watching).into_iter().collect();
    first.extend(calendar_event(&ctx).await);
    state.live.listen(&state.db, &state.sessions);
    let Some(live) = state.live.open(watching) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many live connections at once. Close some tabs and reload.",
        )
            .into_response();
    };
    let refresh_at = Instant::now() + REFRESH;
    let changes = stream::unfold(
        (state, headers, peer, live, refresh_at),
        |(state, headers, peer, live, mut refresh_at)| async move {
            loop {
                tokio::select! {
                    pending = live.next() => {
                        if pending.ended {
                            return None;
                        }
                        let events = events_for(pending);
                        return Some((
                            stream::iter(events),
                            (state, headers, peer, live, refresh_at),
                        ));
                    }
                    _ = tokio::time::sleep_until(refresh_at) => {
                        let ctx = context(&state, &headers, peer).await?;
                        live.rewatch(watch(&ctx).await?);
                        refresh_at = Instant::now() + REFRESH;
                    }
                }
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
