//! The team's settings: read and changed by admins, shown on every public page (through
//! `services::team_cache`); and the console's teams (`halsolots team add | list`).
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::form::FieldErrors;
use crate::models::ids::TeamId;
use crate::models::phone::Phone;
use crate::models::staff::field;
use crate::models::team::{NewTeam, TeamSettingsView, TeamUpdate};
use crate::ssr::auth::proof::{ManageTeam, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::team;
use crate::ssr::repo::teams;
use crate::ssr::services::team_cache::TeamCache;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set, SqlErr};

fn view(row: team::Model) -> TeamSettingsView {
    TeamSettingsView {
        name: row.name,
        municipality: row.municipality,
        phone: Phone::from_e164(row.phone).display(),
        email: row.email,
        first_contact_days: u8::try_from(row.first_contact_days).unwrap_or(3),
        require_two_factor: row.require_two_factor,
        friend_erase_days: u8::try_from(row.friend_erase_days).unwrap_or(14),
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
        friend_erase_days: Set(i16::from(u.friend_erase_days)),
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

/// Adds a team to the installation from the server's console, audited without an actor (the
/// console) in the new team's log. A slug that is taken is refused at its field.
pub async fn create_from_console(
    db: &impl Db,
    new: NewTeam,
    now: DateTime<Utc>,
) -> Result<TeamId, AppError> {
    let txn = write_txn(db).await?;
    let id = match teams::insert(&txn, &new, now).await {
        Ok(id) => id,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let mut errors = FieldErrors::default();
            errors.add(field::SLUG, K::err_slug_taken);
            return Err(AppError::Invalid(errors));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        Event {
            team_id: Some(id),
            subject: Some(("team", id.to_string())),
            detail: Some("console".into()),
            ..Event::new(Action::TeamCreate)
        },
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// A team as `halsolots team list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamSummary {
    pub id: TeamId,
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub active_staff: u64,
}

/// Every team of the installation, by slug (the console's list).
pub async fn list_for_console(conn: &impl ConnectionTrait) -> Result<Vec<TeamSummary>, AppError> {
    Ok(teams::all_with_active_staff(conn)
        .await?
        .into_iter()
        .map(|(t, active_staff)| TeamSummary {
            id: t.id,
            slug: t.slug,
            name: t.name,
            municipality: t.municipality,
            active_staff,
        })
        .collect())
}
