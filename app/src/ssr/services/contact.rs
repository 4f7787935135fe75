//! The contact-request service: checks a submission with the shared rules, applies the abuse
//! protections, and hands it to the writer that stores it exactly once; shows receipts.
use crate::error::AppError;
use crate::i18n::{Lang, K};
use crate::models::contact::{field, parse, Channel};
use crate::models::form::{FieldErrors, RawForm};
use crate::models::ids::TeamId;
use crate::models::receipt::{normalise_code, Receipt};
use crate::ssr::infra::keys::Keys;
use crate::ssr::infra::random::{form_key, valid_form_key};
use crate::ssr::infra::rate_limit::RateLimiter;
use crate::ssr::infra::time::long_date_time;
use crate::ssr::repo::contact_requests::client_fingerprint;
use crate::ssr::repo::entities::contact_request as cr;
use crate::ssr::services::submission_queue::SubmissionQueue;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::net::IpAddr;
use std::time::Instant;

/// Proof that a post was counted against its client's allowance, made only by `admit`: `submit`
/// needs it, so no way in can store a post that skipped the rate limit.
#[derive(Debug)]
pub struct Admitted {
    client: IpAddr,
}

/// Counts a post from `client` against its allowance: the first thing done with any post, before
/// its body is read or checked, so every post counts — a valid one, a robot's filled honeypot, a
/// body of junk alike — and a refused client costs no more work.
pub fn admit(limiter: &RateLimiter, client: IpAddr) -> Result<Admitted, AppError> {
    limiter
        .check(client, Instant::now())
        .map(|()| Admitted { client })
        .map_err(|_| AppError::RateLimited)
}

/// Takes an admitted submission of `channel`'s form for `team`. Nothing is stored unless every
/// check passes; a repeat with the same form key, or the same content from the same client soon
/// after, returns the first request's receipt. `keys` make the client's fingerprint.
pub async fn submit(
    queue: &SubmissionQueue,
    keys: &Keys,
    team: TeamId,
    channel: Channel,
    form: &RawForm,
    admitted: Admitted,
    lang: Lang,
) -> Result<Receipt, AppError> {
    if form.has_too_many_pairs() {
        return Err(form_error(K::err_too_many_fields));
    }
    if !form.get(field::HONEYPOT).is_empty() {
        return Err(form_error(K::err_honeypot));
    }
    let request = parse(channel, form).map_err(AppError::Invalid)?;
    let key = match valid_form_key(form.get(field::KEY)) {
        Some(key) => key,
        None => form_key()?,
    };
    let stored = queue
        .store(
            team.0,
            key,
            request,
            client_fingerprint(keys, admitted.client),
        )
        .await?;
    tracing::info!(channel = channel.as_str(), "contact request stored");
    Ok(Receipt {
        code: stored.code,
        channel: stored.channel,
        sent_at: long_date_time(stored.created_at, lang),
    })
}

/// A refusal that belongs to the whole form (a message at its top).
fn form_error(key: K) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(field::FORM, key);
    AppError::Invalid(errors)
}

/// The receipt for a reference code of `team`. An unknown code is "not found"; a database that
/// does not answer is an internal error (503), never "not found".
pub async fn receipt(
    conn: &impl ConnectionTrait,
    team: TeamId,
    code: &str,
    lang: Lang,
) -> Result<Receipt, AppError> {
    let code = normalise_code(code).ok_or(AppError::NotFound)?;
    let row: Option<(Channel, DateTime<Utc>)> = cr::Entity::find()
        .filter(cr::Column::TeamId.eq(team))
        .filter(cr::Column::ReferenceCode.eq(code.as_str()))
        .select_only()
        .columns([cr::Column::Channel, cr::Column::CreatedAt])
        .into_tuple()
        .one(conn)
        .await?;
    let (channel, created_at) = row.ok_or(AppError::NotFound)?;
    Ok(Receipt {
        code,
        channel,
        sent_at: long_date_time(created_at, lang),
    })
}
