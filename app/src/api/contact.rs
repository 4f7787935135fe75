//! The public contact forms when JavaScript runs (the plain-HTML path posts to the pages instead;
//! both end in the same service).
use crate::error::AppError;
use crate::models::contact::Channel;
use crate::models::form::RawForm;
use crate::models::receipt::Receipt;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Public: stores one contact request and returns its receipt. Repeats with the same form key
/// return the first request's receipt.
#[server(input = Json, endpoint = "contact/submit")]
pub async fn submit_contact(channel: Channel, form: RawForm) -> Result<Receipt, AppError> {
    use crate::ssr::{client::client_ip, contact_requests, state::AppState};
    let state = expect_context::<AppState>();
    let parts = expect_context::<http::request::Parts>();
    let lang = crate::ssr::lang::from_parts(&parts);
    crate::status::with_status(
        contact_requests::submit(&state, channel, &form, client_ip(&parts), lang).await,
    )
}

/// Public: the receipt for a reference code (no personal data: the channel and when it was sent).
#[server(endpoint = "contact/receipt")]
pub async fn get_receipt(code: String) -> Result<Receipt, AppError> {
    use crate::ssr::{contact_requests, state::AppState};
    let state = expect_context::<AppState>();
    let lang = crate::ssr::lang::from_parts(&expect_context::<http::request::Parts>());
    crate::status::with_status(contact_requests::receipt(&state, &code, lang).await)
}
