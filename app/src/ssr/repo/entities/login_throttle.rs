//! Login attempts counted per (account, client) pair, per account and per client. Keys are keyed
//! hashes (no e-mail or address); times are Unix milliseconds.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// The account's key on pair and account rows (an admin's unlock deletes by it).
    pub account: Option<String>,
    pub attempts: i32,
    pub last_attempt: i64,
    pub locked_until: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
