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
//! committed, so per-request transactions queue on that lock one fsync after another. Measured on
//! 2 cores, 32 clients, release builds, the same run: per-request transactions 245–344/s with p99
//! 257–423 ms, this writer 499–1 781/s with p99 39–226 ms (the spread is the machine's other
//! work). Weakening the chain (no head, entries chained later by a background task, one chain per
//! request) would give up its tamper evidence for a figure. Batching keeps one chain and pays the
//! lock once per group, so the same writer serves PostgreSQL. On PostgreSQL two writer tasks
//! share the queue: one group's look-up and insert run while the other group commits, and they
//! take the head row in turn. On a quiet machine (release, 32 clients, 8 s, one run each) one
//! writer did 3 157/s (×0.64 of the bare pooled server), two 3 997/s (×0.74), four 3 315/s
//! (×0.60); under a loaded machine a second writer measured no better. The head row is held only
//! for the audit append, the head update and the commit (look-up and insert come first). Several app instances
//! on one database stay correct: their writers take the head row in turn (`SELECT … FOR
//! UPDATE`), and a request two of them insert at once is stored once (the unique key; the second
//! reads the first's row back).
use crate::error::AppError;
use crate::models::contact::NewContactRequest;
use crate::ssr::infra::clock::Clock;
use crate::ssr::repo::contact_requests::{insert_or_get, insert_or_get_many, Stored, Submission};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

/// The most submissions stored in one transaction.
const MAX_BATCH: usize = 256;

/// A submission waiting to be stored.
struct Job {
    team_id: i64,
    key: String,
    request: NewContactRequest,
    /// The sender's `client_fingerprint`.
    client: String,
    reply: oneshot::Sender<Result<Stored, AppError>>,
}

/// The handle through which requests are stored; cheap to clone.
#[derive(Clone)]
pub struct SubmissionQueue {
    tx: mpsc::Sender<Job>,
}

impl SubmissionQueue {
    /// Starts the writer tasks. They end when the last handle is dropped, after storing what they hold.
    /// `clock` stamps each request (the app's clock, which tests may set).
    pub fn start(db: DatabaseConnection, clock: Clock) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        // PostgreSQL: two writers, so one group's look-up and insert overlap the other's commit
        // (they take the chain's head row in turn). SQLite has one write lock: one writer.
        let writers = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            2
        } else {
            1
        };
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        for _ in 0..writers {
            tokio::spawn(run(db.clone(), rx.clone(), clock.clone()));
        }
        SubmissionQueue { tx }
    }

    /// Stores `request` from `client` (a `client_fingerprint`) and returns once it is committed,
    /// or the earlier request it repeats (see `insert_or_get_many`).
    pub async fn store(
        &self,
        team_id: i64,
        key: String,
        request: NewContactRequest,
        client: String,
    ) -> Result<Stored, AppError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                team_id,
                key,
                request,
                client,
                reply,
            })
            .await
            .map_err(|_| AppError::internal("the submission writer has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the submission writer dropped a submission"))?
    }
}

async fn run(
    db: DatabaseConnection,
    rx: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    clock: Clock,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut stored_so_far = 0usize;
    loop {
        let taken = rx.lock().await.recv_many(&mut batch, MAX_BATCH).await;
        if taken == 0 {
            break;
        }
        let jobs = std::mem::take(&mut batch);
        let before = stored_so_far;
        stored_so_far += jobs.len();
        if let Some(&n) = ANALYZE_AFTER
            .iter()
            .find(|&&n| before < n && stored_so_far >= n)
        {
            analyze(&db, n);
        }
        match store_batch(&db, &jobs, clock.now()).await {
            Ok(stored) => {
                for (job, s) in jobs.into_iter().zip(stored) {
                    let _ = job.reply.send(Ok(s));
                }
            }
            // One bad row must not fail its neighbours: store each on its own.
            Err(e) => {
                tracing::warn!(error = %e, jobs = jobs.len(), "group failed; storing one by one");
                for job in jobs {
                    let result = store_one(&db, &job, clock.now())
                        .await
                        .map_err(AppError::from);
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// After this many submissions from this process, the writer has PostgreSQL analyse the tables
/// it writes (see `analyze`).
const ANALYZE_AFTER: [usize; 3] = [1_000, 10_000, 100_000];

/// A new table has no planner statistics until autovacuum analyses it (checked once a minute).
/// Until then PostgreSQL guesses that a team has a handful of requests and answers the look-up by
/// scanning all of the team's rows through the status index; on a fresh database taking
/// thousands of submissions a second that look-up grew to 5–30 ms per group (measured). So the
/// writer asks for the statistics itself, early in a new database's life, beside its work.
fn analyze(db: &DatabaseConnection, after: usize) {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = db
            .execute_unprepared("ANALYZE contact_requests, audit_log")
            .await
        {
            tracing::warn!(error = %e, after, "analyse after submissions failed");
        }
    });
}

async fn store_batch(
    db: &DatabaseConnection,
    jobs: &[Job],
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, DbErr> {
    let subs: Vec<Submission<'_>> = jobs
        .iter()
        .map(|j| Submission {
            team_id: j.team_id,
            key: &j.key,
            request: &j.request,
            client: &j.client,
        })
        .collect();
    let txn = crate::ssr::infra::db::write_txn(db).await?;
    let stored = insert_or_get_many(&txn, &subs, now).await?;
    txn.commit().await?;
    Ok(stored)
}

async fn store_one(
    db: &DatabaseConnection,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    // A new reference code is drawn on each try, so a (very unlikely) code collision heals itself.
    let mut last = None;
    for _ in 0..3 {
        let txn = crate::ssr::infra::db::write_txn(db).await?;
        match insert_or_get(&txn, job.team_id, &job.key, &job.request, &job.client, now).await {
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
