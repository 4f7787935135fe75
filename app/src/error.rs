//! The one error type of the app. Internal causes are logged on the server (without personal
//! data); the client only learns which kind of problem it was.
use crate::i18n::K;
use crate::models::form::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input has problems; each is tied to a field.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Too many submissions from one client.
    #[error("rate limited")]
    RateLimited,
    #[error("not found")]
    NotFound,
    /// Not signed in (or the session has ended).
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Signed in, but a step comes first: a new password, or the team's required two-factor login.
    #[error("set-up required")]
    SetupRequired,
    /// Something failed on the server; details are in the server log.
    #[error("internal error")]
    Internal,
    /// Someone else saved first: the save named a version that is no longer the current one.
    #[error("conflict")]
    Conflict,
    /// The request could not be sent or read (network, encoding).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The HTTP status for this error. Bad input is never a 5xx; server faults are 503 so clients
    /// and load balancers know a retry may help.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(errors)
                if errors.get(crate::models::contact::field::FORM).is_some() =>
            {
                400
            }
            AppError::Invalid(_) => 422,
            AppError::RateLimited => 429,
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::SetupRequired => 403,
            AppError::Request(_) => 400,
            AppError::Internal => 503,
            AppError::Conflict => 409,
        }
    }

    /// An internal failure: logs its cause once, here (never personal data: say what failed, not
    /// with whose data), and answers 503 with a generic message.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        AppError::Internal
    }

    /// The message shown at the top of a form.
    pub fn form_message(&self) -> K {
        match self {
            AppError::RateLimited => K::err_rate_limited,
            AppError::Conflict => K::case_conflict,
            AppError::Invalid(_)
            | AppError::NotFound
            | AppError::Unauthorized
            | AppError::Forbidden
            | AppError::SetupRequired
            | AppError::Internal
            | AppError::Request(_) => K::err_server,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // DbErr texts carry SQL, never the bound values, so no personal data reaches the log.
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
