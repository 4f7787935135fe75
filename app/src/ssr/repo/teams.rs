//! Teams: the one this installation serves is made from the settings on first start; more are
//! added from the console (`halsolots team add`).
use crate::models::ids::TeamId;
use crate::models::team::NewTeam;
use crate::ssr::infra::settings::TeamSettings;
use crate::ssr::repo::entities::{staff, team};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

/// Creates the team from the settings on first start and returns its id. After that the team's
/// details belong to its admins (`/lots/admin/installningar`), so the settings do not overwrite them.
pub async fn ensure_team(db: &DatabaseConnection, t: &TeamSettings) -> Result<TeamId, DbErr> {
    let now = chrono::Utc::now();
    let row = team::ActiveModel {
        slug: Set(t.slug.clone()),
        name: Set(t.name.clone()),
        municipality: Set(t.municipality.clone()),
        phone: Set(t.phone.e164().to_string()),
        email: Set(t.email.as_str().to_string()),
        first_contact_days: Set(i16::from(t.first_contact_days)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    team::Entity::insert(row)
        .on_conflict(
            OnConflict::column(team::Column::Slug)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    team::Entity::find()
        .filter(team::Column::Slug.eq(t.slug.as_str()))
        .select_only()
        .column(team::Column::Id)
        .into_tuple::<TeamId>()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("team {}", t.slug)))
}

/// Inserts a team with these details (`phone`/`email` empty when not given yet). A slug or host
/// name that is taken fails with a unique-constraint violation.
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: &NewTeam,
    now: DateTime<Utc>,
) -> Result<TeamId, DbErr> {
    let done = team::Entity::insert(team::ActiveModel {
        slug: Set(new.slug.clone()),
        name: Set(new.name.clone()),
        municipality: Set(new.municipality.clone()),
        phone: Set(new
            .phone
            .as_ref()
            .map(|p| p.e164().to_string())
            .unwrap_or_default()),
        email: Set(new
            .email
            .as_ref()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default()),
        first_contact_days: Set(i16::from(new.first_contact_days)),
        public_host: Set(new.public_host.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(done.last_insert_id)
}

/// Every team, by slug, with its number of active staff accounts.
pub async fn all_with_active_staff(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(team::Model, u64)>, DbErr> {
    let counts: HashMap<TeamId, i64> = staff::Entity::find()
        .select_only()
        .column(staff::Column::TeamId)
        .column_as(staff::Column::Id.count(), "n")
        .filter(staff::Column::Active.eq(true))
        .group_by(staff::Column::TeamId)
        .into_tuple::<(TeamId, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let teams = team::Entity::find()
        .order_by_asc(team::Column::Slug)
        .all(conn)
        .await?;
    Ok(teams
        .into_iter()
        .map(|t| {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            (t, u64::try_from(n).unwrap_or(0))
        })
        .collect())
}
