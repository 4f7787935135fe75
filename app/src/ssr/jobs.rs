//! Background jobs: work the server does by itself, on a schedule, kept in the database
//! (`repo::jobs`) so that every app instance shares one queue and several instances never run one
//! job twice at once.
//!
//! [`start`] (called by `serve`, never by `migrate` or the console commands) wakes every
//! [`TICK`] and calls [`run_due`]: it makes sure each recurring kind has its row, claims the jobs
//! due, runs them one after another, and then schedules a recurring job again (`JobKind::every`
//! after now), deletes a one-off, or — when it failed — counts the failure and tries again after a
//! growing pause ([`backoff`]), keeping only the kind of the error. A job must finish within
//! [`LEASE`]; after it, its claim runs out and another instance takes the job.
//!
//! A new kind: a variant of [`JobKind`], its stored name, `every` (for a recurring kind) and its
//! arm in `run`.
use crate::ssr::auth::{sessions, throttle};
use crate::ssr::repo::jobs::{self as queue, Claimed, Outcome};
use crate::ssr::services::requests;
use crate::ssr::state::AppState;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::DbErr;
use std::future::Future;
use std::time::Duration;

/// How often the runner looks for due jobs.
pub const TICK: Duration = Duration::from_secs(30);
/// How long a claim holds: a job must be done by then (or another instance may start it again).
pub const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Jobs claimed at once; a tick claims again until nothing is due (at most `MAX_BATCHES` times).
const BATCH: u64 = 20;
const MAX_BATCHES: usize = 50;

/// What a job does. Stored by name (`as_str`), which never changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Deletes staff sessions past their end or idle too long (`sessions::prune`).
    PruneSessions,
    /// Deletes login-throttle rows that no longer count (`throttle::prune_all`).
    PruneLoginThrottle,
    /// Erases friend requests whose person has not agreed within their team's
    /// `friend_erase_days` (`services::requests::erase_unanswered`).
    EraseUnansweredFriendRequests,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [
        JobKind::PruneSessions,
        JobKind::PruneLoginThrottle,
        JobKind::EraseUnansweredFriendRequests,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::PruneSessions => "sessions.prune",
            JobKind::PruneLoginThrottle => "login_throttle.prune",
            JobKind::EraseUnansweredFriendRequests => "friend_requests.erase_unanswered",
        }
    }

    pub fn parse(name: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// For a recurring kind, how long after a run it runs again; `None` for a one-off kind.
    pub fn every(self) -> Option<TimeDelta> {
        match self {
            JobKind::PruneSessions => Some(TimeDelta::minutes(10)),
            JobKind::PruneLoginThrottle => Some(TimeDelta::minutes(15)),
            JobKind::EraseUnansweredFriendRequests => Some(TimeDelta::hours(1)),
        }
    }
}

/// Why a job failed, as a kind without data: this is what the table keeps and the log shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobError(pub &'static str);

impl From<DbErr> for JobError {
    fn from(e: DbErr) -> Self {
        JobError(match e {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => "database_connection",
            _ => "database",
        })
    }
}

/// The pause before the next try after the `failures`th failure in a row: 30 s, doubling, at
/// most an hour.
pub fn backoff(failures: i32) -> TimeDelta {
    let doublings = u32::try_from(failures.saturating_sub(1))
        .unwrap_or(0)
        .min(7);
    (TimeDelta::seconds(30) * 2_i32.pow(doublings)).min(TimeDelta::hours(1))
}

/// What one call of `run_due` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ran {
    pub done: usize,
    pub failed: usize,
    /// Finished after their claim had run out and another instance had taken them: not recorded.
    pub lost: usize,
}

/// Runs every job due at `now` (the runner's tick; tests call it directly with the time they
/// want).
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<Ran, DbErr> {
    let recurring: Vec<&'static str> = JobKind::ALL
        .into_iter()
        .filter(|k| k.every().is_some())
        .map(JobKind::as_str)
        .collect();
    queue::schedule_recurring(&state.db, &recurring, now).await?;
    run_due_with(state, now, |job| run(state, job, now)).await
}

/// `run_due` with `work` doing each job (tests count runs through it). The schedule after a
/// success comes from the job's kind; an unknown kind (a job a newer version left) runs again a
/// `LEASE` later.
pub async fn run_due_with<F, Fut>(
    state: &AppState,
    now: DateTime<Utc>,
    work: F,
) -> Result<Ran, DbErr>
where
    F: Fn(Claimed) -> Fut,
    Fut: Future<Output = Result<(), JobError>>,
{
    let instance = state.instance_id.as_ref();
    let mut ran = Ran::default();
    for _ in 0..MAX_BATCHES {
        let jobs = queue::claim(&state.db, instance, now, LEASE, BATCH).await?;
        if jobs.is_empty() {
            break;
        }
        for job in jobs {
            let result = work(job.clone()).await;
            let outcome = match result {
                Ok(()) => {
                    let every = JobKind::parse(&job.kind)
                        .and_then(JobKind::every)
                        .unwrap_or(LEASE);
                    Outcome::Done {
                        next: job.recurring.then(|| now + every),
                    }
                }
                Err(JobError(error)) => {
                    let failures = job.attempts.saturating_add(1);
                    tracing::warn!(job = job.id, kind = %job.kind, error, failures, "job failed");
                    Outcome::Failed {
                        error,
                        retry_at: now + backoff(failures),
                    }
                }
            };
            if queue::finish(&state.db, instance, &job, outcome).await? {
                match outcome {
                    Outcome::Done { .. } => ran.done += 1,
                    Outcome::Failed { .. } => ran.failed += 1,
                }
            } else {
                tracing::warn!(job = job.id, kind = %job.kind, "job's claim ran out before it finished");
                ran.lost += 1;
            }
        }
    }
    Ok(ran)
}

/// Does one job.
async fn run(state: &AppState, job: Claimed, now: DateTime<Utc>) -> Result<(), JobError> {
    let Some(kind) = JobKind::parse(&job.kind) else {
        return Err(JobError("unknown_kind"));
    };
    match kind {
        JobKind::PruneSessions => {
            let n = sessions::prune(&state.db, &state.settings.access, now).await?;
            tracing::debug!(deleted = n, "expired sessions deleted");
        }
        JobKind::PruneLoginThrottle => {
            let n = throttle::prune_all(&state.db, now).await?;
            tracing::debug!(deleted = n, "stale login-throttle rows deleted");
        }
        JobKind::EraseUnansweredFriendRequests => {
            let n = requests::erase_unanswered(&state.db, now)
                .await
                .map_err(|_| JobError("erase"))?;
            tracing::debug!(erased = n, "unanswered friend requests erased");
        }
    }
    Ok(())
}

/// Starts the runner: a task that runs the due jobs now and then every `TICK`, by the state's
/// clock, until the returned handle is aborted (or the process ends; a job cut off then is taken
/// again when its claim runs out).
pub fn start(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_due(&state, state.clock.now()).await {
                Ok(ran) if ran != Ran::default() => tracing::debug!(?ran, "background jobs"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %JobError::from(e).0, "background jobs: no claim"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_back_off_grows_to_an_hour() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(JobKind::parse("nope"), None);
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(4), TimeDelta::seconds(240));
        assert_eq!(backoff(8), TimeDelta::hours(1));
        assert_eq!(backoff(1000), TimeDelta::hours(1));
    }
}
