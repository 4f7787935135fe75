//! Storing contact requests exactly once (the checks and abuse protections before it are in
//! `services::contact`).
use super::audit;
use super::entities::contact_request::{self as cr, STATUS_NEW};
use crate::models::audit::Action;
use crate::models::contact::{Channel, NewContactRequest};
use crate::models::ids::TeamId;
use crate::ssr::infra::keys::{Keys, Purpose};
use crate::ssr::infra::random::reference_code;
use crate::ssr::infra::rate_limit::client_group;
use crate::ssr::infra::search;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// What the database holds after a submission: enough for the receipt.
#[derive(Clone, Debug)]
pub struct Stored {
    pub code: String,
    pub channel: Channel,
    pub created_at: DateTime<Utc>,
}

/// How long an identical request from the same client counts as the same one sent again. The
/// form key catches double clicks and reloads; this catches a person who goes back, finds the form
/// fetched anew (new key) and sends the same thing again. Sent again later, it is a new request.
/// Only the same client: the answer is the earlier request's reference code, and telling a
/// stranger who typed the same words that someone already asked for help (and under which code)
/// would leak exactly that.
pub const SAME_REQUEST_WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// What is read of an earlier request to answer a repeat with its receipt (both look-ups).
const EARLIER_COLUMNS: [cr::Column; 7] = [
    cr::Column::TeamId,
    cr::Column::IdempotencyKey,
    cr::Column::ContentHash,
    cr::Column::ClientHash,
    cr::Column::ReferenceCode,
    cr::Column::Channel,
    cr::Column::CreatedAt,
];

/// An earlier request as `EARLIER_COLUMNS` reads it.
type EarlierRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    DateTime<Utc>,
);

/// The fingerprint of a request's checked content (not the form key or honeypot).
pub fn content_hash(r: &NewContactRequest) -> String {
    crate::ssr::infra::digest::sha256_hex(&serde_json::to_vec(r).unwrap_or_default())
}

/// The sending client, as stored to recognise its repeats: a keyed hash (HMAC under the
/// installation key's `Purpose::Client` subkey) of its group — the IPv4 address or the IPv6 /64,
/// as the rate limit counts clients — never the address. Without the key, which is not in the
/// database, nobody can test guessed addresses against the column.
pub fn client_fingerprint(keys: &Keys, client: IpAddr) -> String {
    keys.mac_hex(Purpose::Client, client_group(client).to_string().as_bytes())
}

/// Stores the request (received at `now`: the app's clock) unless the same one is already there — same form key and content, or the
/// same content from the same client (`client`, a `client_fingerprint`) within
/// `SAME_REQUEST_WINDOW` — and returns whichever is stored. Runs in the caller's transaction,
/// which also gets the audit entry for a new request.
pub async fn insert_or_get(
    conn: &DatabaseTransaction,
    team_id: i64,
    key: &str,
    r: &NewContactRequest,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let mut stored = insert_or_get_many(
        conn,
        &[Submission {
            team_id,
            key,
            request: r,
            client,
        }],
        now,
    )
    .await?;
    stored
        .pop()
        .ok_or_else(|| DbErr::Custom("no result for the submission".into()))
}

/// One submission for `insert_or_get_many`.
#[derive(Clone, Copy, Debug)]
pub struct Submission<'a> {
    pub team_id: i64,
    pub key: &'a str,
    pub request: &'a NewContactRequest,
    /// Who sent it (`client_fingerprint`).
    pub client: &'a str,
}

/// A stored request found again: its code, channel and time.
type Found = (String, String, DateTime<Utc>);

/// Where a submission's answer comes from.
enum Slot {
    Found(Found),
    /// The n-th row of this batch's insert.
    New(usize),
}

