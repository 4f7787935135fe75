//! Background jobs on SQLite and PostgreSQL: due jobs run and recurring ones come back, failures
//! back off, two app instances on one database run each job once, an expired claim is taken
//! over, and the real jobs clean sessions and login-throttle rows as the clock moves.
use super::support::*;
use app::models::staff::Role;
use app::ssr::jobs::{self, JobError, JobKind, Ran, LEASE};
use app::ssr::repo::entities::{job, login_throttle, staff_session};
use app::ssr::repo::jobs as queue;
use chrono::{DateTime, TimeDelta, Utc};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T08:00:00.123456Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn jobs_of(app: &TestApp) -> Vec<job::Model> {
    job::Entity::find()
        .order_by_asc(job::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn recurring(app: &TestApp, kind: JobKind) -> job::Model {
    job::Entity::find()
        .filter(job::Column::UniqueKey.eq(kind.as_str()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{} scheduled", kind.as_str()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_jobs_run_and_recurring_ones_are_scheduled_again() {
    on_each_db(
        |_| {},
        |app| async move {
            // The whole app, not only the fields used (its drop removes the database).
            let app = app;
            let now = t0();
            // No runner in tests (only `serve` starts one): nothing ran yet.
            assert!(jobs_of(&app).await.is_empty());

            let ran = jobs::run_due(&app.state, now).await.unwrap();
            assert_eq!(ran.done, JobKind::ALL.len(), "{ran:?} on {:?}", app.db);
            for kind in JobKind::ALL {
                let j = recurring(&app, kind).await;
                let every = kind.every().unwrap();
                assert_eq!(j.run_at, (now + every).timestamp_millis(), "{}", j.kind);
                assert_eq!((j.attempts, j.claimed_by, j.claimed_until), (0, None, None));
            }
            // Each recurring kind exists once, however often the runner starts.
            assert_eq!(
                jobs::run_due(&app.state, now).await.unwrap(),
                Ran::default()
            );
            assert_eq!(jobs_of(&app).await.len(), JobKind::ALL.len());

            // Ten minutes on: the session job is due again, the throttle job (15 min) not yet.
            let later = now + TimeDelta::minutes(10);
            assert_eq!(jobs::run_due(&app.state, later).await.unwrap().done, 1);
            let sessions = recurring(&app, JobKind::PruneSessions).await;
            assert_eq!(
                sessions.run_at,
                (later + TimeDelta::minutes(10)).timestamp_millis()
            );

            // A one-off job runs once and is gone.
            let id = queue::enqueue(&app.state.db, "sessions.prune", None, later, later)
                .await
                .unwrap();
            assert_eq!(jobs::run_due(&app.state, later).await.unwrap().done, 1);
            assert!(jobs_of(&app).await.iter().all(|j| j.id != id));
            assert_eq!(jobs_of(&app).await.len(), JobKind::ALL.len());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_backs_off_and_keeps_only_its_error_kind() {
    on_each_db(
        |_| {},
        |app| async move {
            // The whole app, not only the fields used (its drop removes the database).
            let app = app;
            let now = t0();
            jobs::run_due(&app.state, now).await.unwrap();
            // A kind this version does not know (left by a newer one): fails, tried again later.
            let id = queue::enqueue(&app.state.db, "no.such.kind", Some("42".into()), now, now)
                .await
                .unwrap();
            let one = || async {
                job::Entity::find_by_id(id)
                    .one(&app.state.db)
                    .await
                    .unwrap()
                    .unwrap()
            };
            let ran = jobs::run_due(&app.state, now).await.unwrap();
            assert_eq!((ran.done, ran.failed), (0, 1));
            let j = one().await;
            assert_eq!(j.attempts, 1);
            assert_eq!(j.last_error.as_deref(), Some("unknown_kind"));
            assert_eq!(j.run_at, (now + TimeDelta::seconds(30)).timestamp_millis());
            assert_eq!((j.claimed_by, j.claimed_until), (None, None));

            // Not before its pause is over; then again, with twice the pause.
            let early = now + TimeDelta::seconds(29);
            assert_eq!(jobs::run_due(&app.state, early).await.unwrap().failed, 0);
            let second = now + TimeDelta::seconds(30);
            assert_eq!(jobs::run_due(&app.state, second).await.unwrap().failed, 1);
            let j = one().await;
            assert_eq!(j.attempts, 2);
            assert_eq!(
                j.run_at,
                (second + TimeDelta::seconds(60)).timestamp_millis()
            );

            // A job whose work fails with an error of its own keeps that kind, then succeeds.
            let third = second + TimeDelta::seconds(60);
            let ran =
                jobs::run_due_with(&app.state, third, |_| async { Err(JobError("database")) })
                    .await
                    .unwrap();
            assert_eq!(ran.failed, 1);
            let j = one().await;
            assert_eq!((j.attempts, j.last_error.as_deref()), (3, Some("database")));
            assert_eq!(
                j.run_at,
                (third + TimeDelta::seconds(120)).timestamp_millis()
            );
            let fourth = third + TimeDelta::seconds(120);
            let ran = jobs::run_due_with(&app.state, fourth, |_| async { Ok(()) })
                .await
                .unwrap();
            assert_eq!(ran.done, 1);
            assert!(job::Entity::find_by_id(id)
                .one(&app.state.db)
                .await
                .unwrap()
                .is_none());
        },
    )
    .await;
}

/// Counts how often each job id was run, across instances.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<HashMap<i64, u32>>>);

impl Runs {
    async fn work(&self, job: queue::Claimed) -> Result<(), JobError> {
        *self.0.lock().unwrap().entry(job.id).or_insert(0) += 1;
        // Long enough for the other instance to try to claim the same jobs meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_run_each_due_job_exactly_once() {
    for db in [Db::Postgres, Db::Sqlite] {
        let Some(a) = TestApp::spawn(db, &|_| {}).await else {
            continue;
        };
        let b = TestApp::spawn_on(&a.state.settings.database_url, db, &|_| {}).await;
        assert_ne!(a.state.instance_id, b.state.instance_id);
        let runs = Runs::default();
        let mut now = t0();
        // A recurring job of a test kind (rescheduled a `LEASE` later, as unknown kinds are).
        let rec = queue::enqueue(&a.state.db, "test.recurring", None, now, now)
            .await
            .unwrap();
        job::Entity::update_many()
            .col_expr(
                job::Column::UniqueKey,
                sea_orm::sea_query::Expr::value("test.recurring"),
            )
            .filter(job::Column::Id.eq(rec))
            .exec(&a.state.db)
            .await
            .unwrap();
        let rounds = 25;
        let mut one_offs = Vec::new();
        let (mut by_a, mut by_b) = (0, 0);
        for _ in 0..rounds {
            for _ in 0..8 {
                let id = queue::enqueue(&a.state.db, "test.count", None, now, now)
                    .await
                    .unwrap();
                one_offs.push(id);
            }
            let (ra, rb) = tokio::join!(
                jobs::run_due_with(&a.state, now, |j| runs.work(j)),
                jobs::run_due_with(&b.state, now, |j| runs.work(j)),
            );
            let (ra, rb) = (ra.unwrap(), rb.unwrap());
            assert_eq!(ra.lost + rb.lost + ra.failed + rb.failed, 0, "{db:?}");
            assert_eq!(ra.done + rb.done, 9, "{db:?}: {ra:?} {rb:?}");
            (by_a, by_b) = (by_a + ra.done, by_b + rb.done);
            now += LEASE + TimeDelta::seconds(1);
        }
        // Both took part: the jobs were shared out, not all run by whoever came first.
        assert!(by_a > 0 && by_b > 0, "{db:?}: a ran {by_a}, b ran {by_b}");
        let counts = runs.0.lock().unwrap().clone();
        for id in &one_offs {
            assert_eq!(counts.get(id), Some(&1), "job {id} on {db:?}");
        }
        assert_eq!(counts.get(&rec), Some(&rounds), "{db:?}");
        let left: Vec<i64> = jobs_of(&a).await.into_iter().map(|j| j.id).collect();
        assert_eq!(
            left,
            vec![rec],
            "{db:?}: one-offs deleted, the recurring one kept"
        );
        drop(b);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_claim_is_taken_over_and_the_old_holder_cannot_finish() {
    on_each_db(
        |_| {},
        |app| async move {
            // The whole app, not only the fields used (its drop removes the database).
            let app = app;
            let now = t0();
            let id = queue::enqueue(&app.state.db, "test.count", None, now, now)
                .await
                .unwrap();
            // An instance claims it and is killed before it finishes.
            let claimed = queue::claim(&app.state.db, "killed", now, LEASE, 10)
                .await
                .unwrap();
            assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![id]);
            let runs = Runs::default();
            let within = now + LEASE - TimeDelta::seconds(1);
            let ran = jobs::run_due_with(&app.state, within, |j| runs.work(j))
                .await
                .unwrap();
            assert_eq!(ran, Ran::default(), "still claimed on {:?}", app.db);

            let after = now + LEASE;
            let ran = jobs::run_due_with(&app.state, after, |j| runs.work(j))
                .await
                .unwrap();
            assert_eq!(ran.done, 1);
            assert_eq!(runs.0.lock().unwrap().get(&id), Some(&1));
            // The killed instance's late finish changes nothing.
            let outcome = queue::Outcome::Failed {
                error: "late",
                retry_at: after,
            };
            assert!(
                !queue::finish(&app.state.db, "killed", &claimed[0], outcome)
                    .await
                    .unwrap()
            );
            assert!(jobs_of(&app).await.is_empty());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_clock_moved_on_the_job_deletes_expired_sessions() {
    on_each_db(
        |_| {},
        |app| async move {
            // The whole app, not only the fields used (its drop removes the database).
            let app = app;
            let team = app.state.team_id;
            app.add_staff(team, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            app.add_staff(team, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let alva = app.login("admin@a.se").await;
            let nora = app.login("lots@a.se").await;
            let sessions = || async {
                staff_session::Entity::find()
                    .count(&app.state.db)
                    .await
                    .unwrap()
            };
            assert_eq!(sessions().await, 2);
            let clock = &app.state.clock;
            // 20 minutes on, Nora uses hers; Alva does not.
            clock.advance(TimeDelta::minutes(20));
            let page = app.send("GET", "/lots", Some(&nora), &[], None).await;
            assert_eq!(page.status, StatusCode::OK);
            jobs::run_due(&app.state, clock.now()).await.unwrap();
            assert_eq!(sessions().await, 2, "both still live");

            // 15 more: Alva's has been idle 35 minutes (the limit is 30), Nora's 15.
            clock.advance(TimeDelta::minutes(15));
            assert_eq!(
                jobs::run_due(&app.state, clock.now()).await.unwrap().done,
                2
            );
            assert_eq!(sessions().await, 1, "on {:?}", app.db);
            let gone = app.send("GET", "/lots", Some(&alva), &[], None).await;
            assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
            let page = app.send("GET", "/lots", Some(&nora), &[], None).await;
            assert_eq!(page.status, StatusCode::OK);

            // Past the absolute end (10 hours after login), however active: gone too.
            clock.advance(TimeDelta::hours(10));
            jobs::run_due(&app.state, clock.now()).await.unwrap();
            assert_eq!(sessions().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_deletes_stale_login_throttle_rows_in_batches() {
    on_each_db(
        |_| {},
        |app| async move {
            // The whole app, not only the fields used (its drop removes the database).
            let app = app;
            let now = t0();
            let ms = |t: DateTime<Utc>| t.timestamp_millis();
            let row = |scope: String, last: DateTime<Utc>, locked: Option<DateTime<Utc>>| {
                login_throttle::ActiveModel {
                    scope: sea_orm::Set(scope),
                    account: sea_orm::Set(None),
                    attempts: sea_orm::Set(3),
                    last_attempt: sea_orm::Set(ms(last)),
                    locked_until: sea_orm::Set(locked.map(ms)),
                }
            };
            let mut rows: Vec<_> = (0..250)
                .map(|i| row(format!("client:stale{i}"), now - TimeDelta::hours(2), None))
                .collect();
            rows.push(row(
                "client:recent".into(),
                now - TimeDelta::minutes(5),
                None,
            ));
            rows.push(row(
                "client:locked".into(),
                now - TimeDelta::hours(2),
                Some(now + TimeDelta::minutes(5)),
            ));
            login_throttle::Entity::insert_many(rows)
                .exec_without_returning(&app.state.db)
                .await
                .unwrap();
            jobs::run_due(&app.state, now).await.unwrap();
            let left: Vec<String> = login_throttle::Entity::find()
                .order_by_asc(login_throttle::Column::Scope)
                .all(&app.state.db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.scope)
                .collect();
            assert_eq!(left, vec!["client:locked", "client:recent"], "{:?}", app.db);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_instance_runs_the_jobs_by_itself() {
    on_each_db(
        |_| {},
        |app| async move {
            let app = app;
            let url = app.state.settings.database_url.clone();
            let port = crate::durability::free_port();
            let mut server = crate::durability::start(&url, port);
            // The runner's first round comes at once: both recurring jobs done and rescheduled.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            let mut scheduled = Vec::new();
            while std::time::Instant::now() < deadline {
                scheduled = jobs_of(&app).await;
                if scheduled.len() == JobKind::ALL.len()
                    && scheduled
                        .iter()
                        .all(|j| j.run_at > Utc::now().timestamp_millis())
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            let _ = server.kill();
            let _ = server.wait();
            assert_eq!(scheduled.len(), JobKind::ALL.len(), "on {:?}", app.db);
            assert!(
                scheduled
                    .iter()
                    .all(|j| j.run_at > Utc::now().timestamp_millis() && j.last_error.is_none()),
                "{scheduled:?}"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jobs_migration_goes_down_and_up_again() {
    use migrations::{Migrator, MigratorTrait};
    on_each_db(
        |_| {},
        |app| async move {
            let app = app;
            jobs::run_due(&app.state, t0()).await.unwrap();
            let steps = crate::support::migrations_back_to("_create_jobs");
            Migrator::down(&app.state.db, Some(steps)).await.unwrap();
            assert!(job::Entity::find().all(&app.state.db).await.is_err());
            Migrator::up(&app.state.db, None).await.unwrap();
            assert!(jobs_of(&app).await.is_empty());
            assert_eq!(
                jobs::run_due(&app.state, t0()).await.unwrap().done,
                JobKind::ALL.len()
            );
        },
    )
    .await;
}
