//! The staff workspace's reads. Each authorises on its first line (`authz`), sets the HTTP status
//! of a refusal, and is called both while the server renders a page and from the browser.
//! Changes go through the pages' own form posts (`server/src/routes/staff.rs`).
use crate::error::AppError;
use crate::models::audit::{AuditFilter, AuditPage};
use crate::models::staff::{Me, StaffRow};
use crate::models::team::TeamSettingsView;
use leptos::prelude::*;

/// The signed-in staff member (any role; also before a temporary password is changed).
#[server(endpoint = "staff/me")]
pub async fn current_staff() -> Result<Me, AppError> {
    use crate::ssr::authz;
    crate::status::with_status(authz::signed_in_here().await.map(|(_, who)| Me {
        name: who.name().to_string(),
        role: who.role(),
        team_name: who.team_name().to_string(),
        must_change_password: who.must_change_password(),
        needs_two_factor: who.needs_two_factor(),
    }))
}

/// Admin: the team's staff accounts.
#[server(endpoint = "staff/list")]
pub async fn list_staff() -> Result<Vec<StaffRow>, AppError> {
    use crate::models::staff::Permission;
    use crate::ssr::{authz, staff_admin};
    crate::status::with_status(
        async {
            let (state, who) = authz::require_here(Permission::ManageStaff).await?;
            staff_admin::list(&state, &who).await
        }
        .await,
    )
}

/// Admin: one staff account of the team.
#[server(endpoint = "staff/get")]
pub async fn get_staff(id: i64) -> Result<StaffRow, AppError> {
    use crate::models::staff::Permission;
    use crate::ssr::{authz, staff_admin};
    crate::status::with_status(
        async {
            let (state, who) = authz::require_here(Permission::ManageStaff).await?;
            staff_admin::get(&state, &who, id).await
        }
        .await,
    )
}

/// Admin: the team's settings.
#[server(endpoint = "team/settings")]
pub async fn get_team_settings() -> Result<TeamSettingsView, AppError> {
    use crate::models::staff::Permission;
    use crate::ssr::{authz, team_admin};
    crate::status::with_status(
        async {
            let (state, who) = authz::require_here(Permission::ManageTeam).await?;
            team_admin::get(&state, &who).await
        }
        .await,
    )
}

/// Admin: the team's audit log, filtered.
#[server(input = leptos::server_fn::codec::Json, endpoint = "audit/list")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::models::staff::Permission;
    use crate::ssr::{audit_view, authz};
    crate::status::with_status(
        async {
            let (state, who) = authz::require_here(Permission::ReadAudit).await?;
            audit_view::list(&state, &who, filter).await
        }
        .await,
    )
}

/// The caller's own two-factor login: on or off, and while off a secret to enrol.
#[server(endpoint = "staff/two-factor")]
pub async fn two_factor_status() -> Result<crate::models::two_factor::TwoFactorView, AppError> {
    use crate::ssr::{authz, two_factor};
    crate::status::with_status(
        async {
            let (state, who) = authz::signed_in_here().await?;
            two_factor::status(&state, &who).await
        }
        .await,
    )
}
