//! The team's settings: read and changed by admins, shown on every public page. The public pages
//! read a copy in memory (`TeamCache`) that is refreshed after a change and every half minute, so
//! a change made through another app instance shows within that time.
use super::audit::{self, Event};
use super::authz::Staff;
use super::entities::team;
use super::settings::TeamSettings;
use super::state::AppState;
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::boot::PublicTeam;
use crate::models::email::Email;
use crate::models::phone::Phone;
use crate::models::team::{TeamSettingsView, TeamUpdate};
use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often each instance re-reads the team from the database.
const REFRESH: Duration = Duration::from_secs(30);

/// The public details of this installation's team, kept in memory.
#[derive(Clone)]
pub struct TeamCache {
    team_id: i64,
    /// What the environment says that the database does not hold (the accessibility statement).
    base: Arc<TeamSettings>,
    current: Arc<RwLock<PublicTeam>>,
}

impl TeamCache {
    pub fn new(team_id: i64, base: TeamSettings) -> Self {
        let current = Arc::new(RwLock::new(base.public()));
        TeamCache {
            team_id,
            base: Arc::new(base),
            current,
        }
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

fn view(row: team::Model) -> TeamSettingsView {
    TeamSettingsView {
        name: row.name,
        municipality: row.municipality,
        phone: Phone::from_e164(row.phone).display(),
        email: row.email,
        first_contact_days: u8::try_from(row.first_contact_days).unwrap_or(3),
        require_two_factor: row.require_two_factor,
    }
}

/// The caller's team's settings.
pub async fn get(state: &AppState, who: &Staff) -> Result<TeamSettingsView, AppError> {
    let row = team::Entity::find_by_id(who.team_id())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view(row))
}

/// Saves the caller's team's settings (audited) and refreshes the public pages' copy.
pub async fn update(state: &AppState, who: &Staff, u: TeamUpdate) -> Result<(), AppError> {
    let txn = super::db::write_txn(&state.db).await?;
    team::Entity::update(team::ActiveModel {
        id: Set(who.team_id()),
        name: Set(u.name),
        municipality: Set(u.municipality),
        phone: Set(u.phone.e164().to_string()),
        email: Set(u.email.as_str().to_string()),
        first_contact_days: Set(i16::from(u.first_contact_days)),
        require_two_factor: Set(u.require_two_factor),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        Event {
            team_id: Some(who.team_id()),
            actor: Some(who.id()),
            action: action::TEAM_UPDATE,
            subject: Some(("team", who.team_id().to_string())),
            client: who.client(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    if who.team_id() == state.team.team_id {
        state.team.refresh(&state.db).await?;
    }
    Ok(())
}
