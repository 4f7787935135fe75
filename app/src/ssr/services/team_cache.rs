//! Every team's public details and host name in memory: each public page and form needs the team
//! its request's host names, so that is never read from the database per request. The whole
//! teams table (a handful of rows, one per municipality) is read at start, after an admin's
//! change on this instance, and every half minute, so a change made elsewhere (another app
//! instance, `halsolots team add | set-host` on the console) shows within that time.
//!
//! A request's look-up is a read lock and two hash-map look-ups: a thousand requests cost no
//! query at all, and a region of many municipalities costs one small query per instance per
//! `REFRESH`.
use crate::models::boot::PublicTeam;
use crate::models::email::Email;
use crate::models::ids::TeamId;
use crate::models::phone::Phone;
use crate::ssr::infra::settings::TeamSettings;
use crate::ssr::repo::entities::team;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often each instance re-reads the teams from the database.
pub const REFRESH: Duration = Duration::from_secs(30);

/// A team as its public pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicTeamRef {
    pub id: TeamId,
    pub details: PublicTeam,
}

/// What one read of the teams table gave.
#[derive(Default)]
struct Snapshot {
    by_host: HashMap<String, TeamId>,
    teams: HashMap<TeamId, PublicTeam>,
}

/// The installation's teams, kept in memory; cheap to clone (shared).
#[derive(Clone)]
pub struct TeamCache {
    /// The team of any host that no team claims (the installation's own, from the settings).
    default: TeamId,
    /// What the environment says that the database does not hold (the accessibility statement),
    /// and the default team's details until the first read.
    base: Arc<TeamSettings>,
    current: Arc<RwLock<Arc<Snapshot>>>,
}

impl TeamCache {
    pub fn new(default: TeamId, base: TeamSettings) -> Self {
        let mut first = Snapshot::default();
        first.teams.insert(default, base.public());
        TeamCache {
            default,
            base: Arc::new(base),
            current: Arc::new(RwLock::new(Arc::new(first))),
        }
    }

    /// The team of any host that no team claims.
    pub fn default_team(&self) -> TeamId {
        self.default
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a writer panicked mid-swap of an `Arc`: the value is whole.
        match self.current.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The team whose public pages answer on `host` (lower-case, without a port; see
    /// `infra::host`), else the default team.
    pub fn for_host(&self, host: Option<&str>) -> PublicTeamRef {
        let snap = self.snapshot();
        let id = host
            .and_then(|h| snap.by_host.get(h).copied())
            .unwrap_or(self.default);
        let details = snap
            .teams
            .get(&id)
            .cloned()
            .unwrap_or_else(|| self.base.public());
        PublicTeamRef { id, details }
    }

    /// Reads every team again.
    pub async fn refresh(&self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        let rows = team::Entity::find().all(conn).await?;
        let mut next = Snapshot::default();
        for row in rows {
            if let Some(host) = row.public_host.clone() {
                next.by_host.insert(host, row.id);
            }
            next.teams.insert(row.id, self.public(row));
        }
        match self.current.write() {
            Ok(mut w) => *w = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        Ok(())
    }

    fn public(&self, row: team::Model) -> PublicTeam {
        let mut public = self.base.public();
        public.name = row.name;
        public.municipality = row.municipality;
        let phone = Phone::from_e164(row.phone);
        public.phone_display = phone.display();
        public.phone_e164 = phone.e164().to_string();
        public.email = Email::from_stored(row.email).as_str().to_string();
        public.first_contact_days = u8::try_from(row.first_contact_days).unwrap_or(3);
        public
    }

    /// Re-reads every `REFRESH` for as long as the server runs.
    pub fn keep_fresh(&self, db: sea_orm::DatabaseConnection) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(REFRESH).await;
                if let Err(e) = me.refresh(&db).await {
                    tracing::warn!(error = %e, "team settings refresh failed");
                }
            }
        });
    }
}
