//! The staff workspace's form posts: login, logout, password change and the admin pages.
//!
//! Each handler authorises first (except login), then answers Post/Redirect/Get (303) on success,
//! or renders the same page again with what to fix. Passwords are never echoed back.
use crate::render;
use app::error::AppError;
use app::i18n::K;
use app::models::boot::StaffEcho;
use app::models::form::{FieldErrors, RawForm};
use app::models::ids::StaffId;
use app::models::staff::{field, parse_new_password, parse_new_staff, safe_next, Role};
use app::models::team::parse_team_settings;
use app::models::two_factor::field as two_factor_field;
use app::ssr::auth::guard::{ChangeRefused, Checks};
use app::ssr::auth::login::{self, Login};
use app::ssr::auth::proof::{Check, ManageStaff, ManageTeam, Proof, SignedIn};
use app::ssr::auth::sessions;
use app::ssr::auth::two_factor;
use app::ssr::client::ClientIp;
use app::ssr::infra::secret::Secret;
use app::ssr::infra::settings::AccessSettings;
use app::ssr::services::staff::{self, Change};
use app::ssr::services::team;
use app::ssr::state::AppState;
use axum::body::to_bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use http::request::Parts;
use http::{HeaderValue, StatusCode};
use leptos::prelude::provide_context;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Staff forms are small; anything larger is refused before it is read.
const BODY_LIMIT: usize = 64 * 1024;

pub(crate) async fn read_form(req: Request) -> (Parts, Option<RawForm>) {
    let (parts, body) = req.into_parts();
    let form = to_bytes(body, BODY_LIMIT)
        .await
        .ok()
        .map(|b| RawForm::from_urlencoded(&b));
    (parts, form)
}

/// A staff form post whose caller holds the proof `A` (`Proof<ManageStaff>`, `SignedIn`…): the
/// request's parts, the proof and the form (`None` if the body could not be read). As an extractor
/// it refuses for the handler — the page again with 401/403 — so a handler starts authorised.
pub struct Authorised<A> {
    pub(crate) parts: Parts,
    pub(crate) who: A,
    pub(crate) form: Option<RawForm>,
}

impl<A: Check + 'static> FromRequest<AppState> for Authorised<A> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, form) = read_form(req).await;
        match A::check(&state.db, &state.settings.access, &parts, state.clock.now()).await {
            Ok(who) => Ok(Authorised { parts, who, form }),
            Err(e) => Err(refuse(state.clone(), parts, e, None).await),
        }
    }
}

/// The form without its password fields, for showing the page again.
fn without_passwords(form: &RawForm) -> RawForm {
    let secret = [field::PASSWORD, field::CURRENT, field::NEW, field::REPEAT];
    RawForm(
        form.0
            .iter()
            .filter(|(k, _)| !secret.contains(&k.as_str()))
            .cloned()
            .collect(),
    )
}

pub(crate) fn errors_at(name: &str, key: K) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(name, key);
    e
}

pub(crate) async fn show(
    state: AppState,
    parts: Parts,
    mut echo: StaffEcho,
    status: StatusCode,
) -> Response {
    echo.path = parts.uri.path().to_string();
    render::page(state, parts, move || provide_context(echo.clone()), status).await
}

/// The page again with a secret shown this once (a temporary password, recovery codes).
async fn show_once(state: AppState, parts: Parts, secret: String, status: StatusCode) -> Response {
    let echo = StaffEcho {
        secret: Some(secret),
        ..Default::default()
    };
    show(state, parts, echo, status).await
}

/// A refused or failed request: the page again (it shows the refusal itself) with the status.
pub(crate) async fn refuse(
    state: AppState,
    parts: Parts,
    e: AppError,
    form: Option<&RawForm>,
) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let errors = match e {
        AppError::Invalid(errors) => errors,
        AppError::Unauthorized | AppError::Forbidden | AppError::NotFound => FieldErrors::default(),
        other => errors_at(field::FORM, other.form_message()),
    };
    let echo = StaffEcho {
        values: form.map(without_passwords).unwrap_or_default(),
        errors,
        ..Default::default()
    };
    show(state, parts, echo, status).await
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// 303 to `to`, carrying the cookie of the session behind `token`.
fn redirect_with_session(state: &AppState, token: &Secret<String>, to: &str) -> Response {
    let cookie = sessions::set_cookie(&state.settings.access, token.expose());
    with_cookie(Redirect::to(to).into_response(), &cookie)
}

