//! The audit chain's head (one row): the last entry's number and hash. Updating it first in a
//! transaction takes the write lock, so entries are appended one at a time on every database.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub hash: String,
    /// The id (`Keys::id`, public) of the key that chains the log; `None` before the first start
    /// with a key (a database whose links are plain SHA-256).
    pub key_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
