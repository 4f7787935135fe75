//! `POST /lots/inkorg/{id}`: the request page's actions (a contact attempt, unreachable, decline,
//! a friend request's consent). Each carries the version the page showed; a stale one shows the
//! page again as it is now with a message (409), nothing changed. Accepting and marking as a
//! duplicate post to their own addresses (`…/acceptera`, `…/dubblett`), handled with the cases.
use super::staff::{errors_at, refuse, show, Authorised};
use app::error::AppError;
use app::i18n::K;
use app::models::boot::StaffEcho;
use app::models::request::field;
use app::models::staff::field as staff_field;
use app::ssr::auth::proof::{CaseWork, Proof};
use app::ssr::services::requests::{self, Saved};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

/// The path's id is read after the caller is authorised; one that is not a number is "not found".
pub async fn act(
    State(state): State<AppState>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Authorised {
        mut parts,
        who,
        form,
    }: Authorised<Proof<CaseWork>>,
) -> Response {
    let form = form.unwrap_or_default();
    let Some(Path(id)) = id.ok() else {
        return refuse(state, parts, AppError::NotFound, None).await;
    };
    let now = state.clock.now();
    let parsed = match form.get(field::ACTION) {
        "contact_attempt" => requests::parse_attempt(&form, now),
        "unreachable" => Ok(requests::Act::Unreachable),
        "decline" => requests::parse_decline(&form),
        "consent" => requests::parse_consent(&form),
        _ => Err(errors_at(staff_field::FORM, K::err_server)),
    };
    let result = match (parsed, requests::parse_version(&form)) {
        (Err(errors), _) => Err(AppError::Invalid(errors)),
        (Ok(_), None) => Err(AppError::Invalid(errors_at(
            staff_field::FORM,
            K::req_stale,
        ))),
        (Ok(a), Some(version)) => requests::act(&state.db, &who, id, version, a, now).await,
    };
    match result {
        Ok(Saved::Done) => Redirect::to(&format!("/lots/inkorg/{id}?sparat=1")).into_response(),
        Ok(Saved::Erased) => Redirect::to("/lots/inkorg?raderad=1").into_response(),
        Ok(Saved::Stale) => {
            let echo = StaffEcho {
                errors: errors_at(staff_field::FORM, K::req_stale),
                ..Default::default()
            };
            show(state, parts, echo, StatusCode::CONFLICT).await
        }
        Err(e) => {
            // The page again (its own path), which also answers "not found" for another team's id.
            if let Ok(uri) = format!("/lots/inkorg/{id}").parse() {
                parts.uri = uri;
            }
            refuse(state, parts, e, Some(&form)).await
        }
    }
}
