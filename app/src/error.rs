//! The one error type of Client Portal, shared by server functions, services and the UI.
//!
//! Each variant documents the HTTP status it answers with. Internal failures are logged on
//! the server and reach the user only as [`AppError::Internal`], never with their details.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::validation::FieldErrors;

/// Everything that can go wrong in a request, as the user is allowed to see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 400 Bad Request: the input failed validation; one message per field.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// 401 Unauthorized: no valid session.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// 401 Unauthorized: wrong email or password (one generic message for both).
    #[error("The email or password is incorrect.")]
    BadCredentials,
    /// 403 Forbidden: signed in, but not allowed to do this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// 404 Not Found: no such record, or one the caller may not know exists.
    #[error("That record was not found.")]
    NotFound,
    /// 409 Conflict: the change clashes with existing data (the message says how).
    #[error("{0}")]
    Conflict(String),
    /// 429 Too Many Requests: too many failed sign-ins; says when to try again.
    #[error("Too many sign-in attempts. Try again in {minutes} minute{}.", if *.minutes == 1 { "" } else { "s" })]
    RateLimited { minutes: u32 },
    /// 429 Too Many Requests: every password check of this server is busy and its short queue
    /// is full (a burst of sign-ins); trying again a moment later works.
    #[error("Too many sign-ins at once, try again in a moment.")]
    Busy,
    /// 429 Too Many Requests: the person did this too often in a short time (messages in one
    /// conversation); the message says when it works again.
    #[error("{0}")]
    TooFrequent(String),
    /// 402 Payment Required: the card processor declined the card; nothing was charged. The
    /// message is the processor's reason, e.g. "Your card has insufficient funds."
    #[error("{0}")]
    Declined(String),
    /// 502 Bad Gateway: the card processor could not be reached or refused the request itself
    /// (not the card); the message says what to do. Details are logged on the server.
    #[error("{0}")]
    ProcessorFailed(String),
    /// 502 Bad Gateway: the mail server refused or could not be reached; the change itself was saved.
    #[error("The change was saved, but the email could not be sent. Try sending it again later.")]
    EmailFailed,
    /// 500 Internal Server Error: details are logged on the server, never sent.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the server or its answer could not be read (client side only).
    #[error("Could not reach the server. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    /// A validation error on one field: `AppError::invalid("email", "Enter an email address.")`.
    pub fn invalid(field: &str, message: &str) -> AppError {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    /// An internal error, logged here with its cause and where it was made; the user sees
    /// only [`AppError::Internal`]'s message.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        #[cfg(feature = "ssr")]
        {
            let at = std::panic::Location::caller();
            tracing::error!(%cause, file = at.file(), line = at.line(), "internal error");
        }
        #[cfg(not(feature = "ssr"))]
        let _ = cause;
        AppError::Internal
    }

    /// The HTTP status code this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 400,
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } | AppError::Busy | AppError::TooFrequent(_) => 429,
            AppError::Declined(_) => 402,
            AppError::EmailFailed | AppError::ProcessorFailed(_) => 502,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The message for one form field, when this is a validation error.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.get(name).map(str::to_owned),
            _ => None,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments are the caller's fault, not ours.
            // On the server, a body that cannot be decoded is the request's fault too.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                AppError::from_server_fn_error(ServerFnErrorErr::Args("undecodable body".into()))
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                let err = AppError::invalid(
                    "form",
                    "The form was incomplete. Please reload the page and try again.",
                );
                // Arguments are read before the function's own code sets a status: 400, not 500.
                #[cfg(feature = "ssr")]
                err.set_response_status();
                err
            }
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Sets the response status for this error (also of a page rendered on the server), except
    /// for plain HTML form posts, which Leptos answers with a redirect back to the form carrying
    /// the error.
    pub fn set_response_status(&self) {
        use http::{header, request::Parts, StatusCode};
        use leptos::prelude::use_context;
        use leptos_axum::ResponseOptions;
        let plain_form = use_context::<Parts>()
            .filter(|p| p.method == http::Method::POST)
            .and_then(|p| p.headers.get(header::ACCEPT).cloned())
            .and_then(|v| v.to_str().map(|s| s.contains("text/html")).ok())
            .unwrap_or(false);
        if let (false, Some(response)) = (plain_form, use_context::<ResponseOptions>()) {
            response.set_status(
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
