//! A follow-up task on a case: what, by when, by whom; done or not.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub case_id: i64,
    pub title: String,
    pub due_date: Date,
    pub assignee_id: Option<i64>,
    pub done_at: Option<DateTimeUtc>,
    pub done_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
