//! The team's public details in memory: every public page shows them, so they are not read from
//! the database per request. Refreshed after an admin's change and every half minute, so a change
//! made through another app instance shows within that time.
use crate::models::boot::PublicTeam;
use crate::models::email::Email;
use crate::models::ids::TeamId;
use crate::models::phone::Phone;
use crate::ssr::infra::settings::TeamSettings;
use crate::ssr::repo::entities::team;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often each instance re-reads the team from the database.
const REFRESH: Duration = Duration::from_secs(30);

/// The public details of this installation's team, kept in memory.
#[derive(Clone)]
pub struct TeamCache {
    team_id: TeamId,
    /// What the environment says that the database does not hold (the accessibility statement).
    base: Arc<TeamSettings>,
    current: Arc<RwLock<PublicTeam>>,
}

impl TeamCache {
    pub fn new(team_id: TeamId, base: TeamSettings) -> Self {
        let current = Arc::new(RwLock::new(base.public()));
        TeamCache {
            team_id,
            base: Arc::new(base),
            current,
        }
    }

    /// The team this copy is of.
    pub fn team_id(&self) -> TeamId {
        self.team_id
    }

    pub fn get(&self) -> PublicTeam {
        self.current.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// Reads the team row again.
    pub async fn refresh(&self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        if let Some(row) = team::Entity::find_by_id(self.team_id).one(conn).await? {
            let mut public = self.base.public();
            public.name = row.name;
            public.municipality = row.municipality;
            let phone = Phone::from_e164(row.phone);
            public.phone_display = phone.display();
            public.phone_e164 = phone.e164().to_string();
            public.email = Email::from_stored(row.email).as_str().to_string();
            public.first_contact_days = u8::try_from(row.first_contact_days).unwrap_or(3);
            if let Ok(mut w) = self.current.write() {
                *w = public;
            }
        }
        Ok(())
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
