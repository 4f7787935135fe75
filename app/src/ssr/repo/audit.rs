//! The audit log: who did what to which record, when and from where.
//!
//! Append-only and tamper-evident: entry n carries HMAC-SHA256 (under the installation key's
//! `Purpose::Audit` subkey, `keys.rs`) over its own content and entry n-1's hash, so changing,
//! removing or inserting a row breaks every link after it, and whoever can write to the database
//! but does not hold the key cannot recompute the links. `record` runs in the caller's
//! transaction, so an entry exists exactly when the change it describes was committed. The
//! database refuses UPDATE and DELETE on the log as well (a trigger, migration 000007).
//!
//! Which key: the chain head names its key's public id (`Keys::id`), and `record` takes the key
//! with that id from the keys this process has loaded (`adopt_key`, at start-up). So no caller has
//! to carry the key (a dozen services record, in transactions of their own), several apps with
//! different keys in one process (the tests) each chain with their own, and a process that has
//! not loaded the database's key cannot append at all. Checking the log takes the key explicitly.
use crate::models::audit::Action;
use crate::models::ids::{StaffId, TeamId};
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::infra::keys::{Keys, Purpose};
use crate::ssr::repo::entities::{audit_head, audit_log};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DbBackend, QuerySelect, Statement};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{OnceLock, PoisonError, RwLock};

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

/// The keyed link: HMAC-SHA256 of the entry's canonical text.
pub fn entry_hash(keys: &Keys, e: &audit_log::Model) -> String {
    keys.mac_hex(Purpose::Audit, canonical(e).as_bytes())
}

/// The link as entries were made before the installation key (plain SHA-256 of the same text):
/// anyone can recompute it, so it is only read, to check and re-chain an older log.
pub fn legacy_entry_hash(e: &audit_log::Model) -> String {
    sha256_hex(canonical(e).as_bytes())
}

/// The keys this process has loaded, by id (see the module's comment).
fn loaded() -> &'static RwLock<HashMap<String, Keys>> {
    static LOADED: OnceLock<RwLock<HashMap<String, Keys>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

fn remember(keys: &Keys) {
    loaded()
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(keys.id(), keys.clone());
}

/// The key that chains the log whose head is `head`.
fn key_of(head: &audit_head::Model) -> Result<Keys, DbErr> {
    let id = head.key_id.as_deref().ok_or_else(|| {
        DbErr::Custom("the audit chain has no key yet: the server's start-up sets it".into())
    })?;
    loaded()
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(id)
        .cloned()
        .ok_or_else(|| DbErr::Custom(format!("the audit chain's key {id} is not loaded")))
}

/// The log entry for `event` at `seq`, chained to the entry before it by `prev_hash`.
fn chained(
    keys: &Keys,
    event: Event,
    seq: i64,
    at: DateTime<Utc>,
    prev_hash: String,
) -> audit_log::Model {
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
    entry.hash = entry_hash(keys, &entry);
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
    let keys = key_of(&head)?;
    // Microseconds: what both databases store exactly, so the hash can be recomputed.
    let entry = chained(
        &keys,
        event,
        head.seq,
        Utc::now().trunc_subsecs(6),
        head.hash,
    );
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
    let keys = key_of(&head)?;
    let at = Utc::now().trunc_subsecs(6);
    let mut prev = head.hash;
    let mut entries = Vec::with_capacity(events.len());
    for (n, event) in events.into_iter().enumerate() {
        let entry = chained(
            &keys,
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

/// How links are computed: keyed, or plain SHA-256 (a log from before the key).
enum Link<'a> {
    Keyed(&'a Keys),
    Legacy,
}

impl Link<'_> {
    fn of(&self, e: &audit_log::Model) -> String {
        match self {
            Link::Keyed(keys) => entry_hash(keys, e),
            Link::Legacy => legacy_entry_hash(e),
        }
    }
}

async fn head(db: &impl ConnectionTrait) -> Result<audit_head::Model, DbErr> {
    audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit head".into()))
}

/// The entries after number `after`, in order, a page at a time. Paging by number (not offset)
/// stays right while the pages are rewritten (`rechain`).
async fn page_after(db: &impl ConnectionTrait, after: i64) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Seq.gt(after))
        .order_by_asc(audit_log::Column::Seq)
        .limit(1000)
        .all(db)
        .await
}

/// Walks the log in order and reports the first entry whose content, link or number is wrong.
async fn walk(db: &impl ConnectionTrait, link: &Link<'_>) -> Result<Verdict, DbErr> {
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    loop {
        let page = page_after(db, expected_seq - 1).await?;
        if page.is_empty() {
            break;
        }
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
            if link.of(&e) != e.hash {
                let recomputed = matches!(link, Link::Keyed(_)) && legacy_entry_hash(&e) == e.hash;
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: if recomputed {
                        "changed, and its hash recomputed without the installation key"
                    } else {
                        "content changed after it was written"
                    },
                });
            }
            prev = e.hash;
            expected_seq += 1;
        }
    }
    let head = head(db).await?;
    if head.seq > expected_seq - 1 {
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: "entries at the end were removed",
        });
    }
    if head.seq != expected_seq - 1 || head.hash != prev {
        return Ok(Verdict::Broken {
            seq: head.seq,
            reason: "the chain's head does not match its last entry",
        });
    }
    Ok(Verdict::Intact {
        entries: (expected_seq - 1) as u64,
    })
}

