//! The staff workspace's reads. Each authorises on its first line (`ctx::authorised` with the
//! proof its service needs), which also sets the HTTP status of a refusal; each is called both
//! while the server renders a page and from the browser. Changes go through the pages' own form
//! posts (`server/src/routes/staff.rs`).
use crate::error::AppError;
use crate::models::audit::{AuditFilter, AuditPage};
use crate::models::ids::StaffId;
use crate::models::staff::{Me, StaffRow};
use crate::models::team::TeamSettingsView;
use leptos::prelude::*;

/// The signed-in staff member (any role; also before a temporary password is changed), with the
/// number of new requests in the team's inbox for a role that has one.
#[server(endpoint = "staff/me")]
pub async fn current_staff() -> Result<Me, AppError> {
    use crate::ssr::{auth::proof::SignedIn, ctx, services::inbox};
    ctx::authorised(|s, who: SignedIn| async move {
        Ok(Me {
            inbox_new: inbox::count_new(&s.db, &who).await?,
            name: who.name().to_string(),
            role: who.role(),
            team_name: who.team_name().to_string(),
            must_change_password: who.must_change_password(),
            needs_two_factor: who.needs_two_factor(),
        })
    })
    .await
}

/// Admin: the team's staff accounts.
#[server(endpoint = "staff/list")]
pub async fn list_staff() -> Result<Vec<StaffRow>, AppError> {
    use crate::ssr::auth::proof::{ManageStaff, Proof};
    use crate::ssr::{ctx, services::staff};
    ctx::authorised(|s, who: Proof<ManageStaff>| async move { staff::list(&s.db, &who).await })
        .await
}

/// Admin: one staff account of the team.
#[server(endpoint = "staff/get")]
pub async fn get_staff(id: StaffId) -> Result<StaffRow, AppError> {
    use crate::ssr::auth::proof::{ManageStaff, Proof};
    use crate::ssr::{ctx, services::staff};
    ctx::authorised(|s, who: Proof<ManageStaff>| async move { staff::get(&s.db, &who, id).await })
        .await
}

/// Admin: the team's settings.
#[server(endpoint = "team/settings")]
pub async fn get_team_settings() -> Result<TeamSettingsView, AppError> {
    use crate::ssr::auth::proof::{ManageTeam, Proof};
    use crate::ssr::{ctx, services::team};
    ctx::authorised(|s, who: Proof<ManageTeam>| async move { team::get(&s.db, &who).await }).await
}

/// Admin: the team's audit log, filtered.
#[server(input = leptos::server_fn::codec::Json, endpoint = "audit/list")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::ssr::auth::proof::{Proof, ReadAudit};
    use crate::ssr::{ctx, services::audit_log};
    ctx::authorised(
        |s, who: Proof<ReadAudit>| async move { audit_log::list(&s.db, &who, filter).await },
    )
    .await
}

/// The caller's own two-factor login: on or off, and while off a secret to enrol.
#[server(endpoint = "staff/two-factor")]
pub async fn two_factor_status() -> Result<crate::models::two_factor::TwoFactorView, AppError> {
    use crate::ssr::{auth::proof::SignedIn, auth::two_factor, ctx};
    ctx::authorised(|s, who: SignedIn| async move {
        two_factor::status(&s.db, &s.keys, who.team_name(), &who).await
    })
    .await
}
