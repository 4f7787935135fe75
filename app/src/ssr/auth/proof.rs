//! Who may do what. Every non-public server function and staff route starts here.
//!
//! The check hands back a proof, and the proof's type says what was checked:
//! - [`Proof<P>`]: a signed-in, active staff member whose role has the permission `P`, with no
//!   step pending (a temporary password, required two-factor login). Only [`require`] builds one.
//! - [`SignedIn`]: only that someone is signed in (the shell, logout, their own password and
//!   two-factor login). Only [`signed_in`] builds one.
//!
//! A service that reads or changes personal data takes `&Proof<ThePermissionItNeeds>`, so a
//! handler that forgets the check, checks only the login, or checks another permission does not
//! compile. With the right proof it does:
//!
//! ```no_run
//! use app::ssr::auth::proof::{ManageStaff, Proof};
//! async fn admin_page(db: &sea_orm::DatabaseConnection, who: &Proof<ManageStaff>) {
//!     let _ = app::ssr::services::staff::list(db, who).await;
//! }
//! ```
//!
//! A login-only proof is refused:
//!
//! ```compile_fail,E0308
//! use app::ssr::auth::proof::SignedIn;
//! async fn forgot_the_check(db: &sea_orm::DatabaseConnection, who: &SignedIn) {
//!     let _ = app::ssr::services::staff::list(db, who).await;
//! }
//! ```
//!
//! and so is a proof of another permission:
//!
//! ```compile_fail,E0308
//! use app::ssr::auth::proof::{Proof, ReadAudit};
//! async fn checked_the_wrong_thing(db: &sea_orm::DatabaseConnection, who: &Proof<ReadAudit>) {
//!     let _ = app::ssr::services::staff::list(db, who).await;
//! }
//! ```
//!
//! Nor can a proof be made by hand from a signed-in member (its fields are private):
//!
//! ```compile_fail,E0451
//! use app::ssr::auth::proof::{ManageStaff, Proof, SignedIn};
//! fn forge(who: &SignedIn) -> Proof<ManageStaff> {
//!     Proof { staff: (**who).clone(), permit: std::marker::PhantomData }
//! }
//! ```
use crate::error::AppError;
use crate::models::audit::Action;
use crate::models::ids::{StaffId, TeamId};
use crate::models::staff::{Permission, Role};
use crate::ssr::auth::sessions;
use crate::ssr::client::ClientIp;
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::audit::Event;
use crate::ssr::repo::entities::team;
use chrono::{DateTime, Utc};
use http::request::Parts;
use sea_orm::{ConnectionTrait, EntityTrait};
use std::future::Future;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::ops::Deref;

/// A signed-in, active staff member: who they are. Reached only through a proof.
#[derive(Clone, Debug)]
pub struct Staff {
    id: StaffId,
    team_id: TeamId,
    role: Role,
    name: String,
    must_change_password: bool,
    /// The team requires two-factor login and this member has not set it up yet.
    needs_two_factor: bool,
    team_name: String,
    client: Option<IpAddr>,
}

impl Staff {
    pub fn id(&self) -> StaffId {
        self.id
    }
    /// The only team whose data this caller may see.
    pub fn team_id(&self) -> TeamId {
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
    /// An audit entry of this caller doing `action`: their team, their id, their address.
    pub fn event(&self, action: Action) -> Event {
        Event {
            team_id: Some(self.team_id),
            actor: Some(self.id),
            client: self.client,
            ..Event::new(action)
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A permission as a type, so a proof can name it. Sealed: the list below is all there is.
pub trait Permit: sealed::Sealed + Copy + Send + Sync + 'static {
    const PERMISSION: Permission;
}

macro_rules! permits {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub enum $name {}
        impl sealed::Sealed for $name {}
        impl Permit for $name {
            const PERMISSION: Permission = Permission::$name;
        }
    )*};
}

permits!(
    /// Inbox, participants, activities: a person's data.
    CaseWork,
    /// Reports (never a person's data).
    Reports,
    /// Staff accounts.
    ManageStaff,
    /// The team's settings.
    ManageTeam,
    /// The audit log.
    ReadAudit,
);

/// Proof that the caller is signed in, has no step pending and holds the permission `P`.
#[derive(Clone, Debug)]
pub struct Proof<P: Permit> {
    staff: Staff,
    permit: PhantomData<P>,
}

impl<P: Permit> Deref for Proof<P> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.staff
    }
}

/// Proof only that the caller is signed in: any role, perhaps with a step pending.
#[derive(Clone, Debug)]
pub struct SignedIn {
    staff: Staff,
}

impl Deref for SignedIn {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.staff
    }
}

/// The caller, if the request carries a live session: anonymous is `Ok(None)`.
pub async fn identify(
    conn: &impl ConnectionTrait,
    access: &AccessSettings,
    parts: &Parts,
    now: DateTime<Utc>,
) -> Result<Option<Staff>, AppError> {
    let Some(token) = sessions::token_from(&parts.headers, access) else {
        return Ok(None);
    };
    let found = sessions::find(conn, token.expose(), access, now).await?;
    // A session still waiting for its second factor is no one yet.
    let Some(m) = found.filter(|f| !f.second_factor_pending).map(|f| f.staff) else {
        return Ok(None);
    };
    let Some(team) = team::Entity::find_by_id(m.team_id).one(conn).await? else {
        return Ok(None);
    };
    Ok(Some(Staff {
        id: m.id,
        team_id: m.team_id,
        role: m.role,
        name: m.name,
        must_change_password: m.must_change_password,
        needs_two_factor: team.require_two_factor && m.totp_secret.is_none(),
        team_name: team.name,
        client: parts.extensions.get::<ClientIp>().map(|c| c.0),
    }))
}

/// Any signed-in staff member, even one who must change their password or set up two-factor
/// login first (for the shell, logout and those steps). Anonymous → 401.
pub async fn signed_in(
    conn: &impl ConnectionTrait,
    access: &AccessSettings,
    parts: &Parts,
    now: DateTime<Utc>,
) -> Result<SignedIn, AppError> {
    let staff = identify(conn, access, parts, now)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(SignedIn { staff })
}

/// A signed-in staff member whose role has the permission `P`. Anonymous → 401; wrong role, a
/// temporary password not yet changed, or required two-factor not yet set up → 403.
pub async fn require<P: Permit>(
    conn: &impl ConnectionTrait,
    access: &AccessSettings,
    parts: &Parts,
    now: DateTime<Utc>,
) -> Result<Proof<P>, AppError> {
    let SignedIn { staff } = signed_in(conn, access, parts, now).await?;
    if staff.must_change_password || staff.needs_two_factor {
        return Err(AppError::SetupRequired);
    }
    if !staff.role.can(P::PERMISSION) {
        return Err(AppError::Forbidden);
    }
    Ok(Proof {
        staff,
        permit: PhantomData,
    })
}

/// The check that builds a proof, named by the proof's type: lets one helper authorise a server
/// function or a form post for whichever proof it asks for.
pub trait Check: Sized + Send {
    fn check(
        conn: &impl ConnectionTrait,
        access: &AccessSettings,
        parts: &Parts,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self, AppError>> + Send;
}

impl Check for SignedIn {
    async fn check(
        conn: &impl ConnectionTrait,
        access: &AccessSettings,
        parts: &Parts,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        signed_in(conn, access, parts, now).await
    }
}

impl<P: Permit> Check for Proof<P> {
    async fn check(
        conn: &impl ConnectionTrait,
        access: &AccessSettings,
        parts: &Parts,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        require::<P>(conn, access, parts, now).await
    }
}