/// Checks the whole chain with `keys`: every link, every number, and the head.
pub async fn verify(db: &impl ConnectionTrait, keys: &Keys) -> Result<Verdict, DbErr> {
    let head = head(db).await?;
    if head.key_id.as_deref() != Some(keys.id().as_str()) {
        return Ok(Verdict::Broken {
            seq: 0,
            reason: "the chain's head names another installation key, or none",
        });
    }
    walk(db, &Link::Keyed(keys)).await
}

/// The previous hash of entry 1 (as the migration writes it into the head).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Why the server does not start with this key and this audit log.
#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    #[error(
        "the audit log is chained with another installation key (id {stored}) than the one \
         loaded (id {current}): start with the key this database was set up with \
         (HALSOLOTS_KEY or HALSOLOTS_KEY_FILE)"
    )]
    WrongKey { stored: String, current: String },
    #[error(
        "the audit log from before the installation key is broken at entry {seq} ({reason}), \
         so it was not re-chained with the key: compare the database with a backup"
    )]
    LegacyBroken { seq: i64, reason: &'static str },
    #[error(
        "the audit chain's head has lost its key id, but entry {seq} records that the chain was \
         keyed: refusing to re-chain (compare the database with a backup)"
    )]
    KeyIdRemoved { seq: i64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What `adopt_key` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Adopted {
    /// The log was already chained with this key.
    Already,
    /// A new, empty log: it is chained with this key from now on.
    Fresh,
    /// A log from before the key: checked with SHA-256, then re-chained with HMAC.
    Rechained { entries: u64 },
}

/// At start-up, inside `txn` (a write transaction): makes `keys` the chain's key. A head without
/// a key id is a log from before keyed links: it is checked with plain SHA-256 (a broken one is
/// not laundered into a keyed one), re-chained with HMAC, the key id set, and an entry records
/// it. A head naming another key refuses (a wrong key would misread every secret).
pub async fn adopt_key(txn: &DatabaseTransaction, keys: &Keys) -> Result<Adopted, AdoptError> {
    let id = keys.id();
    let head = audit_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit head".into()))?;
    match head.key_id {
        Some(stored) if stored == id => {
            remember(keys);
            return Ok(Adopted::Already);
        }
        Some(stored) => {
            return Err(AdoptError::WrongKey {
                stored,
                current: id,
            })
        }
        None => {}
    }
    if let Verdict::Broken { seq, reason } = walk(txn, &Link::Legacy).await? {
        return Err(AdoptError::LegacyBroken { seq, reason });
    }
    if let Some(e) = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(Action::AuditKeyed))
        .one(txn)
        .await?
    {
        return Err(AdoptError::KeyIdRemoved { seq: e.seq });
    }
    let entries = rechain(txn, keys).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::KeyId, Expr::value(id.clone()))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    remember(keys);
    if entries == 0 {
        return Ok(Adopted::Fresh);
    }
    record(
        txn,
        Event {
            detail: Some(format!(
                "{entries} earlier entries re-chained with key {id}"
            )),
            ..Event::new(Action::AuditKeyed)
        },
    )
    .await?;
    Ok(Adopted::Rechained { entries })
}

/// Rewrites every link with the key (in order) and moves the head; returns how many entries.
async fn rechain(txn: &DatabaseTransaction, keys: &Keys) -> Result<u64, DbErr> {
    let mut page = page_after(txn, 0).await?;
    if page.is_empty() {
        return Ok(0);
    }
    let restore = lift_guards(txn).await?;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    while let Some(last) = page.last().map(|e| e.seq) {
        for mut e in page {
            e.prev_hash = std::mem::take(&mut prev);
            e.hash = entry_hash(keys, &e);
            audit_log::Entity::update_many()
                .col_expr(audit_log::Column::PrevHash, Expr::value(e.prev_hash))
                .col_expr(audit_log::Column::Hash, Expr::value(e.hash.clone()))
                .filter(audit_log::Column::Seq.eq(e.seq))
                .exec(txn)
                .await?;
            prev = e.hash;
            entries += 1;
        }
        page = page_after(txn, last).await?;
    }
    for sql in restore {
        txn.execute_unprepared(&sql).await?;
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(prev))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    Ok(entries)
}

