//! Two-factor login: enrolment with a code, the code step at login, replay refusal, recovery
//! codes, a team that requires it, and an admin's reset.
use super::support::*;
use app::models::staff::Role;
use app::ssr::auth::totp::{base32_decode, code_at, step_at};
use http::StatusCode;
use sea_orm::ConnectionTrait;

/// The code an authenticator app shows now for a secret shown as "ABCD EFGH …".
fn code_now(secret: &str, offset_steps: i64) -> String {
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

async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>) {
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
    (secret, codes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_login_needs_the_code_once_and_recovery_codes_work_once() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let c = app.login("lots@a.se").await;
            let (secret, recovery) = enrol(&app, &c).await;
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
            enrol(&app, &admin).await;
            // Required: it cannot be turned off.
            let off = app
                .post_as(
                    "/lots/tvastegs",
                    Some(&admin),
                    &[("action", "disable"), ("code", "123456")],
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
            enrol(&app, &n).await;
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
