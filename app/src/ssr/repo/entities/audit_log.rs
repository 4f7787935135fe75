//! One audit entry. Rows are only ever inserted; `hash` chains each to the one before.
use crate::models::audit::Action;
use crate::models::ids::{StaffId, TeamId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub team_id: Option<TeamId>,
    pub actor_staff_id: Option<StaffId>,
    pub action: Action,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub client: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