/// Lifts, for this transaction only, the triggers that keep the log append-only; returns the
/// statements that put them back. PostgreSQL disables its trigger (transactional DDL); SQLite
/// drops its triggers and re-creates them from their stored text.
async fn lift_guards(txn: &DatabaseTransaction) -> Result<Vec<String>, DbErr> {
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        txn.execute_unprepared("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            .await?;
        return Ok(vec![
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change".into(),
        ]);
    }
    let rows = txn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'",
        ))
        .await?;
    let mut restore = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        restore.push(row.try_get::<String>("", "sql")?);
        txn.execute_unprepared(&format!("DROP TRIGGER \"{name}\""))
            .await?;
    }
    Ok(restore)
}

/// A signed statement of the chain's head at a moment, for the operator to keep apart from the
/// database: `verify_checkpoint` then shows whether anything up to it was changed, removed or
/// re-chained since, even by someone who rewrote the whole log and its head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    pub key_id: String,
}

const CHECKPOINT_TAG: &str = "halsolots-audit-checkpoint/v1";

/// A checkpoint line that cannot be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint line (it starts with {CHECKPOINT_TAG})")]
    Malformed,
    #[error("the checkpoint was made with another installation key (id {0})")]
    OtherKey(String),
    #[error(
        "the checkpoint's signature does not match: it was edited or not made by this installation"
    )]
    BadSignature,
}

impl Checkpoint {
    fn signed_text(&self) -> String {
        format!(
            "{CHECKPOINT_TAG} seq={} hash={} at={} key={}",
            self.seq,
            self.hash,
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.key_id
        )
    }

    /// One line: the fields and their HMAC (`Purpose::Checkpoint`).
    pub fn line(&self, keys: &Keys) -> String {
        let text = self.signed_text();
        let sig = keys.mac_hex(Purpose::Checkpoint, text.as_bytes());
        format!("{text} sig={sig}")
    }

    /// Reads a line `line` made, checking its signature with `keys`.
    pub fn parse(line: &str, keys: &Keys) -> Result<Checkpoint, CheckpointError> {
        let (text, sig) = line
            .trim()
            .rsplit_once(" sig=")
            .ok_or(CheckpointError::Malformed)?;
        let mut fields = text.split(' ');
        if fields.next() != Some(CHECKPOINT_TAG) {
            return Err(CheckpointError::Malformed);
        }
        let mut field = |name: &str| {
            fields
                .next()
                .and_then(|f| f.strip_prefix(name))
                .and_then(|f| f.strip_prefix('='))
                .map(str::to_string)
                .ok_or(CheckpointError::Malformed)
        };
        let seq = field("seq")?
            .parse()
            .map_err(|_| CheckpointError::Malformed)?;
        let hash = field("hash")?;
        let at = DateTime::parse_from_rfc3339(&field("at")?)
            .map_err(|_| CheckpointError::Malformed)?
            .with_timezone(&Utc);
        let key_id = field("key")?;
        if key_id != keys.id() {
            return Err(CheckpointError::OtherKey(key_id));
        }
        let cp = Checkpoint {
            seq,
            hash,
            at,
            key_id,
        };
        // Re-made from the parsed fields, so only the one canonical spelling verifies.
        if cp.signed_text() != text || keys.mac_hex(Purpose::Checkpoint, text.as_bytes()) != sig {
            return Err(CheckpointError::BadSignature);
        }
        Ok(cp)
    }
}

/// A checkpoint of the chain as it is now; `Err` with the first broken entry and why if the
/// chain does not hold (signing a broken chain would bless it).
pub async fn checkpoint(
    db: &impl ConnectionTrait,
    keys: &Keys,
) -> Result<Result<Checkpoint, (i64, &'static str)>, DbErr> {
    if let Verdict::Broken { seq, reason } = verify(db, keys).await? {
        return Ok(Err((seq, reason)));
    }
    let head = head(db).await?;
    Ok(Ok(Checkpoint {
        seq: head.seq,
        hash: head.hash,
        // Whole seconds: what the line shows.
        at: Utc::now().trunc_subsecs(0),
        key_id: keys.id(),
    }))
}

/// The whole chain, and that the entry `cp` names still exists with the hash it had then.
pub async fn verify_checkpoint(
    db: &impl ConnectionTrait,
    keys: &Keys,
    cp: &Checkpoint,
) -> Result<Verdict, DbErr> {
    let verdict = verify(db, keys).await?;
    if let Verdict::Broken { .. } = verdict {
        return Ok(verdict);
    }
    if cp.seq == 0 {
        return Ok(verdict);
    }
    Ok(match audit_log::Entity::find_by_id(cp.seq).one(db).await? {
        None => Verdict::Broken {
            seq: head(db).await?.seq + 1,
            reason: "removed: the log now ends before the entry the checkpoint names",
        },
        Some(e) if e.hash != cp.hash => Verdict::Broken {
            seq: cp.seq,
            reason: "its hash is not the checkpoint's: it or an entry before it was changed \
                     and the chain re-made",
        },
        Some(_) => verdict,
    })
}
