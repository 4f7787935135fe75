//! What a server function starts from: the app state and the request, provided as context by the
//! server, and the caller checked for the proof the function needs. `authorised` and `public` also
//! set the response status of an error (server functions answer 200 otherwise), so a server
//! function is one line around its service.
use crate::error::AppError;
use crate::ssr::auth::proof::Check;
use crate::ssr::state::AppState;
use crate::status::with_status;
use http::request::Parts;
use leptos::prelude::use_context;
use std::future::Future;

/// The app state and the request being answered.
pub fn here() -> Result<(AppState, Parts), AppError> {
    match (use_context::<AppState>(), use_context::<Parts>()) {
        (Some(s), Some(p)) => Ok((s, p)),
        _ => Err(AppError::internal("server function without its context")),
    }
}

/// The app state and the caller checked for the proof `A` (`Proof<ManageStaff>`, `SignedIn`…).
pub async fn authorise<A: Check>() -> Result<(AppState, A), AppError> {
    let (state, parts) = here()?;
    let proof = A::check(&state.db, &state.settings.access, &parts, state.clock.now()).await?;
    Ok((state, proof))
}

/// Runs `f` for a caller with the proof `A`, named by `f`'s argument type:
/// `ctx::authorised(|s, who: Proof<ManageStaff>| async move { staff::list(&s.db, &who).await })`.
pub async fn authorised<A, T, F, Fut>(f: F) -> Result<T, AppError>
where
    A: Check,
    F: FnOnce(AppState, A) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match authorise::<A>().await {
        Ok((state, proof)) => f(state, proof).await,
        Err(e) => Err(e),
    };
    with_status(result)
}

/// Runs `f` for anyone (public server functions).
pub async fn public<T, F, Fut>(f: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, Parts) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match here() {
        Ok((state, parts)) => f(state, parts).await,
        Err(e) => Err(e),
    };
    with_status(result)
}
