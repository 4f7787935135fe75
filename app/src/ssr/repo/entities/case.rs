//! A participant's way through the method: the step, when each step began, the closing.
use crate::models::case::Stage;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub participant_id: i64,
    /// The request it was accepted from (null once the request is erased).
    #[sea_orm(unique)]
    pub request_id: Option<i64>,
    /// How the person came (`Channel`'s stored name).
    pub channel: String,
    pub referrer_org: Option<String>,
    pub navigator_id: Option<i64>,
    pub stage: Stage,
    pub mapping_since: DateTimeUtc,
    pub implementation_since: Option<DateTimeUtc>,
    pub closing_since: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub planned_meetings: i32,
    /// `ClosingReason`'s stored name.
    pub closing_reason: Option<String>,
    pub closing_date: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Goes up by one with every change: a save names the version it started from.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::participant::Entity",
        from = "Column::ParticipantId",
        to = "super::participant::Column::Id"
    )]
    Participant,
    #[sea_orm(
        belongs_to = "super::staff::Entity",
        from = "Column::NavigatorId",
        to = "super::staff::Column::Id"
    )]
    Navigator,
}

impl ActiveModelBehavior for ActiveModel {}
