//! One change of a case's step, for its history: from, to, when, by whom, and why it went back.
use crate::models::case::Stage;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_stage_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub case_id: i64,
    /// `None` for the first step, when the case was made.
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub at: DateTimeUtc,
    pub by_staff_id: Option<i64>,
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
