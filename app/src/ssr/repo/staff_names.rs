//! Staff members' names for pages that show who did something: one query for all of them.
use crate::models::ids::TeamId;
use crate::ssr::repo::entities::staff;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// The names of the staff among `ids` who belong to `team` (others are left out).
pub async fn in_team(
    conn: &impl ConnectionTrait,
    team: TeamId,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::TeamId.eq(team))
        .filter(staff::Column::Id.is_in(ids))
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::Name)
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}
