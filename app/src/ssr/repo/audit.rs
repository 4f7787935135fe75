//! The audit log: who did what to which record, when and from where.
//!
//! Append-only and tamper-evident: entry n carries SHA-256 over its own content and entry n-1's
//! hash, so changing, removing or inserting a row breaks every link after it. `record` runs in the
//! caller's transaction, so an entry exists exactly when the change it describes was committed.
use crate::models::audit::Action;
use crate::models::ids::{StaffId, TeamId};
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::repo::entities::{audit_head, audit_log};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, PaginatorTrait, QuerySelect};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::net::IpAddr;

/// One thing to record. `subject` is the record touched, such as `("staff", "12")`.
#[derive(Clone, Debug)]
pub struct Event {
    pub team_id: Option<TeamId>,
    pub actor: Option<StaffId>,
    pub action: Action,
    pub subject: Option<(&'static str, String)>,
    pub client: Option<IpAddr>,
    /// A short note without personal data (e.g. the new role).
    pub detail: Option<String>,
}

impl Event {
    /// `action`, with nothing else known yet (fill in the rest with struct update syntax).
    pub fn new(action: Action) -> Self {
        Event {
            team_id: None,
            actor: None,
            action,
            subject: None,
            client: None,
            detail: None,
        }
    }
}

/// The text a hash covers: every column, in order, with unambiguous separators.
fn canonical(e: &audit_log::Model) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    serde_json::json!([
        e.seq,
        e.at.timestamp_micros(),
        num(e.team_id.map(|t| t.0)),
        num(e.actor_staff_id.map(|s| s.0)),
        e.action.as_str(),
        opt(&e.subject_type),
        opt(&e.subject_id),
        opt(&e.client),
        opt(&e.detail),
        e.prev_hash,
    ])
    .to_string()
}

pub fn entry_hash(e: &audit_log::Model) -> String {
    sha256_hex(canonical(e).as_bytes())
}

/// The log entry for `event` at `seq`, chained to the entry before it by `prev_hash`.
fn chained(event: Event, seq: i64, at: DateTime<Utc>, prev_hash: String) -> audit_log::Model {
    let mut entry = audit_log::Model {
        seq,
        at,
        team_id: event.team_id,
        actor_staff_id: event.actor,
        action: event.action,
        subject_type: event.subject.as_ref().map(|s| s.0.to_string()),
        subject_id: event.subject.map(|s| s.1),
        client: event.client.map(|ip| ip.to_string()),
        detail: event.detail,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    entry
}

/// Appends `event` inside `txn`. Taking the chain head first locks it (a row lock on PostgreSQL,
/// the write lock on SQLite), so concurrent writers append one after another.
pub async fn record(txn: &DatabaseTransaction, event: Event) -> Result<i64, DbErr> {
    audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(1),
        )
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit head".into()))?;
    // Microseconds: what both databases store exactly, so the hash can be recomputed.
    let entry = chained(event, head.seq, Utc::now().trunc_subsecs(6), head.hash);
    let hash = entry.hash.clone();
    let seq = entry.seq;
    audit_log::Entity::insert(audit_log::ActiveModel::from(entry))
        .exec_without_returning(txn)
        .await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(hash))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    Ok(seq)
}

/// Appends `events` in this order inside `txn`, as `record` would one by one, at the cost of three
/// statements: the head is read and locked (`FOR UPDATE` on PostgreSQL; on SQLite the transaction
/// already holds the write lock, so it must come from `db::write_txn`), the entries are chained in
/// memory and inserted in one statement, and the head is moved once. The head's update names the
/// sequence number it read, so a transaction that did not really hold the chain fails instead of
/// forking it. Returns the first entry's number (`None` for no events).
pub async fn record_many(
    txn: &DatabaseTransaction,
    events: Vec<Event>,
) -> Result<Option<i64>, DbErr> {
    if events.is_empty() {
        return Ok(None);
    }
    let head = audit_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit head".into()))?;
    let at = Utc::now().trunc_subsecs(6);
    let mut prev = head.hash;
    let mut entries = Vec::with_capacity(events.len());
    for (n, event) in events.into_iter().enumerate() {
        let entry = chained(
            event,
            head.seq + 1 + n as i64,
            at,
            std::mem::take(&mut prev),
        );
        prev = entry.hash.clone();
        entries.push(audit_log::ActiveModel::from(entry));
    }
    let last = head.seq + entries.len() as i64;
    audit_log::Entity::insert_many(entries)
        .exec_without_returning(txn)
        .await?;
    let moved = audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(last))
        .col_expr(audit_head::Column::Hash, Expr::value(prev))
        .filter(audit_head::Column::Id.eq(1))
        .filter(audit_head::Column::Seq.eq(head.seq))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(DbErr::Custom(
            "the audit chain moved during an append".into(),
        ));
    }
    Ok(Some(head.seq + 1))
}

/// The result of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        entries: u64,
    },
    /// The first entry that does not hold, and why.
    Broken {
        seq: i64,
        reason: &'static str,
    },
}

/// Walks the log in order and reports the first entry whose content, link or number is wrong.
pub async fn verify(db: &impl ConnectionTrait) -> Result<Verdict, DbErr> {
    let mut pages = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .paginate(db, 1000);
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    while let Some(page) = pages.fetch_and_next().await? {
        for e in page {
            if e.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: "entry missing",
                });
            }
            if e.prev_hash != prev {
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: "does not link to the entry before it",
                });
            }
            if entry_hash(&e) != e.hash {
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: "content changed after it was written",
                });
            }
            prev = e.hash;
            expected_seq += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit head".into()))?;
    if head.seq != expected_seq - 1 || head.hash != prev {
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: "entries at the end were removed",
        });
    }
    Ok(Verdict::Intact {
        entries: (expected_seq - 1) as u64,
    })
}

/// The previous hash of entry 1 (as the migration writes it into the head).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
