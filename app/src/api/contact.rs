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
    use crate::ssr::services::contact;
    use crate::ssr::{client::client_ip, ctx, host::public_team, lang::from_parts};
    ctx::public(|s, parts| async move {
        // The rate limit first: the body is already decoded (the server-function layer does
        // that), but nothing else is done for a client over its limit.
        let admitted = contact::admit(&s.limiter, client_ip(&parts))?;
        let lang = from_parts(&parts);
        let team = public_team(&s, &parts).id;
        contact::submit(&s.queue, &s.keys, team, channel, &form, admitted, lang).await
    })
    .await
}

/// Public: the receipt for a reference code (no personal data: the channel and when it was sent).
#[server(endpoint = "contact/receipt")]
pub async fn get_receipt(code: String) -> Result<Receipt, AppError> {
    use crate::ssr::{ctx, host::public_team, lang::from_parts, services::contact};
    ctx::public(|s, parts| async move {
        // Only the host's team's codes: another team's code is "not found" here.
        let team = public_team(&s, &parts).id;
        contact::receipt(&s.db, team, &code, from_parts(&parts)).await
    })
    .await
}
