//! The case work's form posts: accepting a request into a case or marking it a duplicate (from
//! the request's page in the inbox), and the case page's changes (step, closing, the person's
//! details). Each carries the version it was read at; a save that comes second changes nothing.
//!
//! - `POST /lots/inkorg/{id}/acceptera` (`version`): 303 to the new case; a stale version: 303
//!   back to `/lots/inkorg/{id}?konflikt=1`.
//! - `POST /lots/inkorg/{id}/dubblett` (`version`, `participant`): 303 back to the request; the
//!   same conflict answer.
//! - `POST /lots/deltagare/{id}` (`action` = forward | back | close | person, or one of the daily
//!   work's `models::casework::ACTIONS` with `item` where it edits one, `version`, …): 303 to
//!   the page; what to fix: the page again (422) with what was typed; a stale version: the page
//!   again (409) with the current data and the conflict message.
use super::staff::{read_form, refuse, Authorised};
use crate::render;
use app::error::AppError;
use app::models::boot::StaffEcho;
use app::models::case::{field, parse_person, parse_stage_change, parse_version};
use app::models::casework;
use app::models::form::{FieldErrors, RawForm};
use app::models::ids::{CaseId, ParticipantId};
use app::ssr::auth::proof::{CaseWork, Check, Proof};
use app::ssr::infra::working_days::stockholm_date;
use app::ssr::services::{cases, casework as case_work};
use app::ssr::state::AppState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use http::request::Parts;
use http::{StatusCode, Uri};
use leptos::prelude::provide_context;

/// The page a request's actions answer with: the request's own page where the app has one, else
/// the inbox.
fn request_page(id: i64) -> String {
    let has_page = crate::startup::routes()
        .iter()
        .any(|r| matches!(r.path(), "/lots/inkorg/:id" | "/lots/inkorg/{id}"));
    if has_page {
        format!("/lots/inkorg/{id}")
    } else {
        "/lots/inkorg".to_string()
    }
}

fn at_path(mut parts: Parts, path: &str) -> Parts {
    if let Ok(uri) = path.parse::<Uri>() {
        parts.uri = uri;
    }
    parts
}

/// A request action's caller, checked for case work. Refused: the inbox (which shows the login or
/// the refusal) with 401/403.
async fn inbox_caller(
    state: &AppState,
    req: Request,
) -> Result<(Parts, Proof<CaseWork>, RawForm), Response> {
    let (parts, form) = read_form(req).await;
    let access = &state.settings.access;
    match Proof::<CaseWork>::check(&state.db, access, &parts, state.clock.now()).await {
        Ok(who) => Ok((parts, who, form.unwrap_or_default())),
        Err(e) => Err(refuse(state.clone(), at_path(parts, "/lots/inkorg"), e, None).await),
    }
}

