//! A staff account. The password hash never leaves the server (no `Serialize`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    /// Lower case; unique in the installation (it is the login name).
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// `admin`, `navigator` or `analyst` (`models::staff::Role`).
    pub role: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
    /// Set after an admin resets the password: the person must choose their own first.
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