/// `insert_or_get` for a whole group at the cost of a few statements, whatever its size: one
/// look-up for every fingerprint, one multi-row insert (`RETURNING` says which rows are new), a
/// read-back only for rows another transaction inserted first, and one append of all audit entries.
/// The answer is what one-at-a-time `insert_or_get` in the same order would give: a submission
/// whose content came earlier in the group from the same client (same or another key), or with
/// the same key, gets that one's receipt.
/// Must run in a write transaction (`db::write_txn`); results are in the order of `subs`.
pub async fn insert_or_get_many(
    conn: &DatabaseTransaction,
    subs: &[Submission<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, DbErr> {
    if subs.is_empty() {
        return Ok(Vec::new());
    }
    // Microseconds: what both databases store, so the receipt shows what a later look-up finds.
    let now = now.trunc_subsecs(6);
    let cutoff = now - SAME_REQUEST_WINDOW;
    let hashes: Vec<String> = subs.iter().map(|s| content_hash(s.request)).collect();

    // One look-up: requests with any of these fingerprints that are recent (same content sent
    // again) or carry one of these keys (a repeat of an old form: the insert would be a no-op).
    let mut teams: Vec<i64> = subs.iter().map(|s| s.team_id).collect();
    teams.sort_unstable();
    teams.dedup();
    let rows: Vec<EarlierRow> = cr::Entity::find()
        .filter(cr::Column::TeamId.is_in(teams))
        .filter(cr::Column::ContentHash.is_in(hashes.iter().map(String::as_str)))
        .filter(
            Condition::any()
                .add(cr::Column::CreatedAt.gt(cutoff))
                .add(cr::Column::IdempotencyKey.is_in(subs.iter().map(|s| s.key))),
        )
        .select_only()
        .columns(EARLIER_COLUMNS)
        .order_by_asc(cr::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    // (team, content, client) → the oldest recent request; (team, key, content) → the request.
    let mut recent: HashMap<(i64, &str, &str), Found> = HashMap::new();
    let mut by_key: HashMap<(i64, &str, &str), Found> = HashMap::new();
    for (team, key, hash, client, code, channel, created_at) in &rows {
        let found = (code.clone(), channel.clone(), *created_at);
        if let Some(client) = client.as_deref().filter(|_| *created_at > cutoff) {
            // The oldest recent one, as `order_by_asc(id)` gives them.
            recent
                .entry((*team, hash.as_str(), client))
                .or_insert_with(|| found.clone());
        }
        by_key.insert((*team, key.as_str(), hash.as_str()), found);
    }

    // Decide each submission in order, as one-at-a-time storing would.
    let mut slots = Vec::with_capacity(subs.len());
    let mut new_by_client: HashMap<(i64, &str, &str), usize> = HashMap::new();
    let mut new_by_key: HashMap<(i64, &str, &str), usize> = HashMap::new();
    let mut new_rows: Vec<(usize, String)> = Vec::new(); // (submission, reference code)
    for (i, (s, hash)) in subs.iter().zip(&hashes).enumerate() {
        let same_client = (s.team_id, hash.as_str(), s.client);
        let same_key = (s.team_id, s.key, hash.as_str());
        let slot = if let Some(found) = recent.get(&same_client) {
            Slot::Found(found.clone())
        } else if let Some(&n) = new_by_client.get(&same_client) {
            Slot::New(n)
        } else if let Some(found) = by_key.get(&same_key) {
            Slot::Found(found.clone())
        } else if let Some(&n) = new_by_key.get(&same_key) {
            // The same form sent from another network (a phone that moved to Wi-Fi).
            Slot::New(n)
        } else {
            new_by_client.insert(same_client, new_rows.len());
            new_by_key.insert(same_key, new_rows.len());
            new_rows.push((i, reference_code()?));
            Slot::New(new_rows.len() - 1)
        };
        slots.push(slot);
    }

    // One insert for every new request. Rows go in key order, so two app instances inserting
    // overlapping groups on PostgreSQL take the unique index's locks in the same order.
    let mut inserted: HashSet<(i64, String, String)> = HashSet::new();
    if !new_rows.is_empty() {
        let mut order: Vec<usize> = (0..new_rows.len()).collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (&subs[new_rows[a].0], &subs[new_rows[b].0]);
            (sa.team_id, sa.key, &hashes[new_rows[a].0]).cmp(&(
                sb.team_id,
                sb.key,
                &hashes[new_rows[b].0],
            ))
        });
        let models = order.iter().map(|&n| {
            let (i, code) = &new_rows[n];
            active_model(&subs[*i], code, &hashes[*i], now)
        });
        let mut insert = cr::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([
                    cr::Column::TeamId,
                    cr::Column::IdempotencyKey,
                    cr::Column::ContentHash,
                ])
                .do_nothing()
                .to_owned(),
            )
            .into_query();
        insert.returning(Query::returning().columns([
            cr::Column::TeamId,
            cr::Column::IdempotencyKey,
            cr::Column::ContentHash,
        ]));
        for row in conn.query_all(&insert).await? {
            inserted.insert((
                row.try_get("", "team_id")?,
                row.try_get("", "idempotency_key")?,
                row.try_get("", "content_hash")?,
            ));
        }
    }

    // A new row that was not inserted was inserted by another transaction just before (another
    // app instance on PostgreSQL): read those back, all at once.
    let lost: Vec<usize> = new_rows
        .iter()
        .enumerate()
        .filter(|(_, (i, _))| {
            let s = &subs[*i];
            !inserted.contains(&(s.team_id, s.key.to_string(), hashes[*i].clone()))
        })
        .map(|(n, _)| n)
        .collect();
    let mut theirs: HashMap<usize, Found> = HashMap::new();
    if !lost.is_empty() {
        let mut any = Condition::any();
        for &n in &lost {
            let i = new_rows[n].0;
            any = any.add(
                Condition::all()
                    .add(cr::Column::TeamId.eq(subs[i].team_id))
                    .add(cr::Column::IdempotencyKey.eq(subs[i].key))
                    .add(cr::Column::ContentHash.eq(hashes[i].as_str())),
            );
        }
        let rows: Vec<EarlierRow> = cr::Entity::find()
            .filter(any)
            .select_only()
            .columns(EARLIER_COLUMNS)
            .into_tuple()
            .all(conn)
            .await?;
        for &n in &lost {
            let i = new_rows[n].0;
            let row = rows
                .iter()
                .find(|r| r.0 == subs[i].team_id && r.1 == subs[i].key && r.2 == hashes[i])
                .ok_or_else(|| DbErr::RecordNotFound("contact request after insert".into()))?;
            theirs.insert(n, (row.4.clone(), row.5.clone(), row.6));
        }
    }

    // A resident's data was created: on the record, in the same transaction, in one append.
    let events: Vec<audit::Event> = new_rows
        .iter()
        .enumerate()
        .filter(|(n, _)| !theirs.contains_key(n))
        .map(|(_, (i, code))| audit::Event {
            team_id: Some(TeamId(subs[*i].team_id)),
            subject: Some(("contact_request", code.clone())),
            detail: Some(subs[*i].request.channel.as_str().to_string()),
            ..audit::Event::new(Action::ContactRequestCreate)
        })
        .collect();
    audit::record_many(conn, events).await?;

    slots
        .into_iter()
        .map(|slot| match slot {
            Slot::Found(found) => stored(found),
            Slot::New(n) => match theirs.get(&n) {
                Some(found) => stored(found.clone()),
                None => {
                    let (i, code) = &new_rows[n];
                    Ok(Stored {
                        code: code.clone(),
                        channel: subs[*i].request.channel,
                        created_at: now,
                    })
                }
            },
        })
        .collect()
}

