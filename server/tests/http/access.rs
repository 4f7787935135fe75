//! Staff access under attack: attempts counted before they are checked, checks in flight bounded,
//! locks on the (account, client) pair instead of the account, an admin's unlock, throttled and
//! audited secrets outside the login page, browser-session cookies, and throttle rows that are
//! keyed hashes and do not pile up.
use super::support::*;
use app::models::staff::Role;
use app::ssr::repo::entities::login_throttle;
use axum::body::Body;
use http::{Request, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// A login from client address `ip`.
pub async fn login_from(app: &TestApp, email: &str, password: &str, ip: &str) -> TestResponse {
    let body = encode(&[("email", email), ("password", password), ("next", "/lots")]);
    let req = Request::post("/lots/logga-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.call(req, ip).await
}

/// `requests` copies of one request at once (each its own task), their statuses.
async fn burst<F, Fut>(app: &Arc<TestApp>, requests: usize, one: F) -> JoinSet<StatusCode>
where
    F: Fn(Arc<TestApp>) -> Fut,
    Fut: std::future::Future<Output = TestResponse> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for _ in 0..requests {
        let fut = one(app.clone());
        tasks.spawn(async move { fut.await.status });
    }
    tasks
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_passwords_is_checked_a_few_times_and_others_get_through() {
    on_each_db(
        |_| {},
        |app| async move {
            let team = app.state.team_id;
            app.add_staff(team, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            app.add_staff(team, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let before = app.state.passwords.verifications();
            let app = Arc::new(app);
            let tasks = burst(&app, 50, |a| async move {
                login_from(&a, "lots@a.se", "fel lösenord här", "10.0.0.66").await
            })
            .await;
            // While the burst runs, someone else logs in and the server answers its health check.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let t = Instant::now();
            let other = login_from(&app, "admin@a.se", PASSWORD, "10.0.0.7").await;
            let login_took = t.elapsed();
            let t = Instant::now();
            let health = app.get("/healthz").await;
            let health_took = t.elapsed();
            let statuses = tasks.join_all().await;

            assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);
            assert_eq!(health.status, StatusCode::OK);
            assert!(
                login_took < Duration::from_secs(2),
                "login took {login_took:?}"
            );
            assert!(
                health_took < Duration::from_secs(2),
                "health took {health_took:?}"
            );

            let checked = statuses
                .iter()
                .filter(|s| **s == StatusCode::UNAUTHORIZED)
                .count();
            let refused = statuses
                .iter()
                .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
                .count();
            assert_eq!(checked + refused, 50, "{statuses:?}");
            assert!((1..=5).contains(&checked), "{checked} checked");
            // Argon2 ran for the checked ones and the other login only.
            let verified = app.state.passwords.verifications() - before;
            assert!(verified <= 5 + 1, "{verified} passwords checked");
            assert_eq!(verified as usize, checked + 1);
            let actions = app.audit_actions().await;
            assert_eq!(count(&actions, "login.failed"), checked);
            assert!(
                app.state.logins.is_empty(),
                "every place in flight given back"
            );
            eprintln!("{:?}: {checked} of 50 checked", app.db);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_first_failures_at_once_are_both_counted() {
    // Before: both inserted the throttle row and one failed (503, uncounted).
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.account_failures = 2;
    on_each_db(tweak, |app| async move {
        let app = Arc::new(app);
        let (a, b) = tokio::join!(
            login_from(&app, "vem@a.se", "fel lösenord här", "10.0.0.5"),
            login_from(&app, "vem@a.se", "fel lösenord här", "10.0.0.5"),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        // Both checked, or one turned away at once: never a server error.
        assert!(
            statuses == [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED]
                || statuses == [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS],
            "{statuses:?}"
        );
        let third = login_from(&app, "vem@a.se", "fel lösenord här", "10.0.0.5").await;
        assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS, "two counted");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_are_counted_before_the_check() {
    // One try allowed: of two guesses at the same moment only one reaches argon2 (before, both
    // read "not locked", both were checked, and only then counted).
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.account_failures = 1;
    on_each_db(tweak, |app| async move {
        app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
            .await;
        let before = app.state.passwords.verifications();
        let (a, b) = tokio::join!(
            login_from(&app, "lots@a.se", "fel lösenord här", "10.0.0.5"),
            login_from(&app, "lots@a.se", "ett annat fel lösenord", "10.0.0.5"),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]
        );
        assert_eq!(app.state.passwords.verifications() - before, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_lock_the_pair_not_the_owner_and_an_admin_can_unlock() {
    on_each_db(
        |_| {},
        |app| async move {
            let team = app.state.team_id;
            let nav = app
                .add_staff(team, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            app.add_staff(team, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let attacker = "10.9.9.9";
            for _ in 0..5 {
                let r = login_from(&app, "lots@a.se", "fel lösenord här", attacker).await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            }
            let locked = login_from(&app, "lots@a.se", PASSWORD, attacker).await;
            assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(locked.body.contains("Vänta 1 min"));

            // The owner, at their own desk, is not locked out.
            let owner = login_from(&app, "lots@a.se", PASSWORD, "10.0.0.20").await;
            assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.body);

            // A navigator cannot unlock; the admin can, and it is audited.
            let nav_cookie = session_cookie(&owner).unwrap();
            let path = format!("/lots/admin/personal/{nav}");
            let refused = app
                .post_as(&path, Some(&nav_cookie), &[("action", "unlock")])
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            let admin = app.login("admin@a.se").await;
            let page = app.send("GET", &path, Some(&admin), &[], None).await;
            assert!(page.body.contains("Lås upp inloggningen"));
            let unlocked = app
                .post_as(&path, Some(&admin), &[("action", "unlock")])
                .await;
            assert_eq!(unlocked.status, StatusCode::SEE_OTHER, "{}", unlocked.body);
            let again = login_from(&app, "lots@a.se", PASSWORD, attacker).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER, "unlocked");

            // Another team's admin finds no such account.
            let other = app.other_team("b").await;
            app.add_staff(other, Role::Admin, "admin@b.se", "Bo Admin")
                .await;
            let stranger = app.login("admin@b.se").await;
            let not_found = app
                .post_as(&path, Some(&stranger), &[("action", "unlock")])
                .await;
            assert_eq!(not_found.status, StatusCode::NOT_FOUND);

            let actions = app.audit_actions().await;
            assert_eq!(count(&actions, "login.failed"), 5);
            assert_eq!(count(&actions, "login.locked"), 1);
            assert_eq!(count(&actions, "staff.login_unlock"), 1);
            let last = {
                use app::ssr::repo::entities::audit_log;
                use sea_orm::{ColumnTrait, QueryFilter};
                audit_log::Entity::find()
                    .filter(audit_log::Column::Action.eq("staff.login_unlock"))
                    .one(&app.state.db)
                    .await
                    .unwrap()
                    .unwrap()
            };
            assert_eq!(last.subject_id.as_deref(), Some(nav.to_string().as_str()));
            assert_eq!(last.detail.as_deref(), Some("1 locked"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_trying_many_accounts_is_locked_others_are_not() {
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.client_failures = 4;
    on_each_db(tweak, |app| async move {
        app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
            .await;
        for n in 0..4 {
            let r = login_from(&app, &format!("p{n}@a.se"), "fel lösenord här", "10.1.1.1").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let sprayed = login_from(&app, "lots@a.se", PASSWORD, "10.1.1.1").await;
        assert_eq!(sprayed.status, StatusCode::TOO_MANY_REQUESTS);
        let elsewhere = login_from(&app, "lots@a.se", PASSWORD, "10.1.1.2").await;
        assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
        let actions = app.audit_actions().await;
        assert_eq!(count(&actions, "login.locked"), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_behind_one_address_is_not_locked_by_its_own_logins() {
    // Attempts are counted before they are checked; a success takes its count back.
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.client_failures = 3;
    on_each_db(tweak, |app| async move {
        for n in 0..5 {
            let email = format!("p{n}@a.se");
            app.add_staff(app.state.team_id, Role::Navigator, &email, &letters_name(n))
                .await;
            let r = login_from(&app, &email, PASSWORD, "10.2.2.2").await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "login {n}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_current_password_is_throttled_and_audited() {
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.account_failures = 3;
    on_each_db(tweak, |app| async move {
        app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
            .await;
        let c = app.login("lots@a.se").await;
        let change = |current: &'static str| {
            let c = c.clone();
            let app = &app;
            async move {
                app.post_as(
                    "/lots/byt-losenord",
                    Some(&c),
                    &[
                        ("current", current),
                        ("new_password", "ett helt nytt lösenord"),
                        ("repeat", "ett helt nytt lösenord"),
                    ],
                )
                .await
            }
        };
        for _ in 0..3 {
            let r = change("fel lösenord här").await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("Det nuvarande lösenordet stämmer inte"));
        }
        let locked = change(PASSWORD).await;
        assert_eq!(
            locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            locked.body
        );
        assert!(locked.body.contains("Vänta 1 min"));
        // The same pair as the login page: guessing here does not restart the count there.
        let login = app.login_with("lots@a.se", PASSWORD, None).await;
        assert_eq!(login.status, StatusCode::TOO_MANY_REQUESTS);
        let actions = app.audit_actions().await;
        assert_eq!(count(&actions, "password.change_failed"), 3);
        assert_eq!(count(&actions, "login.locked"), 1);
        assert_eq!(count(&actions, "password.change"), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookies_end_with_the_browser_and_factor_changes_end_other_sessions() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let first = app.login_with("lots@a.se", PASSWORD, None).await;
            let set = first.header("set-cookie");
            assert!(
                !set.contains("Max-Age") && !set.contains("Expires"),
                "{set}"
            );
            let here = session_cookie(&first).unwrap();
            let elsewhere = app.login("lots@a.se").await;
            let changed = app
                .post_as(
                    "/lots/byt-losenord",
                    Some(&here),
                    &[
                        ("current", PASSWORD),
                        ("new_password", "ett helt nytt lösenord"),
                        ("repeat", "ett helt nytt lösenord"),
                    ],
                )
                .await;
            assert_eq!(changed.status, StatusCode::SEE_OTHER);
            let renewed = session_cookie(&changed).unwrap();
            let status = |c: String| {
                let app = &app;
                async move { app.send("GET", "/lots", Some(&c), &[], None).await.status }
            };
            assert_eq!(status(renewed).await, StatusCode::OK, "this one goes on");
            assert_eq!(
                status(here).await,
                StatusCode::UNAUTHORIZED,
                "under a new id"
            );
            assert_eq!(
                status(elsewhere).await,
                StatusCode::UNAUTHORIZED,
                "others end"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttle_rows_are_keyed_hashes_and_stale_ones_go() {
    on_each_db(
        |_| {},
        |app| async move {
            let now = chrono::Utc::now().timestamp_millis();
            for n in 0..3 {
                login_throttle::ActiveModel {
                    scope: Set(format!("pair:stale{n}")),
                    account: Set(None),
                    attempts: Set(3),
                    last_attempt: Set(now - 2 * 3600 * 1000),
                    locked_until: Set(None),
                }
                .insert(&app.state.db)
                .await
                .unwrap();
            }
            // Old, but still locked: kept.
            login_throttle::ActiveModel {
                scope: Set("pair:locked".into()),
                account: Set(None),
                attempts: Set(9),
                last_attempt: Set(now - 2 * 3600 * 1000),
                locked_until: Set(Some(now + 60_000)),
            }
            .insert(&app.state.db)
            .await
            .unwrap();
            let r = login_from(&app, "sara@a.se", "fel lösenord här", "10.3.3.3").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            let rows = login_throttle::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            let scopes: Vec<&str> = rows.iter().map(|r| r.scope.as_str()).collect();
            assert!(!scopes.iter().any(|s| s.contains("stale")), "{scopes:?}");
            assert!(scopes.contains(&"pair:locked"));
            // The new rows: pair, account and client, none holding the address or a plain hash.
            assert_eq!(rows.len(), 4, "{scopes:?}");
            let plain = app::ssr::infra::digest::sha256_hex(b"sara@a.se");
            for s in &scopes {
                assert!(!s.contains("sara") && !s.contains("10.3") && !s.contains(&plain));
            }
        },
    )
    .await;
}
