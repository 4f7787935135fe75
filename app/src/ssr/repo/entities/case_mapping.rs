//! "Vad är viktigt för dig?": one per case — interests, wishes, needs, and what gets in the way.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_mappings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i64,
    pub team_id: i64,
    pub interests: String,
    pub wishes: String,
    pub needs: String,
    /// Comma-separated `Barrier` codes.
    pub barriers: String,
    pub barriers_note: String,
    pub updated_at: Option<DateTimeUtc>,
    pub updated_by: Option<i64>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
