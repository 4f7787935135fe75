//! A request for contact, as stored. Lists of choices are stored as comma-separated codes.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    #[sea_orm(unique)]
    pub reference_code: String,
    pub idempotency_key: String,
    /// SHA-256 of the checked request's content: finds the same request sent again.
    pub content_hash: String,
    /// Who sent it, as `contact_requests::client_fingerprint` (no address): the same content is
    /// the same request only from the same client. None for requests stored before it existed.
    pub client_hash: Option<String>,
    pub channel: String,
    pub status: String,
    pub person_name: String,
    pub person_phone: Option<String>,
    pub person_email: Option<String>,
    pub call_times: String,
    pub interests: String,
    pub help_text: Option<String>,
    pub requester_name: Option<String>,
    pub requester_phone: Option<String>,
    pub requester_email: Option<String>,
    pub relation: Option<String>,
    pub organisation: Option<String>,
    pub reasons: String,
    pub message: Option<String>,
    pub consent_to_store: bool,
    pub person_informed: bool,
    pub feedback_to_referrer: bool,
    /// What the inbox search compares (`infra::search::search_text`): folded names and e-mail
    /// addresses, phone digits, the reference code. Personal data: erased with the request.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Goes up by one with every change from the inbox: a save names the version it started from
    /// and is refused if another save came first.
    pub version: i32,
    /// A friend request: when the person themself said they want contact (until then the
    /// request holds only contact data, and is erased if they say no or never answer).
    pub consented_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The status of a new, untouched request (the inbox works from here).
pub const STATUS_NEW: &str = "new";
