//! One thing done to a contact request from the inbox, for its history: who, when, what.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_request_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub request_id: i64,
    pub at: DateTimeUtc,
    /// The staff member; `None` for the system (a background job).
    pub actor_staff_id: Option<i64>,
    /// What was done, e.g. `contact_attempt`, `unreachable`, `declined`, `consent_given`,
    /// `duplicate`, `accepted`.
    pub kind: String,
    /// For a contact attempt: `reached`, `no_answer`, `left_message`, `wrong_number`.
    pub outcome: Option<String>,
    /// A short note, such as the reason for declining.
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
