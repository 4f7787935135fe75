//! Two-factor login: enrolment with a code, the code step at login, replay refusal, recovery
//! codes, a team that requires it, and an admin's reset.
use super::support::*;
use app::models::staff::Role;
use app::ssr::auth::totp::{base32_decode, code_at, step_at};
use http::StatusCode;
use sea_orm::ConnectionTrait;

/// The code an authenticator app shows now for a secret shown as "ABCD EFGH …".
pub fn code_now(secret: &str, offset_steps: i64) -> String {
    let bytes = base32_decode(&secret.replace(' ', "")).unwrap();
    format!(
        "{:06}",
        code_at(
            &bytes,
            step_at(chrono::Utc::now().timestamp()) + offset_steps
        )
    )
}

/// The secret shown on the enrolment page.
fn shown_secret(body: &str) -> String {
    let start = body
        .find("class=\"secret-text\"")
        .expect("an enrolment secret");
    let rest = &body[start..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].to_string()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Turns two-factor login on for the member behind `cookie`. Returns the secret, the recovery
/// codes and the member's new session cookie (a new factor ends every other session and gives
/// this one a new id).
pub async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>, String) {
    let page = app
        .send("GET", "/lots/tvastegs", Some(cookie), &[], None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg role=\"img\""), "a QR code");
    let secret = shown_secret(&page.body);
    // Reloading shows the same secret until it is confirmed.
    let again = app
        .send("GET", "/lots/tvastegs", Some(cookie), &[], None)
        .await;
    assert_eq!(shown_secret(&again.body), secret);
    let wrong = app
        .post_as(
            "/lots/tvastegs",
            Some(cookie),
            &[("action", "confirm"), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Koden stämmer inte"));
    let ok = app
        .post_as(
            "/lots/tvastegs",
            Some(cookie),
            &[("action", "confirm"), ("code", &code_now(&secret, 0))],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let codes: Vec<String> = ok
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    let renewed = session_cookie(&ok).expect("a new session id");
    assert_ne!(renewed, cookie);
    let status =
        |c: String| async move { app.send("GET", "/lots", Some(&c), &[], None).await.status };
    assert_eq!(status(cookie.to_string()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status(renewed.clone()).await, StatusCode::OK);
    (secret, codes, renewed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_login_needs_the_code_once_and_recovery_codes_work_once() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let c = app.login("lots@a.se").await;
            let (secret, recovery, c) = enrol(&app, &c).await;
            assert!(app
                .audit_actions()
                .await
                .contains(&"two_factor.enable".to_string()));
            // At rest the TOTP key is sealed with the installation key, and the recovery codes
            // are keyed hashes: a copy of the database holds neither.
            let stored = app
                .state
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    app.state.db.get_database_backend(),
                    "SELECT totp_secret FROM staff WHERE email = 'lots@a.se'".to_string(),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<String>(0)
                .unwrap();
            let plain = secret.replace(' ', "");
            assert!(stored.starts_with("k1:"), "{stored}");
            assert!(!stored.contains(&plain) && !stored.contains(&plain.to_lowercase()));
            let hashes: Vec<String> = app
                .state
                .db
                .query_all_raw(sea_orm::Statement::from_string(
                    app.state.db.get_database_backend(),
                    "SELECT code_hash FROM staff_recovery_codes".to_string(),
                ))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect();
            assert_eq!(hashes.len(), 10);
            for code in &recovery {
                assert_eq!(code.len(), 19, "four groups of four: {code}");
                let unkeyed = app::ssr::infra::digest::sha256_hex(code.as_bytes());
                assert!(!hashes.contains(&unkeyed));
            }
            app.post_as("/lots/logga-ut", Some(&c), &[]).await;

            // Password right: a waiting session that opens nothing yet.
            let first = app.login_with("lots@a.se", PASSWORD, None).await;
            assert_eq!(first.status, StatusCode::SEE_OTHER);
            assert!(first.location().starts_with("/lots/logga-in/kod"));
            let pending = session_cookie(&first).unwrap();
            assert_eq!(
                app.send("GET", "/lots", Some(&pending), &[], None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                app.send("POST", "/api/staff/me", Some(&pending), &[], None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );

            let wrong = app
                .post_as(
                    "/lots/logga-in/kod",
                    Some(&pending),
                    &[("code", "123456"), ("next", "/lots")],
                )
                .await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
            // The code used at enrolment is spent; the next step's code works.
            let code = code_now(&secret, 1);
            let done = app
                .post_as(
                    "/lots/logga-in/kod",
                    Some(&pending),
                    &[("code", &code), ("next", "/lots")],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
            let full = session_cookie(&done).unwrap();
            assert_ne!(full, pending, "a new session id after the second step");
            assert_eq!(
                app.send("GET", "/lots", Some(&full), &[], None)
                    .await
                    .status,
                StatusCode::OK
            );
            assert_eq!(
                app.send("GET", "/lots", Some(&pending), &[], None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );

            // The same code again is refused (replay).
            let second = app.login_with("lots@a.se", PASSWORD, None).await;
            let pending = session_cookie(&second).unwrap();
            let replay = app
                .post_as(
                    "/lots/logga-in/kod",
                    Some(&pending),
                    &[("code", &code), ("next", "/lots")],
                )
                .await;
            assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
            // A recovery code works, once.
            let r = app
                .post_as(
                    "/lots/logga-in/kod",
                    Some(&pending),
                    &[("code", &recovery[0].to_uppercase()), ("next", "/lots")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let third = app.login_with("lots@a.se", PASSWORD, None).await;
            let pending = session_cookie(&third).unwrap();
            let reused = app
                .post_as(
                    "/lots/logga-in/kod",
                    Some(&pending),
                    &[("code", &recovery[0]), ("next", "/lots")],
                )
                .await;
            assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
            // Without a waiting session the step starts over.
            let none = app
                .post_as("/lots/logga-in/kod", None, &[("code", "123456")])
                .await;
            assert_eq!(none.status, StatusCode::UNAUTHORIZED);
            assert!(none.body.contains("Börja om"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_can_require_two_factor_and_an_admin_can_reset_it() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let nav = app
                .add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let admin = app.login("admin@a.se").await;
            let settings = [
                ("team_name", "Hälsolotsen"),
                ("municipality", "Exempelby kommun"),
                ("phone", "031-390 06 12"),
                ("email", "lots@exempel.se"),
                ("first_contact_days", "3"),
                ("require_two_factor", "yes"),
            ];
            let saved = app
                .post_as("/lots/admin/installningar", Some(&admin), &settings)
                .await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER);

            // Now the admin, without a second factor, must set it up before anything else.
            let blocked = app
                .send(
                    "POST",
                    "/api/staff/list",
                    Some(&admin),
                    &[],
                    Some((FORM, String::new())),
                )
                .await;
            assert_eq!(blocked.status, StatusCode::FORBIDDEN);
            let shell = app
                .send("GET", "/lots/admin", Some(&admin), &[], None)
                .await;
            assert!(
                shell.body.contains("Ditt team kräver"),
                "the shell shows the set-up"
            );
            let (_, _, admin) = enrol(&app, &admin).await;
            // Required: it cannot be turned off.
            let off = app
                .post_as(
                    "/lots/tvastegs",
                    Some(&admin),
                    &[
                        ("action", "disable"),
                        ("current", PASSWORD),
                        ("code", "123456"),
                    ],
                )
                .await;
            assert_eq!(off.status, StatusCode::BAD_REQUEST);
            assert_eq!(
                app.send(
                    "POST",
                    "/api/staff/list",
                    Some(&admin),
                    &[],
                    Some((FORM, String::new()))
                )
                .await
                .status,
                StatusCode::OK
            );

            // The navigator sets it up, loses the phone; the admin removes it.
            let n = app.login("lots@a.se").await;
            let (_, _, n) = enrol(&app, &n).await;
            let reset = app
                .post_as(
                    &format!("/lots/admin/personal/{nav}"),
                    Some(&admin),
                    &[("action", "reset_two_factor")],
                )
                .await;
            assert_eq!(reset.status, StatusCode::SEE_OTHER);
            assert_eq!(
                app.send("GET", "/lots", Some(&n), &[], None).await.status,
                StatusCode::UNAUTHORIZED,
                "sessions ended"
            );
            let again = app.login_with("lots@a.se", PASSWORD, None).await;
            assert_eq!(again.location(), "/lots", "no code step any more");
            assert!(app
                .audit_actions()
                .await
                .contains(&"staff.two_factor_reset".to_string()));
        },
    )
    .await;
}

/// A member with two-factor login on, logged out: (secret, recovery codes).
async fn enrolled(app: &TestApp, email: &str) -> (String, Vec<String>) {
    app.add_staff(app.state.team_id, Role::Navigator, email, "Nora Lots")
        .await;
    let c = app.login(email).await;
    let (secret, codes, c) = enrol(app, &c).await;
    app.post_as("/lots/logga-ut", Some(&c), &[]).await;
    (secret, codes)
}

/// A session waiting for the code step.
async fn pending(app: &TestApp, email: &str) -> String {
    let r = app.login_with(email, PASSWORD, None).await;
    assert!(
        r.location().starts_with("/lots/logga-in/kod"),
        "{}",
        r.location()
    );
    session_cookie(&r).unwrap()
}

async fn post_code(app: &TestApp, cookie: &str, code: &str) -> TestResponse {
    app.post_as(
        "/lots/logga-in/kod",
        Some(cookie),
        &[("code", code), ("next", "/lots")],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_code_at_once_on_two_waiting_sessions_gives_one_session() {
    on_each_db(
        |_| {},
        |app| async move {
            let (secret, recovery) = enrolled(&app, "lots@a.se").await;
            let code = code_now(&secret, 1);
            let (one, two) = (
                pending(&app, "lots@a.se").await,
                pending(&app, "lots@a.se").await,
            );
            let (a, b) = tokio::join!(post_code(&app, &one, &code), post_code(&app, &two, &code));
            let mut statuses = [a.status, b.status];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::SEE_OTHER, StatusCode::UNAUTHORIZED],
                "exactly one full session"
            );

            // One waiting session completes once, even with two different good codes at once.
            let three = pending(&app, "lots@a.se").await;
            let (a, b) = tokio::join!(
                post_code(&app, &three, &recovery[0]),
                post_code(&app, &three, &recovery[1]),
            );
            let mut statuses = [a.status, b.status];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::UNAUTHORIZED]);
            let logins = app
                .audit_actions()
                .await
                .iter()
                .filter(|a| *a == "login")
                .count();
            assert_eq!(logins, 1 + 2, "the enrolling login, and one per race");
            // The losing recovery code was not used up (its transaction was undone).
            let four = pending(&app, "lots@a.se").await;
            let mut ok = 0;
            for code in &recovery[..2] {
                if post_code(&app, &four, code).await.status == StatusCode::SEE_OTHER {
                    ok += 1;
                    break;
                }
            }
            assert_eq!(ok, 1, "one of the two is still unused");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_codes_on_one_waiting_session_is_checked_a_few_times() {
    on_each_db(
        |_| {},
        |app| async move {
            enrolled(&app, "lots@a.se").await;
            let cookie = pending(&app, "lots@a.se").await;
            let failed_before = app
                .audit_actions()
                .await
                .iter()
                .filter(|a| *a == "login.failed")
                .count();
            let app = std::sync::Arc::new(app);
            let mut tasks = tokio::task::JoinSet::new();
            for n in 0..50 {
                let (app, cookie) = (app.clone(), cookie.clone());
                // Six digits that are not a code now (a wrong one is as good as any).
                let code = format!("{:06}", 100_000 + n);
                tasks.spawn(async move { post_code(&app, &cookie, &code).await.status });
            }
            let statuses = tasks.join_all().await;
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
            let failed = app
                .audit_actions()
                .await
                .iter()
                .filter(|a| *a == "login.failed")
                .count();
            assert_eq!(failed - failed_before, checked);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_counted_before_the_check() {
    // One try allowed: of two wrong codes at the same moment only one is checked. (The right
    // password before them takes its own count back.)
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.account_failures = 1;
    on_each_db(tweak, |app| async move {
        enrolled(&app, "lots@a.se").await;
        let cookie = pending(&app, "lots@a.se").await;
        let (a, b) = tokio::join!(
            post_code(&app, &cookie, "100000"),
            post_code(&app, &cookie, "100001")
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_two_factor_off_needs_the_password_and_a_code_and_is_throttled() {
    let tweak = |s: &mut app::ssr::infra::settings::Settings| s.access.account_failures = 3;
    on_each_db(tweak, |app| async move {
        app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
            .await;
        let c = app.login("lots@a.se").await;
        let (secret, _, c) = enrol(&app, &c).await;
        let page = app.send("GET", "/lots/tvastegs", Some(&c), &[], None).await;
        assert!(
            page.body.contains(r#"name="current""#),
            "the form asks for the password"
        );
        let off = |password: &'static str, code: String| {
            let (app, c) = (&app, c.clone());
            async move {
                app.post_as(
                    "/lots/tvastegs",
                    Some(&c),
                    &[
                        ("action", "disable"),
                        ("current", password),
                        ("code", &code),
                    ],
                )
                .await
            }
        };
        // A code alone (a session left open) is not enough.
        let no_password = off("", code_now(&secret, 1)).await;
        assert_eq!(no_password.status, StatusCode::UNPROCESSABLE_ENTITY);
        let wrong_password = off("fel lösenord här", code_now(&secret, 1)).await;
        assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong_password
            .body
            .contains("Lösenordet eller koden stämmer inte"));
        let wrong_code = off(PASSWORD, "000000".into()).await;
        assert_eq!(wrong_code.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The summaries are the same: nothing tells which of the two was wrong.
        let summary = |b: &str| {
            let rest = &b[b.find("error-summary").unwrap()..];
            rest[..rest.find("</ul>").unwrap()].to_string()
        };
        assert_eq!(summary(&wrong_password.body), summary(&wrong_code.body));
        let third = off(PASSWORD, "000001".into()).await;
        assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY);
        let locked = off(PASSWORD, code_now(&secret, 1)).await;
        assert_eq!(
            locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            locked.body
        );
        let actions = app.audit_actions().await;
        let count = |a: &str| actions.iter().filter(|x| *x == a).count();
        assert_eq!(count("two_factor.disable_failed"), 3);
        assert_eq!(count("login.locked"), 1);
        assert_eq!(count("two_factor.disable"), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_two_factor_on_or_off_ends_the_other_sessions() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let here = app.login("lots@a.se").await;
            let elsewhere = app.login("lots@a.se").await;
            let status = |c: String| {
                let app = &app;
                async move { app.send("GET", "/lots", Some(&c), &[], None).await.status }
            };
            // On: `enrol` checks this session goes on under a new id; the other one ends.
            let (secret, recovery, here) = enrol(&app, &here).await;
            assert_eq!(status(elsewhere).await, StatusCode::UNAUTHORIZED);

            // Another session, with a recovery code (the current step is spent by the enrolment).
            let p = pending(&app, "lots@a.se").await;
            let r = post_code(&app, &p, &recovery[0]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let elsewhere = session_cookie(&r).unwrap();

            // Off: the same.
            let off = app
                .post_as(
                    "/lots/tvastegs",
                    Some(&here),
                    &[
                        ("action", "disable"),
                        ("current", PASSWORD),
                        ("code", &code_now(&secret, 1)),
                    ],
                )
                .await;
            assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
            let renewed = session_cookie(&off).unwrap();
            assert_eq!(status(renewed).await, StatusCode::OK);
            assert_eq!(status(here).await, StatusCode::UNAUTHORIZED);
            assert_eq!(status(elsewhere).await, StatusCode::UNAUTHORIZED);
            let again = app.login_with("lots@a.se", PASSWORD, None).await;
            assert_eq!(again.location(), "/lots", "no code step any more");
            assert!(app
                .audit_actions()
                .await
                .contains(&"two_factor.disable".to_string()));
        },
    )
    .await;
}
