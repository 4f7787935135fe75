//! The public forms without JavaScript: each form's page also accepts POST.
//!
//! Valid → 303 to the receipt (Post/Redirect/Get, so reload and back never send twice). Invalid →
//! the same page, rendered again by the same components with the typed values and a message at
//! each field (422). The hydrated forms call the same service through a server function.
use app::error::AppError;
use app::i18n::K;
use app::models::boot::FormEcho;
use app::models::contact::{field, Channel};
use app::models::form::{FieldErrors, RawForm};
use app::ssr::client::client_ip;
use app::ssr::lang::from_parts;
use app::ssr::services::contact;
use app::ssr::state::AppState;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use leptos::prelude::provide_context;

/// The largest form body we read. A 100 000-character field of Swedish text still fits, so it gets
/// a message at the field; anything larger gets a message at the top.
pub const FORM_BODY_LIMIT: usize = 1024 * 1024;

/// `POST /kontakt`, `/kontakt/for-nagon-annan`, `/remiss`.
pub async fn post_form(State(state): State<AppState>, req: Request) -> Response {
    let Some(channel) = Channel::from_path(req.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_BODY_LIMIT).await else {
        return render(
            state,
            parts,
            form_error(channel, RawForm::default(), K::err_too_large),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    };
    let form = RawForm::from_urlencoded(&bytes);
    let lang = from_parts(&parts);
    let (client, team) = (client_ip(&parts), state.team_id);
    match contact::submit(
        &state.queue,
        &state.limiter,
        team,
        channel,
        &form,
        client,
        lang,
    )
    .await
    {
        Ok(receipt) => Redirect::to(&format!("/kvitto/{}", receipt.code)).into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let echo = match e {
                AppError::Invalid(errors) => FormEcho {
                    channel,
                    values: form,
                    errors,
                },
                other => form_error(channel, form, other.form_message()),
            };
            render(state, parts, echo, status).await
        }
    }
}

fn form_error(channel: Channel, values: RawForm, key: K) -> FormEcho {
    let mut errors = FieldErrors::default();
    errors.add(field::FORM, key);
    FormEcho {
        channel,
        values,
        errors,
    }
}

/// Renders the form's page with `echo`, as a GET of the same page would, with `status`.
async fn render(
    state: AppState,
    parts: http::request::Parts,
    echo: FormEcho,
    status: StatusCode,
) -> Response {
    crate::render::page(state, parts, move || provide_context(echo.clone()), status).await
}
