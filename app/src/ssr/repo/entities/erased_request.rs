//! What remains of erased contact requests: anonymous counts for the reports (team, channel,
//! reason, month), never a person or a request.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erased_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub channel: String,
    /// `person_declined`, `declined:<reason>` or `unanswered`.
    pub reason: String,
    /// `2026-11` (Stockholm).
    pub month: String,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
