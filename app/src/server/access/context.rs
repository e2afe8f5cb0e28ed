//! The request context of a server function: state, actor and IP, plus the helpers that
//! authorize, audit, set cookies and map errors to HTTP statuses. It is resolved once per HTTP
//! request ([`RequestCtx`]) and shared by every server function and resource of that request.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use chrono::Utc;
use http::request::Parts;
use http::{header, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sea_orm::DatabaseConnection;

use super::actor::{Actor, Portal, Staff};
use super::session;
use crate::error::AppError;
use crate::server::store::audit::{self, Entry};
use crate::server::store::entities::organization;
use crate::server::store::organizations;
use crate::server::AppState;

/// Everything a service needs to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub state: AppState,
    pub actor: Option<Actor>,
    pub ip: Option<String>,
    /// The visitor's device, from the User-Agent ("Chrome on Android"), for new sessions.
    pub device: Option<String>,
    /// The session token of the request, if any (for sign-out).
    pub token: Option<String>,
    /// What this request has already read, for the other resources of the same page.
    pub memo: Memo,
}

/// Read results kept for the rest of one request, so that a page whose layout and content both
/// ask for the same thing (a client's portal home, the organization) reads it once. Only for
/// reads: a request that changes something reads afresh in its own transaction.
#[derive(Debug, Clone, Default)]
pub struct Memo(Arc<std::sync::Mutex<HashMap<String, Slot>>>);

type Slot = Arc<tokio::sync::OnceCell<Arc<dyn Any + Send + Sync>>>;

