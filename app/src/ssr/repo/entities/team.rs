//! A team: one municipality's hälsolots service.
use crate::models::ids::TeamId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: TeamId,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub phone: String,
    pub email: String,
    pub first_contact_days: i16,
    /// Every staff member must log in with a second factor.
    pub require_two_factor: bool,
    /// Days an unanswered friend request is kept before it is erased (default 14).
    pub friend_erase_days: i16,
    /// Staff may keep a personnummer for a participant.
    pub personnummer_allowed: bool,
    /// The host name the team's public pages answer on.
    pub public_host: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
