//! The week page's form post and the private calendar feed.
//!
//! - `POST /lots/vecka`: makes a new calendar link for the caller (the old one stops working) and
//!   shows the week page again with the link, this once (200).
//! - `GET /kalender/{secret}.ics`: the calendar of the member whose link it is, no login. An
//!   unknown or dead link is a bare 404, the same whatever the reason.
use super::staff::{refuse, show, Authorised};
use app::models::boot::StaffEcho;
use app::ssr::auth::proof::{CaseWork, Proof};
use app::ssr::client::client_ip;
use app::ssr::services::week;
use app::ssr::state::AppState;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, REFERRER_POLICY};
use http::{HeaderValue, StatusCode};
use std::time::Instant;

/// Where feeds are served; the security headers treat everything under it as secret.
pub const FEED_PREFIX: &str = "/kalender/";

/// `POST /lots/vecka`.
pub async fn renew_feed(
    State(state): State<AppState>,
    Authorised { parts, who, .. }: Authorised<Proof<CaseWork>>,
) -> Response {
    match week::renew_feed(&state.db, &state.keys, &who, state.clock.now()).await {
        Ok(secret) => {
            // The address the member reached us at is the one their calendar can reach too.
            let host = parts
                .headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
                .unwrap_or("localhost");
            let scheme = if state.settings.access.https {
                "https"
            } else {
                "http"
            };
            let echo = StaffEcho {
                secret: Some(format!("{scheme}://{host}{FEED_PREFIX}{secret}.ics")),
                ..Default::default()
            };
            show(state, parts, echo, StatusCode::OK).await
        }
        Err(e) => refuse(state, parts, e, None).await,
    }
}

fn with_feed_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

/// `GET /kalender/{secret}.ics`.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let client = client_ip(&parts);
    if state.feed_limiter.check(client, Instant::now()).is_err() {
        return with_feed_headers(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    let Some(secret) = file.strip_suffix(".ics") else {
        return with_feed_headers(StatusCode::NOT_FOUND.into_response());
    };
    let now = state.clock.now();
    let res = match week::feed(&state.db, &state.keys, secret, Some(client), now).await {
        Ok(Some(ics)) => (
            [(
                CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            )],
            ics,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        // The cause is logged where the error was made (`AppError::internal`, `From<DbErr>`).
        Err(e) => StatusCode::from_u16(e.status())
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            .into_response(),
    };
    with_feed_headers(res)
}
