//! Group commit for public submissions, on both databases.
//!
//! Every acknowledged request must survive a crash, so each commit waits for the disk (an fsync
//! on SQLite with `synchronous=FULL`). Instead of many connections queueing for SQLite's single
//! write lock — which makes the slowest requests very slow — one task takes every submission that
//! is waiting, stores them all in one transaction, and answers each only after that commit. Under
//! load a group grows and the cost of one fsync is shared; with one request it is one commit.
//! A group costs a fixed handful of statements whatever its size (`insert_or_get_many`: one
//! look-up, one multi-row insert with `RETURNING`, one audit append that moves the chain's head
//! once), so once fsync is cheap the writer's own work is not the ceiling either.
//!
//! PostgreSQL groups concurrent commits by itself, so the obvious design there is one transaction
//! per submission from the pool. It does not work here: every new request appends to the audit
//! hash chain, and the chain's head row stays locked until the appending transaction has
//! committed, so per-request transactions queue on that lock one fsync after another (measured on
//! 2 cores: PGPOOL_FIGURE). Weakening the chain (no head, entries chained later by a background
//! task, or one chain per request) would give up the tamper evidence for a figure. Batching keeps
//! one chain and pays the lock once per group: the same writer serves PostgreSQL (measured:
//! PGBATCH_FIGURE). It holds the head row only for the audit append, the head update and the commit
//! (the look-up and the insert come first), and several app instances on one database stay correct:
//! their writers take the head row in turn (`SELECT … FOR UPDATE`), and a request that two of them
//! insert at once is stored once (the unique key; the second reads the first's row back).
use super::contact_requests::{insert_or_get, insert_or_get_many, Stored, Submission};
use crate::error::AppError;
use crate::models::contact::NewContactRequest;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

/// The most submissions stored in one transaction.
const MAX_BATCH: usize = 256;

/// A submission waiting to be stored.
struct Job {
    team_id: i64,
    key: String,
    request: NewContactRequest,
    reply: oneshot::Sender<Result<Stored, AppError>>,
}

/// The handle through which requests are stored; cheap to clone.
#[derive(Clone)]
pub struct SubmissionQueue {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Writer(mpsc::Sender<Job>),
    Direct(DatabaseConnection),
}

impl SubmissionQueue {
    /// Starts the writer task. It ends when the last handle is dropped, after storing what it holds.
    pub fn start(db: DatabaseConnection) -> Self {
        // TEMPORARY (measurement): HALSOLOTS_PG_WRITES=pool, HALSOLOTS_PG_LANES=n.
        let pg = db.get_database_backend() == sea_orm::DbBackend::Postgres;
        if pg && std::env::var("HALSOLOTS_PG_WRITES").as_deref() == Ok("pool") {
            return SubmissionQueue {
                inner: Inner::Direct(db),
            };
        }
        let lanes: usize = if pg {
            std::env::var("HALSOLOTS_PG_LANES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
        } else {
            1
        };
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        for _ in 0..lanes {
            tokio::spawn(run(db.clone(), rx.clone()));
        }
        SubmissionQueue {
            inner: Inner::Writer(tx),
        }
    }

    /// Stores `request` and returns once it is committed (or the first request with the same key).
    pub async fn store(
        &self,
        team_id: i64,
        key: String,
        request: NewContactRequest,
    ) -> Result<Stored, AppError> {
        let tx = match &self.inner {
            Inner::Writer(tx) => tx,
            Inner::Direct(db) => return Ok(store_one(db, team_id, &key, &request).await?),
        };
        let (reply, answer) = oneshot::channel();
        tx.send(Job {
            team_id,
            key,
            request,
            reply,
        })
        .await
        .map_err(|_| AppError::Internal)?;
        answer.await.map_err(|_| AppError::Internal)?
    }
}

async fn run(db: DatabaseConnection, rx: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        if rx.lock().await.recv_many(&mut jobs, MAX_BATCH).await == 0 {
            break;
        }
        match store_batch(&db, &jobs).await {
            Ok(stored) => {
                for (job, s) in jobs.into_iter().zip(stored) {
                    let _ = job.reply.send(Ok(s));
                }
            }
            // One bad row must not fail its neighbours: store each on its own.
            Err(_) => {
                for job in jobs {
                    let result = store_one(&db, job.team_id, &job.key, &job.request)
                        .await
                        .map_err(AppError::from);
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

async fn store_batch(db: &DatabaseConnection, jobs: &[Job]) -> Result<Vec<Stored>, DbErr> {
    let subs: Vec<Submission<'_>> = jobs
        .iter()
        .map(|j| Submission {
            team_id: j.team_id,
            key: &j.key,
            request: &j.request,
        })
        .collect();
    let txn = super::db::write_txn(db).await?;
    let stored = insert_or_get_many(&txn, &subs).await?;
    txn.commit().await?;
    Ok(stored)
}

async fn store_one(
    db: &DatabaseConnection,
    team_id: i64,
    key: &str,
    request: &NewContactRequest,
) -> Result<Stored, DbErr> {
    // A new reference code is drawn on each try, so a (very unlikely) code collision heals itself.
    let mut last = None;
    for _ in 0..3 {
        let txn = super::db::write_txn(db).await?;
        match insert_or_get(&txn, team_id, key, request).await {
            Ok(s) => {
                txn.commit().await?;
                return Ok(s);
            }
            Err(e) => {
                txn.rollback().await?;
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| DbErr::Custom("store failed".into())))
}
