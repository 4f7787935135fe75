//! The team's settings: read and changed by admins, shown on every public page (through
//! `services::team_cache`); and the console's teams (`halsolots team add | list | set-host`).
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::form::FieldErrors;
use crate::models::ids::TeamId;
use crate::models::phone::Phone;
use crate::models::staff::field;
use crate::models::team::{NewTeam, TeamSettingsView, TeamUpdate, HOST};
use crate::ssr::auth::proof::{ManageTeam, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::{participant, team};
use crate::ssr::repo::teams;
use crate::ssr::services::team_cache::TeamCache;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};

fn view(row: team::Model) -> TeamSettingsView {
    TeamSettingsView {
        name: row.name,
        municipality: row.municipality,
        phone: Phone::from_e164(row.phone).display(),
        email: row.email,
        first_contact_days: u8::try_from(row.first_contact_days).unwrap_or(3),
        require_two_factor: row.require_two_factor,
        friend_erase_days: u8::try_from(row.friend_erase_days).unwrap_or(14),
        personnummer_allowed: row.personnummer_allowed,
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
///
/// Turning "personnummer allowed" off erases every personnummer the team has kept, in the same
/// transaction (the audit entry counts them). Kept, they would be data the team has decided it
/// has no reason to hold, which nobody could see whole or change any more; the settings page
/// says so beside the checkbox.
pub async fn update(
    db: &impl Db,
    cache: &TeamCache,
    who: &Proof<ManageTeam>,
    u: TeamUpdate,
) -> Result<(), AppError> {
    let txn = write_txn(db).await?;
    let erased = if u.personnummer_allowed {
        0
    } else {
        participant::Entity::update_many()
            .col_expr(
                participant::Column::Personnummer,
                Expr::value(Option::<String>::None),
            )
            .filter(participant::Column::TeamId.eq(who.team_id().0))
            .filter(participant::Column::Personnummer.is_not_null())
            .exec(&txn)
            .await?
            .rows_affected
    };
    team::Entity::update(team::ActiveModel {
        id: Set(who.team_id()),
        name: Set(u.name),
        municipality: Set(u.municipality),
        phone: Set(u.phone.e164().to_string()),
        email: Set(u.email.as_str().to_string()),
        first_contact_days: Set(i16::from(u.first_contact_days)),
        require_two_factor: Set(u.require_two_factor),
        friend_erase_days: Set(i16::from(u.friend_erase_days)),
        personnummer_allowed: Set(u.personnummer_allowed),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        Event {
            subject: Some(("team", who.team_id().to_string())),
            detail: (erased > 0).then(|| format!("personnummer_erased:{erased}")),
            ..who.event(Action::TeamUpdate)
        },
    )
    .await?;
    txn.commit().await?;
    cache.refresh(db).await?;
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
    // The host first: a taken slug and a taken host both fail the insert as one unique
    // violation, and the message must name the right one.
    if let Some(host) = &new.public_host {
        if host_taken(&txn, host, None).await? {
            return Err(field_error(HOST, K::err_host_taken));
        }
    }
    let id = match teams::insert(&txn, &new, now).await {
        Ok(id) => id,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(field_error(field::SLUG, K::err_slug_taken));
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

fn field_error(name: &str, key: K) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(name, key);
    AppError::Invalid(errors)
}

/// Another team than `except` answers on `host`.
async fn host_taken(
    conn: &impl ConnectionTrait,
    host: &str,
    except: Option<TeamId>,
) -> Result<bool, AppError> {
    let mut q = team::Entity::find().filter(team::Column::PublicHost.eq(host));
    if let Some(id) = except {
        q = q.filter(team::Column::Id.ne(id));
    }
    Ok(q.count(conn).await? > 0)
}

/// Sets (or, with `None`, clears) the host name the team `slug`'s public pages answer on, from
/// the server's console; audited without an actor in that team's log. An unknown slug is
/// `NotFound`; a host another team has is refused at its field. Running servers pick the change
/// up within `team_cache::REFRESH`.
pub async fn set_host_from_console(
    db: &impl Db,
    slug: &str,
    host: Option<String>,
    now: DateTime<Utc>,
) -> Result<TeamId, AppError> {
    let txn = write_txn(db).await?;
    let id = team::Entity::find()
        .filter(team::Column::Slug.eq(slug))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?
        .id;
    if let Some(h) = &host {
        if host_taken(&txn, h, Some(id)).await? {
            return Err(field_error(HOST, K::err_host_taken));
        }
    }
    let updated = team::Entity::update(team::ActiveModel {
        id: Set(id),
        public_host: Set(host.clone()),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await;
    match updated {
        Ok(_) => {}
        // Another console took the host between the check and the update.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(field_error(HOST, K::err_host_taken));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &txn,
        Event {
            team_id: Some(id),
            subject: Some(("team", id.to_string())),
            detail: Some(match host {
                Some(h) => format!("console host:{h}"),
                None => "console host:none".into(),
            }),
            ..Event::new(Action::TeamUpdate)
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
    pub public_host: Option<String>,
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
            public_host: t.public_host,
            active_staff,
        })
        .collect())
}
