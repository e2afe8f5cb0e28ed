//! `GET /events`: the signed-in person's live updates as server-sent events. First `unread`
//! (their unread message counts), then, whenever one of their conversations changes (in any
//! server process), `unread` again and `conversation` with the client's id. The session is
//! checked again at every change, so a stream ends when its session does.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use app::server::context::Ctx;
use app::server::services::messages;
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
    let counts = messages::unread(ctx).await.ok()?;
    Event::default().event("unread").json_data(counts).ok()
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
    let first = unread_event(&ctx).await;
    let changes = stream::unfold(
        (state, headers, peer, receiver),
        |(state, headers, peer, mut receiver)| async move {
            loop {
                let changed: Option<Vec<i32>> = match receiver.recv().await {
                    Ok(ids) => Some(ids.as_ref().clone()),
                    // Fell behind: treat everything as changed.
                    Err(RecvError::Lagged(_)) => None,
                    Err(RecvError::Closed) => return None,
                };
                let ctx = context(&state, &headers, peer).await?;
                let (_, mine) = messages::my_conversations(&ctx).await.ok()?;
                let relevant: Vec<i32> = match changed {
                    Some(ids) => ids.into_iter().filter(|id| mine.contains(id)).collect(),
                    None => mine,
                };
                if relevant.is_empty() {
                    continue;
                }
                let mut events: Vec<Event> = unread_event(&ctx).await.into_iter().collect();
                events.extend(
                    relevant
                        .iter()
                        .map(|id| Event::default().event("conversation").data(id.to_string())),
                );
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
