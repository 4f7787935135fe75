//! A person with a case: how to reach them, and optional details for statistics.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participants")]
pub struct Model {
    /// The participant's number, shown on their case page.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// `phone`, `sms`, `email`.
    pub contact_way: Option<String>,
    /// Comma-separated codes (`morning`, `afternoon`, `any`).
    pub contact_times: String,
    pub language: Option<String>,
    pub interpreter: bool,
    pub birth_year: Option<i32>,
    pub gender: Option<String>,
    /// Sealed with the installation key (`keys.seal`); only where the team allows it.
    pub personnummer: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Goes up by one with every change: a save names the version it started from.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
