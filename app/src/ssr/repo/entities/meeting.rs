//! A meeting with a participant: when, where, held by whom, and how it went.
use crate::models::casework::{MeetingStatus, Place};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub case_id: i64,
    /// Who holds it: the week and the calendar feed it is in.
    pub staff_id: Option<i64>,
    pub starts_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub place: Place,
    pub status: MeetingStatus,
    pub note: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
