//! Security headers on every response, and refusal of cross-site requests that change state.
use app::i18n::{text, Lang, K};
use app::ssr::shell::CspNonce;
use app::ssr::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

/// The policy for a page with `nonce`. Scripts only from us or with this response's nonce (the
/// hydration loader), wasm compilation allowed, no inline styles, no plugins, no framing, forms
/// only to us.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether the response may hold personal data and so must never be stored by a cache: the staff
/// workspace, every server function's answer and the calendar feeds.
fn private_path(path: &str) -> bool {
    path == "/lots" || path.starts_with("/lots/") || path.starts_with("/api/") || secret_path(path)
}

/// Whether the path itself is a secret (a calendar feed's address): it must not travel on in a
/// `Referer` either.
fn secret_path(path: &str) -> bool {
    path.starts_with(crate::routes::week::FEED_PREFIX)
}

/// Adds the headers. A fresh nonce per response goes into the request for the page shell.
pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // No random source, no nonce: the answer is a 503, never a page with a guessable nonce.
    let nonce = match app::ssr::infra::random::form_key() {
        Ok(nonce) => nonce,
        Err(e) => {
            tracing::error!(error = %e, "no nonce for the content security policy");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let private = private_path(req.uri().path());
    let secret = secret_path(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, CONTENT_SECURITY_POLICY, &content_security_policy(&nonce));
    set(h, X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        h,
        REFERRER_POLICY,
        if secret { "no-referrer" } else { "same-origin" },
    );
    set(h, X_FRAME_OPTIONS, "DENY");
    set(
        h,
        http::header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    );
    set(
        h,
        http::header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.settings.access.https {
        set(
            h,
            STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if private {
        set(h, CACHE_CONTROL, "no-store");
    }
    res
}

/// Whether a state-changing request comes from another site. Browsers send `Sec-Fetch-Site` (and
/// `Origin` on posts); a request with neither comes from a non-browser client, which carries no
/// victim's cookies, so it passes.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = value(http::header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match (value(ORIGIN), value(HOST)) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            origin_host != host
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Refuses cross-site posts (403) before they reach any handler.
pub async fn same_site_only(req: Request, next: Next) -> Response {
    if is_cross_site(req.method(), req.headers()) {
        let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, text(lang, K::err_cross_site)).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    #[test]
    fn cross_site_is_told_by_fetch_metadata_or_origin() {
        let post = Method::POST;
        assert!(!is_cross_site(
            &Method::GET,
            &h(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(
            &post,
            &h(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(&post, &h(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(
            &post,
            &h(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(!is_cross_site(
            &post,
            &h(&[("origin", "http://a.se"), ("host", "a.se")])
        ));
        assert!(is_cross_site(
            &post,
            &h(&[("origin", "https://evil.se"), ("host", "a.se")])
        ));
        assert!(is_cross_site(
            &post,
            &h(&[("origin", "null"), ("host", "a.se")])
        ));
        assert!(!is_cross_site(&post, &h(&[])));
    }
}