/// The row to insert for a new request.
fn active_model(s: &Submission<'_>, code: &str, hash: &str, now: DateTime<Utc>) -> cr::ActiveModel {
    let r = s.request;
    let requester = r.requester.as_ref();
    cr::ActiveModel {
        team_id: Set(s.team_id),
        reference_code: Set(code.to_string()),
        idempotency_key: Set(s.key.to_string()),
        content_hash: Set(hash.to_string()),
        client_hash: Set(Some(s.client.to_string())),
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
        search_text: Set(search_text_of(r, code)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The request's `search_text`: both names and e-mail addresses, both phone numbers, the code.
fn search_text_of(r: &NewContactRequest, code: &str) -> String {
    let requester = r.requester.as_ref();
    let words = [
        Some(r.person_name.as_str()),
        r.person.email.as_ref().map(|e| e.as_str()),
        r.requester_name.as_deref(),
        requester.and_then(|q| q.email.as_ref()).map(|e| e.as_str()),
    ];
    let phones = [
        r.person.phone.as_ref().map(|p| p.e164()),
        requester.and_then(|q| q.phone.as_ref()).map(|p| p.e164()),
    ];
    search::search_text(
        code,
        words.into_iter().flatten(),
        phones.into_iter().flatten(),
    )
}

/// The columns the inbox shows of a request.
pub type InboxRecord = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
);

/// What the inbox asks for: the caller's team, optional channel, status and `search_text` `LIKE`
/// pattern, and the cursor (`created_at`, `id`) of the last row of the page before.
#[derive(Clone, Debug, Default)]
pub struct InboxQuery {
    pub channel: Option<Channel>,
    pub status: Option<String>,
    pub like: Option<String>,
    pub before: Option<(DateTime<Utc>, i64)>,
}

/// A page of a team's requests, newest first: (id, code, channel, status, person's name,
/// organisation, received). Up to `limit` rows.
pub async fn inbox_page(
    conn: &impl ConnectionTrait,
    team: TeamId,
    q: &InboxQuery,
    limit: u64,
) -> Result<Vec<InboxRecord>, DbErr> {
    inbox_select(team, q, limit).into_tuple().all(conn).await
}

/// The inbox's query. Keyset, not OFFSET: the rows after the cursor by the row value
/// `(created_at, id) < (at, id)`, which both databases answer by seeking in the
/// `(team_id, created_at, id)` index and reading on in its order, so a deep page costs what the
/// first does (an `OR` of the two comparisons is not turned into a seek by SQLite).
pub fn inbox_select(team: TeamId, q: &InboxQuery, limit: u64) -> sea_orm::Select<cr::Entity> {
    use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
    let mut cond = Condition::all().add(cr::Column::TeamId.eq(team.0));
    if let Some(c) = q.channel {
        cond = cond.add(cr::Column::Channel.eq(c.as_str()));
    }
    if let Some(s) = q.status.as_deref() {
        cond = cond.add(cr::Column::Status.eq(s));
    }
    if let Some(p) = q.like.as_deref() {
        cond = cond.add(Expr::col(cr::Column::SearchText).like(LikeExpr::new(p).escape('\\')));
    }
    if let Some((at, id)) = q.before {
        cond = cond.add(
            Expr::tuple([Expr::col(cr::Column::CreatedAt), Expr::col(cr::Column::Id)])
                .lt(Expr::tuple([Expr::value(at), Expr::value(id)])),
        );
    }
    cr::Entity::find()
        .filter(cond)
        .order_by_desc(cr::Column::CreatedAt)
        .order_by_desc(cr::Column::Id)
        .limit(limit)
        .select_only()
        .columns([
            cr::Column::Id,
            cr::Column::ReferenceCode,
            cr::Column::Channel,
            cr::Column::Status,
            cr::Column::PersonName,
            cr::Column::Organisation,
            cr::Column::CreatedAt,
        ])
}

/// How many of the team's requests are new (untouched): one `COUNT` on the
/// `(team_id, status, created_at)` index.
pub async fn count_new(conn: &impl ConnectionTrait, team: TeamId) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    cr::Entity::find()
        .filter(cr::Column::TeamId.eq(team.0))
        .filter(cr::Column::Status.eq(STATUS_NEW))
        .count(conn)
        .await
}

fn stored((code, channel, created_at): Found) -> Result<Stored, DbErr> {
    let channel = Channel::from_str_opt(&channel)
        .ok_or_else(|| DbErr::Custom(format!("unknown channel {channel}")))?;
    Ok(Stored {
        code,
        channel,
        created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_fingerprint_is_keyed_and_per_client_group() {
        let (k1, k2) = (Keys::from_bytes([1; 32]), Keys::from_bytes([2; 32]));
        let fp = |k: &Keys, ip: &str| client_fingerprint(k, ip.parse().expect("ip"));
        let a = fp(&k1, "2001:db8:1:2::1");
        assert_eq!(a, fp(&k1, "2001:db8:1:2::ff"), "one /64 is one client");
        assert_ne!(a, fp(&k1, "2001:db8:1:3::1"), "another /64");
        assert_ne!(a, fp(&k2, "2001:db8:1:2::1"), "another installation key");
        assert_eq!(fp(&k1, "::ffff:192.0.2.1"), fp(&k1, "192.0.2.1"));
        assert_ne!(fp(&k1, "192.0.2.1"), fp(&k1, "192.0.2.2"));
        assert_eq!(a.len(), 64);
    }
}
