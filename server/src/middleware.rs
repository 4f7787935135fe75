//! Tower middleware of our own: the client's address and the page language.
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::client::ClientIp;
use app::ssr::infra::net::canonical;
use app::ssr::lang::{resolve, COOKIE};
use app::ssr::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{ACCEPT_LANGUAGE, COOKIE as COOKIE_HEADER, SET_COOKIE, VARY};
use http::HeaderValue;
use std::net::SocketAddr;

/// Puts `ClientIp` into the request: the peer address, or behind one of our trusted proxies the
/// address it forwarded (read from the right of `X-Forwarded-For`, see `TrustedProxies::client`).
/// IPv4 clients of a dual-stack listener (`::ffff:a.b.c.d`) are their IPv4 address.
pub async fn client_ip(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let proxies = &state.settings.trusted_proxies;
        // A header that is not text is no list of addresses: the peer.
        let forwarded: Option<Vec<&str>> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| v.to_str().ok())
            .collect();
        let ip = match forwarded {
            Some(list) => proxies.client(peer, &list),
            None => canonical(peer),
        };
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// Puts the page language into the request; `?lang=xx` also sets a cookie that remembers it.
pub async fn language(mut req: Request, next: Next) -> Response {
    // In a block: nothing borrowed from `req` may live across the await below.
    let (lang, chosen) = {
        let header = |name| {
            req.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        resolve(
            req.uri().query(),
            header(COOKIE_HEADER),
            header(ACCEPT_LANGUAGE),
        )
    };
    req.extensions_mut().insert::<Lang>(lang);
    let mut res = next.run(req).await;
    res.headers_mut()
        .append(VARY, HeaderValue::from_static("accept-language, cookie"));
    if chosen {
        let cookie = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

/// Server functions set the status of every error they return themselves (`AppError::status`).
/// A 500 carrying `AppError::Request` comes from the server-function layer failing to decode the
/// request — the client sent something malformed — so it becomes a 400, never a 500.
pub async fn server_fn_client_errors(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if matches!(
        serde_json::from_slice::<AppError>(&bytes),
        Ok(AppError::Request(_))
    ) {
        parts.status = http::StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