/// A request action's failure: a stale version goes back to the request with `konflikt=1`; a
/// request that is not the team's is "not found"; what to fix is shown on the request's page.
async fn request_refused(state: AppState, parts: Parts, id: Option<i64>, e: AppError) -> Response {
    match (e, id) {
        (AppError::Conflict, Some(id)) => {
            Redirect::to(&format!("/lots/inkorg/{id}?konflikt=1")).into_response()
        }
        (AppError::Invalid(errors), Some(id)) => {
            let path = request_page(id);
            let echo = StaffEcho {
                path: path.clone(),
                errors,
                ..Default::default()
            };
            let parts = at_path(parts, &path);
            render::page(
                state,
                parts,
                move || provide_context(echo.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        (e, _) => refuse(state, at_path(parts, "/lots/inkorg"), e, None).await,
    }
}

fn invalid(errors: FieldErrors) -> AppError {
    AppError::Invalid(errors)
}

/// `POST /lots/inkorg/{id}/acceptera`.
pub async fn accept(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    req: Request,
) -> Response {
    let (parts, who, form) = match inbox_caller(&state, req).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let id = id.ok().map(|Path(id)| id);
    let result = match (id, parse_version(&form)) {
        (None, _) => Err(AppError::NotFound),
        (_, Err(errors)) => Err(invalid(errors)),
        (Some(id), Ok(version)) => {
            cases::accept(&state.db, &who, id, version, state.clock.now()).await
        }
    };
    match result {
        Ok(case) => Redirect::to(&format!("/lots/deltagare/{case}")).into_response(),
        Err(e) => request_refused(state, parts, id, e).await,
    }
}

/// `POST /lots/inkorg/{id}/dubblett`.
pub async fn duplicate(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    req: Request,
) -> Response {
    let (parts, who, form) = match inbox_caller(&state, req).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let id = id.ok().map(|Path(id)| id);
    let participant = form
        .get(field::PARTICIPANT)
        .trim()
        .trim_start_matches('#')
        .parse::<ParticipantId>()
        .ok();
    let result = match (id, parse_version(&form)) {
        (None, _) => Err(AppError::NotFound),
        (_, Err(errors)) => Err(invalid(errors)),
        (Some(id), Ok(version)) => {
            let now = state.clock.now();
            cases::mark_duplicate(&state.db, &who, id, version, participant, now).await
        }
    };
    match (result, id) {
        (Ok(()), Some(id)) => Redirect::to(&format!("/lots/inkorg/{id}?sparat=1")).into_response(),
        (Ok(()), None) => Redirect::to("/lots/inkorg").into_response(),
        (Err(e), id) => request_refused(state, parts, id, e).await,
    }
}

/// `POST /lots/deltagare/{id}`: a change of step or of the person's details.
pub async fn change(
    State(state): State<AppState>,
    id: Result<Path<CaseId>, PathRejection>,
    Authorised { parts, who, form }: Authorised<Proof<CaseWork>>,
) -> Response {
    let form = form.unwrap_or_default();
    let now = state.clock.now();
    let result = match (id.ok().map(|Path(id)| id), parse_version(&form)) {
        (None, _) => Err(AppError::NotFound),
        (_, Err(errors)) => Err(invalid(errors)),
        (Some(id), Ok(version)) if casework::ACTIONS.contains(&form.get(field::ACTION)) => {
            match casework::parse_change(&form) {
                Ok(change) => case_work::apply(&state.db, &who, id, version, change, now).await,
                Err(errors) => Err(invalid(errors)),
            }
        }
        (Some(id), Ok(version)) if form.get(field::ACTION) == "person" => {
            let today = stockholm_date(now);
            match parse_person(&form, (today.year(), today.month(), today.day())) {
                Ok(edit) => {
                    let (db, keys) = (&state.db, &state.keys);
                    cases::edit_person(db, keys, &who, id, version, edit, now).await
                }
                Err(errors) => Err(invalid(errors)),
            }
        }
        (Some(id), Ok(version)) => match parse_stage_change(&form) {
            Ok(change) => cases::change_stage(&state.db, &who, id, version, change, now).await,
            Err(errors) => Err(invalid(errors)),
        },
    };
    match result {
        Ok(()) => Redirect::to(&format!("{}?sparat=1", parts.uri.path())).into_response(),
        // What to fix: the page again with what was typed.
        Err(e @ AppError::Invalid(_)) => refuse(state, parts, e, Some(&form)).await,
        // A conflict: the page again with the data as it is now in the fields, and what this
        // caller typed shown beside it (`unsaved`), so nothing of theirs is lost either.
        Err(AppError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add(field::FORM, AppError::Conflict.form_message());
            let values = RawForm(
                form.0
                    .iter()
                    .filter(|(k, _)| k != field::ACTION && k != field::VERSION)
                    .cloned()
                    .chain([(field::ACTION.to_string(), field::UNSAVED.to_string())])
                    .collect(),
            );
            let echo = StaffEcho {
                path: parts.uri.path().to_string(),
                values,
                errors,
                ..Default::default()
            };
            let provide = move || provide_context(echo.clone());
            render::page(state, parts, provide, StatusCode::CONFLICT).await
        }
        // Not found: nothing of the post is echoed.
        Err(e) => refuse(state, parts, e, None).await,
    }
}
