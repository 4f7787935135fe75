//! The inbox's read. Changes to a request (contact attempts, decline, accept) come with their own
//! form posts.
use crate::error::AppError;
use crate::models::inbox::{InboxFilter, InboxPage};
use crate::models::request::RequestView;
use leptos::prelude::*;

/// Case work: a page of the caller's team's contact requests, newest first, filtered.
#[server(input = leptos::server_fn::codec::Json, endpoint = "inbox/list")]
pub async fn list_inbox(filter: InboxFilter) -> Result<InboxPage, AppError> {
    use crate::ssr::auth::proof::{CaseWork, Proof};
    use crate::ssr::{ctx, services::inbox};
    ctx::authorised(|s, who: Proof<CaseWork>| async move {
        inbox::list(&s.db, &who, filter, s.clock.now()).await
    })
    .await
}

/// Case work: one contact request of the caller's team with its history (audited as a read).
#[server(endpoint = "inbox/request")]
pub async fn get_request(id: i64) -> Result<RequestView, AppError> {
    use crate::ssr::auth::proof::{CaseWork, Proof};
    use crate::ssr::{ctx, services::requests};
    ctx::authorised(|s, who: Proof<CaseWork>| async move {
        requests::get(&s.db, &who, id, s.clock.now()).await
    })
    .await
}
