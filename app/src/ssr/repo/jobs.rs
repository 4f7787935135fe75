//! The job queue's table: scheduling, claiming and finishing jobs. Which kinds there are and what
//! they do is `ssr::jobs`; here a kind is only its stored name.
//!
//! Claiming is safe with several app instances on one database: a short transaction picks due,
//! unclaimed jobs with `FOR UPDATE SKIP LOCKED` on PostgreSQL (rows another instance is claiming
//! are passed over, not waited for) and marks them claimed by this instance until the lease ends;
//! the others then see them as claimed. SQLite has no row locks, and needs none: the
//! transaction begins `IMMEDIATE`, so claims follow one another. A claim whose lease ran out (its
//! instance was killed mid-job) is due again and taken by whoever asks next; the instance that
//! lost it can no longer finish it (`finish` checks the claim is still its own).
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::repo::entities::job;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};

/// A job this instance holds until its lease ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: Option<String>,
    /// Failures before this run.
    pub attempts: i32,
    /// A recurring job (it is scheduled again, never deleted).
    pub recurring: bool,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done: a recurring job runs again at `next`; a one-off is deleted.
    Done { next: Option<DateTime<Utc>> },
    /// Failed with an error of kind `error` (no data, see `job::Model::last_error`): tried again
    /// at `retry_at`, its failures counted.
    Failed {
        error: &'static str,
        retry_at: DateTime<Utc>,
    },
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Makes sure every recurring kind in `kinds` has its one row, due at `now` when it is new; an
/// existing row (and its schedule) is left alone, by every instance at once too.
pub async fn schedule_recurring(
    conn: &impl ConnectionTrait,
    kinds: &[&'static str],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if kinds.is_empty() {
        return Ok(());
    }
    let rows = kinds.iter().map(|kind| job::ActiveModel {
        id: NotSet,
        kind: Set((*kind).to_string()),
        unique_key: Set(Some((*kind).to_string())),
        payload: Set(None),
        run_at: Set(ms(now)),
        attempts: Set(0),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
        created_at: Set(now),
    });
    job::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(job::Column::UniqueKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Adds a one-off job of `kind`, due at `run_at`. `payload` holds ids only, never personal data.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    kind: &str,
    payload: Option<String>,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let done = job::Entity::insert(job::ActiveModel {
        id: NotSet,
        kind: Set(kind.to_string()),
        unique_key: Set(None),
        payload: Set(payload),
        run_at: Set(ms(run_at)),
        attempts: Set(0),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
        created_at: Set(now),
    })
    .exec(conn)
    .await?;
    Ok(done.last_insert_id)
}

/// Due at `now_ms` and not claimed (or the claim ran out).
fn free(now_ms: i64) -> Condition {
    Condition::all().add(job::Column::RunAt.lte(now_ms)).add(
        Condition::any()
            .add(job::Column::ClaimedUntil.is_null())
            .add(job::Column::ClaimedUntil.lte(now_ms)),
    )
}

/// Up to `limit` free jobs, oldest due first, locked for this transaction; rows another
/// transaction holds are skipped, not waited for (PostgreSQL; SQLite leaves the clause out).
fn due(now_ms: i64, limit: u64) -> Select<job::Entity> {
    job::Entity::find()
        .filter(free(now_ms))
        .order_by_asc(job::Column::RunAt)
        .order_by_asc(job::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
}

/// Claims up to `limit` jobs due at `now` for `instance`, until `now + lease`, oldest due first.
pub async fn claim(
    db: &impl Db,
    instance: &str,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: u64,
) -> Result<Vec<Claimed>, DbErr> {
    let now_ms = ms(now);
    let txn = write_txn(db).await?;
    let due = due(now_ms, limit).all(&txn).await?;
    if due.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = due.iter().map(|j| j.id).collect();
    job::Entity::update_many()
        .col_expr(job::Column::ClaimedBy, Expr::value(instance))
        .col_expr(job::Column::ClaimedUntil, Expr::value(ms(now + lease)))
        .filter(job::Column::Id.is_in(ids))
        // Checked again on the rows written: on PostgreSQL they are locked by now, so this holds.
        .filter(free(now_ms))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(due
        .into_iter()
        .map(|j| Claimed {
            id: j.id,
            recurring: j.unique_key.is_some(),
            kind: j.kind,
            payload: j.payload,
            attempts: j.attempts,
        })
        .collect())
}

/// Records how `job`'s run by `instance` ended. `false`: the claim was no longer this instance's
/// (its lease ran out and another took the job), so nothing was written.
pub async fn finish(
    conn: &impl ConnectionTrait,
    instance: &str,
    job: &Claimed,
    outcome: Outcome,
) -> Result<bool, DbErr> {
    let mine = || {
        Condition::all()
            .add(job::Column::Id.eq(job.id))
            .add(job::Column::ClaimedBy.eq(instance))
    };
    let done = match outcome {
        Outcome::Done { next: Some(next) } if job.recurring => {
            job::Entity::update_many()
                .col_expr(job::Column::RunAt, Expr::value(ms(next)))
                .col_expr(job::Column::Attempts, Expr::value(0_i32))
                .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
                .col_expr(job::Column::ClaimedBy, Expr::value(Option::<String>::None))
                .col_expr(job::Column::ClaimedUntil, Expr::value(Option::<i64>::None))
                .filter(mine())
                .exec(conn)
                .await?
                .rows_affected
        }
        Outcome::Done { .. } => {
            job::Entity::delete_many()
                .filter(mine())
                .exec(conn)
                .await?
                .rows_affected
        }
        Outcome::Failed { error, retry_at } => {
            job::Entity::update_many()
                .col_expr(job::Column::RunAt, Expr::value(ms(retry_at)))
                .col_expr(
                    job::Column::Attempts,
                    Expr::value(job.attempts.saturating_add(1)),
                )
                .col_expr(job::Column::LastError, Expr::value(Some(error.to_string())))
                .col_expr(job::Column::ClaimedBy, Expr::value(Option::<String>::None))
                .col_expr(job::Column::ClaimedUntil, Expr::value(Option::<i64>::None))
                .filter(mine())
                .exec(conn)
                .await?
                .rows_affected
        }
    };
    Ok(done == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{DbBackend, QueryTrait};

    #[test]
    fn claims_skip_rows_another_instance_holds_on_postgres() {
        let pg = due(5, 20).build(DbBackend::Postgres).to_string();
        assert!(pg.ends_with("FOR UPDATE SKIP LOCKED"), "{pg}");
        assert!(pg.contains(r#""claimed_until" <= 5"#), "{pg}");
        let lite = due(5, 20).build(DbBackend::Sqlite).to_string();
        assert!(!lite.contains("FOR UPDATE"), "{lite}");
    }
}
