//! Group commit for public submissions.
//!
//! Every acknowledged request must survive a crash, so each commit waits for the disk (an fsync
//! on SQLite with `synchronous=FULL`). Instead of many connections queueing for SQLite's single
//! write lock — which makes the slowest requests very slow — one task takes every submission that
//! is waiting, stores them all in one transaction, and answers each only after that commit. Under
//! load a batch grows and the cost of one fsync is shared; with one request it is one commit.
//! PostgreSQL runs the same code (it would group commits by itself, but one path is simpler).
use crate::error::AppError;
use crate::models::contact::NewContactRequest;
use crate::ssr::repo::contact_requests::{insert_or_get, Stored};
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
    tx: mpsc::Sender<Job>,
}

impl SubmissionQueue {
    /// Starts the writer task. It ends when the last handle is dropped, after storing what it holds.
    pub fn start(db: DatabaseConnection) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(db, rx));
        SubmissionQueue { tx }
    }

    /// Stores `request` and returns once it is committed (or the first request with the same key).
    pub async fn store(
        &self,
        team_id: i64,
        key: String,
        request: NewContactRequest,
    ) -> Result<Stored, AppError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                team_id,
                key,
                request,
                reply,
            })
            .await
            .map_err(|_| AppError::internal("the submission writer has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the submission writer dropped a submission"))?
    }
}

async fn run(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        match store_batch(&db, &jobs).await {
            Ok(stored) => {
                for (job, s) in jobs.into_iter().zip(stored) {
                    let _ = job.reply.send(Ok(s));
                }
            }
            // One bad row must not fail its neighbours: store each on its own.
            Err(_) => {
                for job in jobs {
                    let result = store_one(&db, &job).await.map_err(AppError::from);
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

async fn store_batch(db: &DatabaseConnection, jobs: &[Job]) -> Result<Vec<Stored>, DbErr> {
    let txn = crate::ssr::infra::db::write_txn(db).await?;
    let mut stored = Vec::with_capacity(jobs.len());
    for job in jobs {
        stored.push(insert_or_get(&txn, job.team_id, &job.key, &job.request).await?);
    }
    txn.commit().await?;
    Ok(stored)
}

async fn store_one(db: &DatabaseConnection, job: &Job) -> Result<Stored, DbErr> {
    // A new reference code is drawn on each try, so a (very unlikely) code collision heals itself.
    let mut last = None;
    for _ in 0..3 {
        let txn = crate::ssr::infra::db::write_txn(db).await?;
        match insert_or_get(&txn, job.team_id, &job.key, &job.request).await {
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
