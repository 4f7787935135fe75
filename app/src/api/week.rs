//! The week page's read. Making a calendar link is a form post (`server/src/routes/week.rs`).
use crate::error::AppError;
use crate::models::week::{IsoWeek, WeekView};
use leptos::prelude::*;

/// Case work: the caller's meetings and follow-ups of the week `week` (`None`: this week).
#[server(input = leptos::server_fn::codec::Json, endpoint = "week/get")]
pub async fn get_week(week: Option<IsoWeek>) -> Result<WeekView, AppError> {
    use crate::ssr::auth::proof::{CaseWork, Proof};
    use crate::ssr::{ctx, services::week};
    ctx::authorised(|s, who: Proof<CaseWork>| async move {
        week::week(&s.db, &who, week, s.clock.now()).await
    })
    .await
}