fn client(parts: &Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<ClientIp>().map(|c| c.0)
}

/// What the services need to check a password or code, from the state.
fn checks(state: &AppState) -> Checks<'_> {
    Checks {
        passwords: &state.passwords,
        in_flight: &state.logins,
        keys: &state.keys,
        access: &state.settings.access,
        now: state.clock.now(),
    }
}

/// Makes the request carry the session behind `token` instead of the one the browser sent (just
/// replaced by it), so a page rendered in the same answer shows the caller still signed in.
fn carry_session(parts: &mut Parts, access: &AccessSettings, token: &Secret<String>) {
    let name = sessions::cookie_name(access);
    let mut pairs: Vec<String> = parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.split_once('=').map(|(k, _)| k) != Some(name))
        .map(str::to_string)
        .collect();
    pairs.push(format!("{name}={}", token.expose()));
    parts.headers.remove(COOKIE);
    if let Ok(v) = HeaderValue::from_str(&pairs.join("; ")) {
        parts.headers.insert(COOKIE, v);
    }
}

/// `POST /lots/logga-in`.
pub async fn login(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    let Some(form) = form else {
        return refuse(state, parts, AppError::Request("body".into()), None).await;
    };
    let old = sessions::token_from(&parts.headers, &state.settings.access);
    let outcome = login::login(
        &state.db,
        checks(&state),
        form.get(field::EMAIL),
        Secret::new(form.get(field::PASSWORD).to_string()),
        client(&parts),
        old,
    )
    .await;
    let echo = |key| StaffEcho {
        values: without_passwords(&form),
        errors: errors_at(field::FORM, key),
        ..Default::default()
    };
    match outcome {
        Ok(Login::Ok { token, .. }) => {
            redirect_with_session(&state, &token, safe_next(form.get(field::NEXT)))
        }
        Ok(Login::Failed) => {
            show(
                state,
                parts,
                echo(K::login_failed),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        Ok(Login::SecondFactor { token }) => {
            let next = encode_path(safe_next(form.get(field::NEXT)));
            redirect_with_session(
                &state,
                &token,
                &format!("/lots/logga-in/kod?tillbaka={next}"),
            )
        }
        Ok(Login::Locked(wait)) => locked(state, parts, echo(K::login_locked), wait).await,
        Ok(Login::Busy) => busy(state, parts, echo(K::login_busy)).await,
        Err(e) => refuse(state, parts, e, Some(&form)).await,
    }
}

/// "Too many checks at once": 429 at once, nothing was checked; try again in a moment.
async fn busy(state: AppState, parts: Parts, echo: StaffEcho) -> Response {
    let mut res = show(state, parts, echo, StatusCode::TOO_MANY_REQUESTS).await;
    res.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

/// A password change or two-factor removal refused before its check (busy or locked), with the
/// message at `at`.
async fn refused_check(
    state: AppState,
    parts: Parts,
    refused: ChangeRefused,
    at: &str,
) -> Response {
    let echo = |key| StaffEcho {
        errors: errors_at(at, key),
        ..Default::default()
    };
    match refused {
        ChangeRefused::Locked(wait) => locked(state, parts, echo(K::login_locked), wait).await,
        _ => busy(state, parts, echo(K::login_busy)).await,
    }
}

/// The "wait a while" answer (429) with how long.
async fn locked(
    state: AppState,
    parts: Parts,
    mut echo: StaffEcho,
    wait: chrono::TimeDelta,
) -> Response {
    echo.wait_minutes = Some(((wait.num_seconds() + 59) / 60).max(1));
    let mut res = show(state, parts, echo, StatusCode::TOO_MANY_REQUESTS).await;
    if let Ok(v) = HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
        res.headers_mut().insert(RETRY_AFTER, v);
    }
    res
}

/// A path for a query value (only `/lots…` paths get here, see `safe_next`): what would end or
/// split the value is percent-encoded, slashes stay readable.
fn encode_path(path: &str) -> String {
    const QUERY_VALUE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'%')
        .add(b'&')
        .add(b'?')
        .add(b'#')
        .add(b'+')
        .add(b'=');
    utf8_percent_encode(path, QUERY_VALUE).to_string()
}

/// `POST /lots/logga-in/kod`: the second step of a two-factor login.
pub async fn login_code(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    let form = form.unwrap_or_default();
    let echo = |key| StaffEcho {
        values: RawForm(vec![(field::NEXT.into(), form.get(field::NEXT).into())]),
        errors: errors_at(two_factor_field::CODE, key),
        ..Default::default()
    };
    let Some(token) = sessions::token_from(&parts.headers, &state.settings.access) else {
        return show(
            state,
            parts,
            echo(K::code_start_again),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    };
    let code = form.get(two_factor_field::CODE);
    match login::second_factor(&state.db, checks(&state), &token, code, client(&parts)).await {
        Ok(Login::Ok { token, .. }) => {
            redirect_with_session(&state, &token, safe_next(form.get(field::NEXT)))
        }
        Ok(Login::Locked(wait)) => locked(state, parts, echo(K::login_locked), wait).await,
        Ok(Login::Busy) => busy(state, parts, echo(K::login_busy)).await,
        Ok(_) => show(state, parts, echo(K::err_code), StatusCode::UNAUTHORIZED).await,
        Err(AppError::Unauthorized) => {
            show(
                state,
                parts,
                echo(K::code_start_again),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        Err(e) => refuse(state, parts, e, None).await,
    }
}

/// `POST /lots/tvastegs`: confirm enrolment (shows the recovery codes once) or turn it off (needs
/// the password and a code). Either way the caller's other sessions end and theirs gets a new id.
pub async fn two_factor(
    State(state): State<AppState>,
    Authorised {
        mut parts,
        who,
        form,
    }: Authorised<SignedIn>,
) -> Response {
    let form = form.unwrap_or_default();
    let code = form.get(two_factor_field::CODE);
    let access = &state.settings.access;
    let mut missing = FieldErrors::default();
    let action = form.get(two_factor_field::ACTION);
    if action == "disable" && form.get(field::CURRENT).is_empty() {
        missing.add(field::CURRENT, K::err_current_password);
    }
    if code.trim().is_empty() {
        missing.add(two_factor_field::CODE, K::err_code_missing);
    }
    if !missing.is_empty() {
        return refuse(state, parts, AppError::Invalid(missing), None).await;
    }
    match action {
        "confirm" => match two_factor::confirm(
            &state.db,
            &state.keys,
            access,
            &who,
            code,
            state.clock.now(),
        )
        .await
        {
            Ok((codes, token)) => {
                let cookie = sessions::set_cookie(access, token.expose());
                carry_session(&mut parts, access, &token);
                let page = show_once(state.clone(), parts, codes.join(" "), StatusCode::OK).await;
                with_cookie(page, &cookie)
            }
            Err(e) => refuse(state, parts, e, None).await,
        },
        "disable" => {
            let password = Secret::new(form.get(field::CURRENT).to_string());
            match two_factor::disable(&state.db, checks(&state), &who, password, code).await {
                Ok(Ok(token)) => redirect_with_session(&state, &token, "/lots/tvastegs?sparat=1"),
                Ok(Err(ChangeRefused::WrongCurrent | ChangeRefused::SameAsBefore)) => {
                    let echo = StaffEcho {
                        errors: errors_at(field::FORM, K::err_password_or_code),
                        ..Default::default()
                    };
                    show(state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await
                }
                Ok(Err(refused)) => refused_check(state, parts, refused, field::FORM).await,
                Err(e) => refuse(state, parts, e, None).await,
            }
        }
        _ => {
            let e = AppError::Invalid(errors_at(field::FORM, K::err_server));
            refuse(state, parts, e, None).await
        }
    }
}

/// `POST /lots/logga-ut`: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = read_form(req).await;
    let access = &state.settings.access;
    if let Some(token) = sessions::token_from(&parts.headers, access) {
        if let Err(e) = login::logout(&state.db, &token, client(&parts)).await {
            return refuse(state, parts, e, None).await;
        }
    }
    with_cookie(
        Redirect::to("/lots/logga-in?utloggad=1").into_response(),
        &sessions::clear_cookie(access),
    )
}

/// `POST /lots/byt-losenord`.
pub async fn change_password(
    State(state): State<AppState>,
    Authorised { parts, who, form }: Authorised<SignedIn>,
) -> Response {
    let Some(form) = form else {
        return refuse(state, parts, AppError::Request("body".into()), None).await;
    };
    let new = match parse_new_password(&form) {
        Ok(n) => n,
        Err(errors) => return refuse(state, parts, AppError::Invalid(errors), None).await,
    };
    let current = Secret::new(form.get(field::CURRENT).to_string());
    let checks = checks(&state);
    match login::change_password(&state.db, checks, &who, current, Secret::new(new)).await {
        Ok(Ok(token)) => redirect_with_session(&state, &token, "/lots/byt-losenord?sparat=1"),
        Ok(Err(ChangeRefused::WrongCurrent)) => {
            let e = AppError::Invalid(errors_at(field::CURRENT, K::err_current_wrong));
            refuse(state, parts, e, None).await
        }
        Ok(Err(ChangeRefused::SameAsBefore)) => {
            let e = AppError::Invalid(errors_at(field::NEW, K::err_password_same));
            refuse(state, parts, e, None).await
        }
        Ok(Err(refused)) => refused_check(state, parts, refused, field::CURRENT).await,
        Err(e) => refuse(state, parts, e, None).await,
    }
}

/// `POST /lots/admin`: adds an account and shows its temporary password once.
pub async fn add_staff(
    State(state): State<AppState>,
    Authorised { parts, who, form }: Authorised<Proof<ManageStaff>>,
) -> Response {
    let form = form.unwrap_or_default();
    let result = match parse_new_staff(&form) {
        Ok(new) => staff::create(&state.db, &state.passwords, &who, new).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok((_, temporary)) => {
            show_once(state, parts, temporary.into_inner(), StatusCode::CREATED).await
        }
        Err(e) => refuse(state, parts, e, Some(&form)).await,
    }
}

/// `POST /lots/admin/personal/{id}`: role, deactivate/activate, password or two-factor reset, or
/// lifting the account's login locks.
/// The path's id is read after the caller is authorised, so a stranger learns nothing from it;
/// one that is not a number is "not found".
pub async fn change_staff(
    State(state): State<AppState>,
    id: Result<Path<StaffId>, axum::extract::rejection::PathRejection>,
    Authorised { parts, who, form }: Authorised<Proof<ManageStaff>>,
) -> Response {
    let id = id.ok().map(|Path(id)| id);
    let form = form.unwrap_or_default();
    let change = match form.get(field::ACTION) {
        "role" => Role::parse(form.get(field::ROLE))
            .map(|r| Some(Change::Role(r)))
            .ok_or_else(|| AppError::Invalid(errors_at(field::ROLE, K::err_role))),
        "deactivate" => Ok(Some(Change::Deactivate)),
        "activate" => Ok(Some(Change::Activate)),
        "reset" => Ok(Some(Change::ResetPassword)),
        "reset_two_factor" => Ok(Some(Change::ResetTwoFactor)),
        "unlock" => Ok(None),
        _ => Err(AppError::Invalid(errors_at(field::FORM, K::err_server))),
    };
    let result = match (id, change) {
        (None, _) => Err(AppError::NotFound),
        (_, Err(e)) => Err(e),
        // Unlocking changes no account data: it clears the throttle's keys of the account.
        (Some(id), Ok(None)) => staff::unlock_login(&state.db, &state.keys, &who, id)
            .await
            .map(|()| None),
        (Some(id), Ok(Some(c))) => staff::change(&state.db, &state.passwords, &who, id, c).await,
    };
    match result {
        Ok(Some(temporary)) => {
            show_once(state, parts, temporary.into_inner(), StatusCode::OK).await
        }
        Ok(None) => Redirect::to(&format!("{}?sparat=1", parts.uri.path())).into_response(),
        Err(e) => refuse(state, parts, e, Some(&form)).await,
    }
}

/// `POST /lots/admin/installningar`.
pub async fn save_settings(
    State(state): State<AppState>,
    Authorised { parts, who, form }: Authorised<Proof<ManageTeam>>,
) -> Response {
    let form = form.unwrap_or_default();
    let result = match parse_team_settings(&form) {
        Ok(u) => team::update(&state.db, &state.teams, &who, u).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Redirect::to("/lots/admin/installningar?sparat=1").into_response(),
        Err(e) => refuse(state, parts, e, Some(&form)).await,
    }
}