impl Memo {
    /// The value under `key`, computed by `load` by the first caller of this request; the
    /// others wait for it. An error is not kept: the next caller tries again.
    pub async fn get_or_load<T, F, Fut>(&self, key: String, load: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let slot = self
            .0
            .lock()
            .map_err(|_| AppError::internal("request memo poisoned"))?
            .entry(key)
            .or_default()
            .clone();
        let value = slot
            .get_or_try_init(|| async {
                load()
                    .await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await?;
        value
            .downcast_ref::<T>()
            .cloned()
            .ok_or_else(|| AppError::internal("request memo holds another type under this key"))
    }
}

/// The context of the HTTP request being answered: the first server function or resource of
/// the request resolves it (session, actor), and the others of the same request reuse it. The
/// router provides a fresh one to every request.
#[derive(Debug, Clone, Default)]
pub struct RequestCtx(Arc<tokio::sync::OnceCell<Ctx>>);

impl Ctx {
    /// The context of the current request (inside a server function or SSR): resolved once
    /// per request when the router provided a [`RequestCtx`], otherwise now.
    pub async fn from_request() -> Result<Ctx, AppError> {
        Ctx::from_request_as(session::Activity::Person).await
    }

    /// [`Ctx::from_request`] for a request of `activity`: a request the page makes by itself
    /// (a live reload, the idle check) does not keep the session alive.
    pub async fn from_request_as(activity: session::Activity) -> Result<Ctx, AppError> {
        let state = use_context::<AppState>().ok_or_else(|| {
            AppError::internal(format!(
                "AppState missing from the Leptos context (uri {:?}, owner {})",
                use_context::<Parts>().map(|p| p.uri),
                leptos::prelude::Owner::current().is_some()
            ))
        })?;
        let parts = use_context::<Parts>();
        match use_context::<RequestCtx>() {
            Some(RequestCtx(shared)) => shared
                .get_or_try_init(|| Ctx::from_parts_as(state, parts.as_ref(), activity))
                .await
                .cloned(),
            None => Ctx::from_parts_as(state, parts.as_ref(), activity).await,
        }
    }

    /// Builds the context from a request's head (also for plain axum handlers, such as downloads).
    pub async fn from_parts(state: AppState, parts: Option<&Parts>) -> Result<Ctx, AppError> {
        Ctx::from_parts_as(state, parts, session::Activity::Person).await
    }

    /// [`Ctx::from_parts`] for a request of `activity`: the live-update stream is the machine's
    /// and does not keep the session alive.
    pub async fn from_parts_as(
        state: AppState,
        parts: Option<&Parts>,
        activity: session::Activity,
    ) -> Result<Ctx, AppError> {
        let ip = parts.and_then(|p| client_ip(&state, p));
        let device = parts
            .and_then(|p| p.headers.get(header::USER_AGENT))
            .and_then(|v| v.to_str().ok())
            .map(crate::domain::own_account::device_label);
        let token = parts
            .and_then(|p| p.headers.get(header::COOKIE))
            .and_then(|v| v.to_str().ok())
            .and_then(|header| session::token_from_cookie_header(header, &state.sessions))
            .map(str::to_owned);
        let holder = match &token {
            Some(token) => {
                session::resolve_as(&state.db, &state.sessions, token, Utc::now(), activity).await?
            }
            None => None,
        };
        let actor = match holder {
            Some(holder) => Some(Actor::of_holder(&state.db, holder).await?),
            None => None,
        };
        Ok(Ctx {
            state,
            actor,
            ip,
            device,
            token,
            memo: Memo::default(),
        })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// The signed-in staff member, or 401/403.
    pub async fn staff(&self) -> Result<&Staff, AppError> {
        match &self.actor {
            Some(Actor::Staff(staff)) => Ok(staff),
            Some(_) => Err(self.deny("admin", AppError::Forbidden).await),
            None => Err(AppError::Unauthenticated),
        }
    }

    /// The signed-in administrator (Organization Administration permission), or 401/403.
    pub async fn admin(&self) -> Result<&Staff, AppError> {
        let staff = self.staff().await?;
        if staff.is_admin {
            Ok(staff)
        } else {
            Err(self.deny("organization", AppError::Forbidden).await)
        }
    }

    /// The signed-in portal account, or 401/403.
    pub async fn portal(&self) -> Result<&Portal, AppError> {
        match &self.actor {
            Some(Actor::Portal(portal)) => Ok(portal),
            Some(_) => Err(self.deny("portal", AppError::Forbidden).await),
            None => Err(AppError::Unauthenticated),
        }
    }

    /// The signed-in person's organization, read once per request; 401 when signed out.
    pub async fn organization(&self) -> Result<organization::Model, AppError> {
        if let Some(Actor::Portal(portal)) = &self.actor {
            return Ok(portal.organization.clone());
        }
        let id = self
            .actor
            .as_ref()
            .map(Actor::organization_id)
            .ok_or(AppError::Unauthenticated)?;
        self.memo
            .get_or_load(format!("organization:{id}"), || {
                organizations::get(self.db(), id)
            })
            .await
    }

    /// The current actor as stored in references (`staff:3`), or empty when signed out.
    pub fn actor_label(&self) -> String {
        self.actor
            .as_ref()
            .map(|a| a.label().to_string())
            .unwrap_or_default()
    }

    /// The audit entry of a change by the current actor, to commit with the change through
    /// [`WriteTxn::commit_audited`](crate::server::store::txn::WriteTxn::commit_audited).
    pub fn entry(
        &self,
        action: &str,
        object: impl Display,
        old: Option<String>,
        new: Option<String>,
    ) -> Entry {
        Entry {
            organization_id: self.actor.as_ref().map(Actor::organization_id),
            actor: self
                .actor
                .as_ref()
                .map(|a| a.label().to_string())
                .unwrap_or_else(|| "anonymous".into()),
            action: action.to_owned(),
            object: object.to_string(),
            old_value: old,
            new_value: new,
            ip: self.ip.clone(),
        }
    }

    /// Records an event that changes nothing else, such as a sign-out or a staff member
    /// opening a form submission, with an optional detail.
    pub async fn record_event(
        &self,
        action: &str,
        object: impl Display,
        detail: Option<String>,
    ) -> Result<(), AppError> {
        Ok(audit::record(self.db(), self.entry(action, object, None, detail)).await?)
    }

    /// Records a denied access to `object` and returns `err` to send back.
    pub async fn deny(&self, object: impl Display, err: AppError) -> AppError {
        let entry = self.entry(
            "access.denied",
            object,
            None,
            Some(err.status().to_string()),
        );
        match audit::record(self.db(), entry).await {
            Ok(()) => err,
            Err(e) => e.into(),
        }
    }
}

/// Runs a server function body with its context, and answers errors with their HTTP status.
pub async fn run<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    run_as(session::Activity::Person, body).await
}

/// [`run`] for a request of `activity` (see [`Ctx::from_request_as`]).
pub async fn run_as<T, F, Fut>(activity: session::Activity, body: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match Ctx::from_request_as(activity).await {
        Ok(ctx) => body(ctx).await,
        Err(e) => Err(e),
    };
    if let Err(err) = &result {
        err.set_response_status();
    }
    result
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// The visitor's address: the connection's peer, or behind one of the trusted proxies the
/// address it forwards ([`client_ip`](super::client_ip)).
fn client_ip(state: &AppState, parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| {
            state
                .deployment
                .trusted_proxies
                .client(addr.ip(), &parts.headers)
                .to_string()
        })
}
