//! Setting the HTTP status of a server-rendered page from inside a component.

/// Sets the status of the response being rendered (a no-op in the browser).
#[cfg(feature = "ssr")]
pub fn set_status(code: u16) {
    use leptos::prelude::use_context;
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
}

/// Sets the status of the response being rendered (a no-op in the browser).
#[cfg(not(feature = "ssr"))]
pub fn set_status(_code: u16) {}

/// Passes a server function's result through, setting the response status of an error
/// (server functions answer 200 otherwise).
pub fn with_status<T>(
    result: Result<T, crate::error::AppError>,
) -> Result<T, crate::error::AppError> {
    if let Err(e) = &result {
        set_status(e.status());
    }
    result
}
