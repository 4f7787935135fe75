//! The case page's and the caseload's reads. Changes to a case come with their own form posts
//! (`server/src/routes/cases.rs`).
use crate::error::AppError;
use crate::models::case::{CaseView, CaseloadFilter, CaseloadPage};
use crate::models::ids::CaseId;
use leptos::prelude::*;

/// Case work: one case of the caller's team (another team's is "not found").
#[server(endpoint = "case/get")]
pub async fn get_case(id: CaseId) -> Result<CaseView, AppError> {
    use crate::ssr::auth::proof::{CaseWork, Proof};
    use crate::ssr::{ctx, services::cases};
    ctx::authorised(|s, who: Proof<CaseWork>| async move {
        cases::get(&s.db, &s.keys, &who, id, s.clock.now()).await
    })
    .await
}

/// Case work: a page of the caller's or the team's cases, with the counts by step.
#[server(input = leptos::server_fn::codec::Json, endpoint = "case/list")]
pub async fn list_caseload(filter: CaseloadFilter) -> Result<CaseloadPage, AppError> {
    use crate::ssr::auth::proof::{CaseWork, Proof};
    use crate::ssr::{ctx, services::cases};
    ctx::authorised(|s, who: Proof<CaseWork>| async move {
        cases::caseload(&s.db, &who, filter, s.clock.now()).await
    })
    .await
}
