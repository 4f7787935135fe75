//! A staff member's meetings and follow-ups over a span of time, the participants they are
//! with, and their calendar feed. Every query is scoped to a team.
use super::entities::calendar_feed as feed;
use super::entities::case as cs;
use super::entities::meeting as mt;
use super::entities::participant as pt;
use super::entities::staff as st;
use super::entities::task as tk;
use crate::models::casework::MeetingStatus;
use crate::models::ids::{StaffId, TeamId};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set,
};
use std::collections::HashMap;

/// The meetings `staff` holds that start in `[from, to)`, earliest first; cancelled ones left
/// out when `without_cancelled`. Uses `ix_meetings_staff` (team, staff, start).
pub async fn meetings_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
    staff: StaffId,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    without_cancelled: bool,
) -> Result<Vec<mt::Model>, DbErr> {
    let mut q = mt::Entity::find()
        .filter(mt::Column::TeamId.eq(team.0))
        .filter(mt::Column::StaffId.eq(staff.0))
        .filter(mt::Column::StartsAt.gte(from))
        .filter(mt::Column::StartsAt.lt(to));
    if without_cancelled {
        q = q.filter(mt::Column::Status.ne(MeetingStatus::Cancelled));
    }
    q.order_by_asc(mt::Column::StartsAt)
        .order_by_asc(mt::Column::Id)
        .all(conn)
        .await
}

/// The follow-ups assigned to `staff` that are not done and due on or before `last_day`,
/// earliest first. Uses `ix_tasks_assignee`.
pub async fn open_tasks_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
    staff: StaffId,
    last_day: NaiveDate,
) -> Result<Vec<tk::Model>, DbErr> {
    tk::Entity::find()
        .filter(tk::Column::TeamId.eq(team.0))
        .filter(tk::Column::AssigneeId.eq(staff.0))
        .filter(tk::Column::DoneAt.is_null())
        .filter(tk::Column::DueDate.lte(last_day))
        .order_by_asc(tk::Column::DueDate)
        .order_by_asc(tk::Column::Id)
        .all(conn)
        .await
}

/// For each of the team's cases among `cases`: its participant's number and full name.
pub async fn participants_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
    cases: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, (i64, String)>, DbErr> {
    let mut ids: Vec<i64> = cases.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cs::Entity::find()
        .select_only()
        .column(cs::Column::Id)
        .column(cs::Column::ParticipantId)
        .column_as(pt::Column::Name, "name")
        .join(JoinType::InnerJoin, cs::Relation::Participant.def())
        .filter(cs::Column::TeamId.eq(team.0))
        .filter(pt::Column::TeamId.eq(team.0))
        .filter(cs::Column::Id.is_in(ids))
        .into_tuple::<(i64, i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(case, participant, name)| (case, (participant, name)))
        .collect())
}

/// The calendar feed of `staff`, if they have made one.
pub async fn feed_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
    staff: StaffId,
) -> Result<Option<feed::Model>, DbErr> {
    feed::Entity::find_by_id(staff.0)
        .filter(feed::Column::TeamId.eq(team.0))
        .one(conn)
        .await
}

/// Stores `token_mac` as the feed of `staff`, replacing any earlier one: one row per staff
/// member, so the previous address stops working in the same statement.
pub async fn replace_feed(
    conn: &impl ConnectionTrait,
    team: TeamId,
    staff: StaffId,
    token_mac: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    feed::Entity::insert(feed::ActiveModel {
        staff_id: Set(staff.0),
        team_id: Set(team.0),
        token_mac: Set(token_mac),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(feed::Column::StaffId)
            .update_columns([feed::Column::TokenMac, feed::Column::CreatedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The owner (staff id, team) of the feed whose secret has the MAC `token_mac`, if that member
/// is still active: one lookup on the unique index, joined to the staff row.
pub async fn feed_owner(
    conn: &impl ConnectionTrait,
    token_mac: &str,
) -> Result<Option<(StaffId, TeamId)>, DbErr> {
    feed::Entity::find()
        .select_only()
        .column(feed::Column::StaffId)
        .column(feed::Column::TeamId)
        .join(
            JoinType::InnerJoin,
            feed::Entity::belongs_to(st::Entity)
                .from(feed::Column::StaffId)
                .to(st::Column::Id)
                .into(),
        )
        .filter(feed::Column::TokenMac.eq(token_mac))
        .filter(st::Column::Active.eq(true))
        // A feed row's team is its owner's: a member moved between teams has no feed there.
        .filter(
            Expr::col((st::Entity, st::Column::TeamId))
                .equals((feed::Entity, feed::Column::TeamId)),
        )
        .into_tuple::<(i64, i64)>()
        .one(conn)
        .await
        .map(|o| o.map(|(s, t)| (StaffId(s), TeamId(t))))
}
