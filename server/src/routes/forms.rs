//! The public forms without JavaScript: each form's page also accepts POST.
//!
//! Valid → 303 to the receipt (Post/Redirect/Get, so reload and back never send twice). Invalid →
//! the same page, rendered again by the same components with the typed values and a message at
//! each field (422). The hydrated forms call the same service through a server function.
use app::error::AppError;
use app::i18n::K;
use app::models::boot::FormEcho;
use app::models::contact::{echo_values, field, Channel};
use app::models::form::{FieldErrors, RawForm};
use app::ssr::client::client_ip;
use app::ssr::host::public_team;
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
///
/// The rate limit comes first, before the body is read: every post counts, whatever it holds.
/// The body must arrive within `Settings::body_timeout` (408 otherwise) and within
/// `FORM_BODY_LIMIT` (413); at most `MAX_PAIRS` pairs are decoded. A refused post shows only the
/// form's own fields again, each cut to its longest allowed value, so no post can make the
/// answer larger than the form itself.
pub async fn post_form(State(state): State<AppState>, req: Request) -> Response {
    let Some(channel) = Channel::from_path(req.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let admitted = contact::admit(&state.limiter, client_ip(&parts));
    let read = tokio::time::timeout(state.settings.body_timeout, to_bytes(body, FORM_BODY_LIMIT));
    let bytes = match (read.await, &admitted) {
        (Ok(Ok(bytes)), _) => bytes,
        // A client over its limit hears that, whatever else is wrong with the post.
        (_, Err(e)) => {
            let echo = form_error(channel, RawForm::default(), e.form_message());
            return render(state, parts, echo, StatusCode::TOO_MANY_REQUESTS).await;
        }
        (Ok(Err(_)), Ok(_)) => {
            let echo = form_error(channel, RawForm::default(), K::err_too_large);
            return render(state, parts, echo, StatusCode::PAYLOAD_TOO_LARGE).await;
        }
        (Err(_), Ok(_)) => {
            tracing::info!(channel = channel.as_str(), "form body too slow: cut off");
            let echo = form_error(channel, RawForm::default(), K::err_body_timeout);
            return render(state, parts, echo, StatusCode::REQUEST_TIMEOUT).await;
        }
    };
    let lang = from_parts(&parts);
    let form = match RawForm::from_urlencoded_capped(&bytes) {
        Ok(form) => form,
        Err(first) if admitted.is_ok() => {
            let echo = form_error(
                channel,
                echo_values(channel, &first),
                K::err_too_many_fields,
            );
            return render(state, parts, echo, StatusCode::BAD_REQUEST).await;
        }
        Err(first) => first,
    };
    let result = match admitted {
        Ok(admitted) => {
            let team = public_team(&state, &parts).id;
            let (queue, keys) = (&state.queue, &state.keys);
            contact::submit(queue, keys, team, channel, &form, admitted, lang).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(receipt) => Redirect::to(&format!("/kvitto/{}", receipt.code)).into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let values = echo_values(channel, &form);
            let echo = match e {
                AppError::Invalid(errors) => FormEcho {
                    channel,
                    values,
                    errors,
                },
                other => form_error(channel, values, other.form_message()),
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
