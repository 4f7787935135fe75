//! The team's settings: read and changed by admins, shown on every public page (through
//! `services::team_cache`).
use crate::error::AppError;
use crate::models::audit::Action;
use crate::models::phone::Phone;
use crate::models::team::{TeamSettingsView, TeamUpdate};
use crate::ssr::auth::proof::{ManageTeam, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::team;
use crate::ssr::services::team_cache::TeamCache;
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

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
pub async fn get(
    conn: &impl ConnectionTrait,
    who: &Proof<ManageTeam>,
) -> Result<TeamSettingsView, AppError> {
    let row = team::Entity::find_by_id(who.team_id())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view(row))
}

/// Saves the caller's team's settings (audited) and refreshes the public pages' copy.
pub async fn update(
    db: &impl Db,
    cache: &TeamCache,
    who: &Proof<ManageTeam>,
    u: TeamUpdate,
) -> Result<(), AppError> {
    let txn = write_txn(db).await?;
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
            subject: Some(("team", who.team_id().to_string())),
            ..who.event(Action::TeamUpdate)
        },
    )
    .await?;
    txn.commit().await?;
    if who.team_id() == cache.team_id() {
        cache.refresh(db).await?;
    }
    Ok(())
}
