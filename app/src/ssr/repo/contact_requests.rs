//! Storing contact requests exactly once (the checks and abuse protections before it are in
//! `services::contact`).
use super::audit;
use super::entities::contact_request::{self as cr, STATUS_NEW};
use crate::models::audit::Action;
use crate::models::contact::{Channel, NewContactRequest};
use crate::models::ids::TeamId;
use crate::ssr::infra::random::reference_code;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

/// What the database holds after a submission: enough for the receipt.
#[derive(Clone, Debug)]
pub struct Stored {
    pub code: String,
    pub channel: Channel,
    pub created_at: DateTime<Utc>,
}

/// How long an identical request counts as the same one sent again. The form key catches double
/// clicks and reloads; this catches a person who goes back, finds the form fetched anew (new key)
/// and sends the same thing again. Sent again later, it is a new request.
pub const SAME_REQUEST_WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The fingerprint of a request's checked content (not the form key or honeypot).
pub fn content_hash(r: &NewContactRequest) -> String {
    crate::ssr::infra::digest::sha256_hex(&serde_json::to_vec(r).unwrap_or_default())
}

/// Stores the request unless the same one is already there — same form key, or the same content
/// within `SAME_REQUEST_WINDOW` — and returns whichever is stored. Runs in the caller's transaction,
/// which also gets the audit entry for a new request.
pub async fn insert_or_get(
    conn: &DatabaseTransaction,
    team_id: i64,
    key: &str,
    r: &NewContactRequest,
) -> Result<Stored, DbErr> {
    let now = Utc::now();
    let hash = content_hash(r);
    let same = find_stored(
        conn,
        Condition::all()
            .add(cr::Column::TeamId.eq(team_id))
            .add(cr::Column::ContentHash.eq(hash.as_str()))
            .add(cr::Column::CreatedAt.gt(now - SAME_REQUEST_WINDOW)),
    )
    .await?;
    if let Some(found) = same {
        return stored(found);
    }
    let requester = r.requester.as_ref();
    let row = cr::ActiveModel {
        team_id: Set(team_id),
        reference_code: Set(reference_code()?),
        idempotency_key: Set(key.to_string()),
        content_hash: Set(hash.clone()),
        channel: Set(r.channel.as_str().to_string()),
        status: Set(STATUS_NEW.to_string()),
        person_name: Set(r.person_name.clone()),
        person_phone: Set(r.person.phone.as_ref().map(|p| p.e164().to_string())),
        person_email: Set(r.person.email.as_ref().map(|e| e.as_str().to_string())),
        call_times: Set(r.call_times.join(",")),
        interests: Set(r.interests.join(",")),
        help_text: Set(r.help_text.clone()),
        requester_name: Set(r.requester_name.clone()),
        requester_phone: Set(requester
            .and_then(|q| q.phone.as_ref())
            .map(|p| p.e164().to_string())),
        requester_email: Set(requester
            .and_then(|q| q.email.as_ref())
            .map(|e| e.as_str().to_string())),
        relation: Set(r.relation.clone()),
        organisation: Set(r.organisation.clone()),
        reasons: Set(r.reasons.join(",")),
        message: Set(r.message.clone()),
        consent_to_store: Set(r.consent_to_store),
        person_informed: Set(r.person_informed),
        feedback_to_referrer: Set(r.feedback_to_referrer),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = cr::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                cr::Column::TeamId,
                cr::Column::IdempotencyKey,
                cr::Column::ContentHash,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    let row = find_stored(
        conn,
        Condition::all()
            .add(cr::Column::TeamId.eq(team_id))
            .add(cr::Column::IdempotencyKey.eq(key))
            .add(cr::Column::ContentHash.eq(hash.as_str())),
    )
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("contact request after insert".into()))?;
    if inserted == 1 {
        // A resident's data was created: on the record, in the same transaction.
        audit::record(
            conn,
            audit::Event {
                team_id: Some(TeamId(team_id)),
                subject: Some(("contact_request", row.0.clone())),
                detail: Some(r.channel.as_str().to_string()),
                ..audit::Event::new(Action::ContactRequestCreate)
            },
        )
        .await?;
    }
    stored(row)
}

/// The first stored request matching `cond`: its code, channel and time.
async fn find_stored(
    conn: &impl ConnectionTrait,
    cond: Condition,
) -> Result<Option<(String, String, DateTime<Utc>)>, DbErr> {
    cr::Entity::find()
        .filter(cond)
        .select_only()
        .columns([
            cr::Column::ReferenceCode,
            cr::Column::Channel,
            cr::Column::CreatedAt,
        ])
        .into_tuple()
        .one(conn)
        .await
}

fn stored((code, channel, created_at): (String, String, DateTime<Utc>)) -> Result<Stored, DbErr> {
    let channel = Channel::from_str_opt(&channel)
        .ok_or_else(|| DbErr::Custom(format!("unknown channel {channel}")))?;
    Ok(Stored {
        code,
        channel,
        created_at,
    })
}
