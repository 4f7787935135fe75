//! Teams: the one this installation serves is made from the settings on first start.
use crate::models::ids::TeamId;
use crate::ssr::infra::settings::TeamSettings;
use crate::ssr::repo::entities::team;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

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
