//! Who may do what. Every non-public server function and staff route starts here.
//!
//! `Staff` is the proof that a caller is a signed-in, active staff member with a given permission.
//! Only this module can build one (its fields are private), and every service that touches
//! personal data takes it, so forgetting the check does not compile.
use super::client::ClientIp;
use super::entities::team;
use super::sessions;
use super::state::AppState;
use crate::error::AppError;
use crate::models::staff::{Permission, Role};
use http::request::Parts;
use sea_orm::EntityTrait;
use std::net::IpAddr;

/// A signed-in staff member, checked for one permission (or only for being signed in).
#[derive(Clone, Debug)]
pub struct Staff {
    id: i64,
    team_id: i64,
    role: Role,
    name: String,
    must_change_password: bool,
    /// The team requires two-factor login and this member has not set it up yet.
    needs_two_factor: bool,
    team_name: String,
    client: Option<IpAddr>,
}

impl Staff {
    pub fn id(&self) -> i64 {
        self.id
    }
    /// The only team whose data this caller may see.
    pub fn team_id(&self) -> i64 {
        self.team_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn must_change_password(&self) -> bool {
        self.must_change_password
    }
    pub fn needs_two_factor(&self) -> bool {
        self.needs_two_factor
    }
    pub fn team_name(&self) -> &str {
        &self.team_name
    }
    /// The address the request came from, for the audit log.
    pub fn client(&self) -> Option<IpAddr> {
        self.client
    }
}

/// The caller, if the request carries a live session: anonymous is `Ok(None)`.
pub async fn identify(state: &AppState, parts: &Parts) -> Result<Option<Staff>, AppError> {
    let access = &state.settings.access;
    let Some(token) = sessions::token_from(&parts.headers, access) else {
        return Ok(None);
    };
    let found = sessions::find(&state.db, &token, access, chrono::Utc::now()).await?;
    // A session still waiting for its second factor is no one yet.
    let Some(m) = found.filter(|f| !f.second_factor_pending).map(|f| f.staff) else {
        return Ok(None);
    };
    let Some(team) = team::Entity::find_by_id(m.team_id).one(&state.db).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&m.role) else {
        tracing::error!(staff = m.id, "staff row with an unknown role");
        return Err(AppError::Forbidden);
    };
    Ok(Some(Staff {
        id: m.id,
        team_id: m.team_id,
        role,
        name: m.name,
        must_change_password: m.must_change_password,
        needs_two_factor: team.require_two_factor && m.totp_secret.is_none(),
        team_name: team.name,
        client: parts.extensions.get::<ClientIp>().map(|c| c.0),
    }))
}

/// Any signed-in staff member, even one who must change their password or set up two-factor
/// login first (for the shell, logout and those steps). Anonymous → 401.
pub async fn signed_in(state: &AppState, parts: &Parts) -> Result<Staff, AppError> {
    identify(state, parts).await?.ok_or(AppError::Unauthorized)
}

/// A signed-in staff member whose role has `permission`. Anonymous → 401; wrong role, a
/// temporary password not yet changed, or required two-factor not yet set up → 403.
pub async fn require(
    state: &AppState,
    parts: &Parts,
    permission: Permission,
) -> Result<Staff, AppError> {
    let staff = signed_in(state, parts).await?;
    if staff.must_change_password || staff.needs_two_factor {
        return Err(AppError::SetupRequired);
    }
    if !staff.role.can(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(staff)
}

/// For server functions: the app state, the request, and the caller checked for `permission`.
pub async fn require_here(permission: Permission) -> Result<(AppState, Staff), AppError> {
    let (state, parts) = here()?;
    let staff = require(&state, &parts, permission).await?;
    Ok((state, staff))
}

/// For server functions: the caller, signed in with any role.
pub async fn signed_in_here() -> Result<(AppState, Staff), AppError> {
    let (state, parts) = here()?;
    let staff = signed_in(&state, &parts).await?;
    Ok((state, staff))
}

fn here() -> Result<(AppState, Parts), AppError> {
    use leptos::prelude::use_context;
    match (use_context::<AppState>(), use_context::<Parts>()) {
        (Some(s), Some(p)) => Ok((s, p)),
        _ => Err(AppError::Internal),
    }
}
