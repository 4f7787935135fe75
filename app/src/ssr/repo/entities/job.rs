//! A background job waiting, running or scheduled again (`ssr::jobs` runs them). Times the runner
//! compares are Unix milliseconds. Nothing here is personal data: the kind, ids in the payload,
//! and the kind of the last failure, never its message.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// The kind's name for a recurring job (so it exists once); `None` for a one-off.
    #[sea_orm(unique)]
    pub unique_key: Option<String>,
    pub payload: Option<String>,
    pub run_at: i64,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
