//! A staff account. The password hash never leaves the server (no `Serialize`).
use crate::models::ids::{StaffId, TeamId};
use crate::models::staff::Role;
use crate::ssr::infra::secret::SecretText;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: StaffId,
    pub team_id: TeamId,
    /// Lower case; unique in the installation (it is the login name).
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// `admin`, `navigator` or `analyst` (`models::staff::Role`).
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: SecretText,
    pub active: bool,
    /// Set after an admin resets the password: the person must choose their own first.
    pub must_change_password: bool,
    /// The confirmed TOTP secret (base32): set means two-factor login is on.
    pub totp_secret: Option<SecretText>,
    /// A secret shown for enrolment, until the first code confirms it.
    pub totp_pending_secret: Option<SecretText>,
    /// The last step a code was accepted for: a code works once.
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
