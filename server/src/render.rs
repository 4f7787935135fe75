//! Rendering a page in answer to a form post: the same page a GET of that address shows, with
//! extra context (what was typed, what to fix) and the status the outcome calls for.
use app::ssr::shell::shell;
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};

/// Renders the page at `parts`' path as a GET would, inside `provide` (which adds context).
pub async fn page(
    state: AppState,
    mut parts: http::request::Parts,
    provide: impl Fn() + Clone + Send + Sync + 'static,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(CONTENT_TYPE);
    let req = Request::from_parts(parts, Body::empty());
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            leptos::prelude::provide_context(state.clone());
            provide();
        },
        move || shell(options.clone()),
    );
    let mut res = handler(req).await;
    // A refusal the page itself rendered (the caller may not see it) keeps its status.
    if !matches!(res.status().as_u16(), 401 | 403 | 404) {
        *res.status_mut() = status;
    }
    // The page holds what the person typed: never keep it in any cache.
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
