//! The audit log: an entry for every read and change of personal data, written in the same
//! transaction, and a hash chain that `halsolots audit verify` checks.
use super::support::*;
use app::models::staff::Role;
use app::ssr::repo::audit::{verify, Verdict};
use app::ssr::repo::entities::audit_log;
use http::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

/// A request (method, path, body) and the action and record its audit entry must name.
type Step<'a> = (
    &'a str,
    &'a str,
    Option<(&'a str, String)>,
    &'a str,
    Option<String>,
);

/// The entries written after `seq`.
async fn since(app: &TestApp, seq: i64) -> Vec<audit_log::Model> {
    use sea_orm::{ColumnTrait, QueryFilter};
    audit_log::Entity::find()
        .filter(audit_log::Column::Seq.gt(seq))
        .order_by_asc(audit_log::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn last(app: &TestApp) -> audit_log::Model {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Seq)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_and_change_of_personal_data_is_recorded() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            let admin = app
                .add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let nav = app
                .add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let c = app.login("admin@a.se").await;
            let form = "application/x-www-form-urlencoded";
            let json = "application/json";
            let member = format!("/lots/admin/personal/{nav}");

            // Each step: the request, then the action, actor and record the newest entry must have.
            let steps: Vec<Step> = vec![
                (
                    "POST",
                    "/api/staff/list",
                    Some((form, String::new())),
                    "staff.read",
                    None,
                ),
                (
                    "POST",
                    "/api/staff/get",
                    Some((form, format!("id={nav}"))),
                    "staff.read",
                    Some(format!("staff:{nav}")),
                ),
                ("GET", "/lots/admin", None, "staff.read", None),
                (
                    "POST",
                    "/api/audit/list",
                    Some((json, r#"{"filter":{}}"#.into())),
                    "audit.read",
                    None,
                ),
                ("GET", "/lots/admin/logg", None, "audit.read", None),
                (
                    "POST",
                    "/lots/admin",
                    Some((
                        form,
                        encode(&[
                            ("name", "Per Ny"),
                            ("email", "per@a.se"),
                            ("role", "analyst"),
                        ]),
                    )),
                    "staff.create",
                    None,
                ),
                (
                    "POST",
                    member.as_str(),
                    Some((form, encode(&[("action", "role"), ("role", "analyst")]))),
                    "staff.role",
                    Some(format!("staff:{nav}")),
                ),
                (
                    "POST",
                    member.as_str(),
                    Some((form, encode(&[("action", "deactivate")]))),
                    "staff.deactivate",
                    Some(format!("staff:{nav}")),
                ),
                (
                    "POST",
                    member.as_str(),
                    Some((form, encode(&[("action", "activate")]))),
                    "staff.activate",
                    Some(format!("staff:{nav}")),
                ),
                (
                    "POST",
                    member.as_str(),
                    Some((form, encode(&[("action", "reset")]))),
                    "staff.password_reset",
                    Some(format!("staff:{nav}")),
                ),
                (
                    "POST",
                    "/lots/admin/installningar",
                    Some((
                        form,
                        encode(&[
                            ("team_name", "Hälsolotsen"),
                            ("municipality", "Högsby kommun"),
                            ("phone", "0491-123 45"),
                            ("email", "lots@hogsby.se"),
                            ("first_contact_days", "5"),
                        ]),
                    )),
                    "team.update",
                    Some(format!("team:{a}")),
                ),
            ];
            for (method, path, body, action, subject) in steps {
                let before = last(&app).await.seq;
                let res = app.send(method, path, Some(&c), &[], body).await;
                assert!(
                    res.status.is_success() || res.status == StatusCode::SEE_OTHER,
                    "{method} {path}: {}",
                    res.status
                );
                // Posts that show a page afterwards also record that page's read: find ours.
                let e = since(&app, before)
                    .await
                    .into_iter()
                    .find(|e| e.action.as_str() == action)
                    .unwrap_or_else(|| panic!("{method} {path} wrote no {action} entry"));
                assert_eq!(e.actor_staff_id, Some(admin), "{method} {path}");
                assert_eq!(e.team_id, Some(a));
                assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
                if let Some(s) = subject {
                    assert_eq!(
                        e.subject_type
                            .zip(e.subject_id)
                            .map(|(t, i)| format!("{t}:{i}")),
                        Some(s)
                    );
                }
            }
            // The team's public details changed for the public pages too.
            assert!(app.get("/").await.body.contains("Högsby kommun"));

            // A public request is recorded when it is stored (and only then).
            let before = app.audit_actions().await.len();
            let r = app.post_form("/kontakt", encode(&valid_self())).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            assert_eq!(last(&app).await.action.as_str(), "contact_request.create");
            let again = app.post_form("/kontakt", encode(&valid_self())).await;
            assert_eq!(again.location(), r.location(), "the same request again");
            assert_eq!(app.audit_actions().await.len(), before + 1);

            // A failed change records nothing: a taken e-mail address.
            let creates = |a: Vec<String>| a.iter().filter(|x| *x == "staff.create").count();
            let before = creates(app.audit_actions().await);
            let dup = app
                .post_as(
                    "/lots/admin",
                    Some(&c),
                    &[
                        ("name", "Alva Två"),
                        ("email", "admin@a.se"),
                        ("role", "admin"),
                    ],
                )
                .await;
            assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(dup.body.contains("Det finns redan ett konto"));
            assert_eq!(creates(app.audit_actions().await), before);

            // Bad input gets a message at each field and changes nothing.
            let bad_staff = app
                .post_as(
                    "/lots/admin",
                    Some(&c),
                    &[
                        ("name", "Ny"),
                        ("email", "inte-en-adress"),
                        ("role", "root"),
                    ],
                )
                .await;
            assert_eq!(bad_staff.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad_staff.body.contains("Skriv en e-postadress"));
            assert!(bad_staff.body.contains("Välj en roll."));
            assert_eq!(creates(app.audit_actions().await), before);
            let updates = |a: Vec<String>| a.iter().filter(|x| *x == "team.update").count();
            let before = updates(app.audit_actions().await);
            let bad_team = app
                .post_as(
                    "/lots/admin/installningar",
                    Some(&c),
                    &[
                        ("team_name", "Annat namn"),
                        ("municipality", "Annan kommun"),
                        ("phone", "abc"),
                        ("email", "lots@hogsby.se"),
                        ("first_contact_days", "0"),
                    ],
                )
                .await;
            assert_eq!(bad_team.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad_team
                .body
                .contains("Skriv ett antal arbetsdagar mellan 1 och 30."));
            assert!(bad_team
                .body
                .contains("Skriv ett telefonnummer med siffror"));
            assert!(
                bad_team.body.contains("Annan kommun"),
                "what was typed is kept"
            );
            assert_eq!(updates(app.audit_actions().await), before);
            assert!(app.get("/").await.body.contains("Högsby kommun"));
            assert!(!app.get("/").await.body.contains("Annan kommun"));

            // The admin's own password change.
            let r = app
                .post_as(
                    "/lots/byt-losenord",
                    Some(&c),
                    &[
                        ("current", PASSWORD),
                        ("new_password", "ett helt nytt lösenord"),
                        ("repeat", "ett helt nytt lösenord"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            assert_eq!(last(&app).await.action.as_str(), "password.change");

            assert!(matches!(
                verify(&app.state.db).await.unwrap(),
                Verdict::Intact { .. }
            ));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_page_shows_and_filters_entries() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            app.add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let c = app.login("admin@a.se").await;
            app.login("lots@a.se").await;
            app.login_with("lots@a.se", "fel lösenord här", None).await;

            let all = app
                .send("GET", "/lots/admin/logg", Some(&c), &[], None)
                .await;
            assert_eq!(all.status, StatusCode::OK);
            assert!(all.body.contains("<td>Loggade in</td>"));
            assert!(
                all.body.contains("<td>Misslyckad inloggning</td>"),
                "a failed login on a known account is in its team's log"
            );
            assert!(all.body.contains("Nora Lots"));

            let logins = app
                .send(
                    "GET",
                    "/lots/admin/logg?handelse=login",
                    Some(&c),
                    &[],
                    None,
                )
                .await;
            assert!(logins.body.contains("Loggade in"));
            assert!(!logins.body.contains("<td>Misslyckad inloggning</td>"));
            assert!(
                logins.body.contains("Visar 2 av 2 händelser"),
                "{}",
                logins.body
            );

            let nav_id = app
                .state
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    app.state.db.get_database_backend(),
                    "SELECT id FROM staff WHERE email = 'lots@a.se'".to_string(),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap();
            let by_nav = app
                .send(
                    "GET",
                    &format!("/lots/admin/logg?vem={nav_id}"),
                    Some(&c),
                    &[],
                    None,
                )
                .await;
            assert!(
                by_nav.body.contains("Visar 1 av 1 händelse."),
                "{}",
                by_nav.body
            );

            let future = app
                .send(
                    "GET",
                    "/lots/admin/logg?fran=2099-01-01",
                    Some(&c),
                    &[],
                    None,
                )
                .await;
            assert!(future.body.contains("Visar 0 av 0 händelser"));
            let past = app
                .send(
                    "GET",
                    "/lots/admin/logg?till=2000-01-01",
                    Some(&c),
                    &[],
                    None,
                )
                .await;
            assert!(past.body.contains("Visar 0 av 0 händelser"));
            // A range around today holds everything so far (each read of the log adds one).
            let range = app
                .send(
                    "GET",
                    "/lots/admin/logg?fran=2000-01-01&till=2099-12-31",
                    Some(&c),
                    &[],
                    None,
                )
                .await;
            let unfiltered = app
                .send("GET", "/lots/admin/logg", Some(&c), &[], None)
                .await;
            let total = |body: &str| -> u32 {
                let at = body.find(" händelse").expect("a count");
                body[..at].rsplit(' ').next().unwrap().parse().unwrap()
            };
            assert_eq!(total(&range.body) + 1, total(&unfiltered.body));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_the_exact_entry_that_was_altered() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            for _ in 0..3 {
                app.login("admin@a.se").await;
            }
            let bin = env!("CARGO_BIN_EXE_halsolots");
            let url = app.state.settings.database_url.clone();
            let run = || {
                std::process::Command::new(bin)
                    .args(["audit", "verify"])
                    .env("DATABASE_URL", &url)
                    .output()
                    .unwrap()
            };
            let ok = run();
            assert!(
                ok.status.success(),
                "{}",
                String::from_utf8_lossy(&ok.stderr)
            );
            assert!(String::from_utf8_lossy(&ok.stdout).contains("intact: 4 entries"));

            app.state
                .db
                .execute_unprepared("UPDATE audit_log SET client = '10.0.0.9' WHERE seq = 3")
                .await
                .unwrap();
            assert_eq!(
                verify(&app.state.db).await.unwrap(),
                Verdict::Broken {
                    seq: 3,
                    reason: "content changed after it was written"
                }
            );
            let broken = run();
            assert!(!broken.status.success());
            assert!(String::from_utf8_lossy(&broken.stderr).contains("broken at entry 3"));

            // Removing the last entry is found too.
            app.state
                .db
                .execute_unprepared("UPDATE audit_log SET client = '127.0.0.1' WHERE seq = 3")
                .await
                .unwrap();
            app.state
                .db
                .execute_unprepared("DELETE FROM audit_log WHERE seq = 4")
                .await
                .unwrap();
            assert_eq!(
                verify(&app.state.db).await.unwrap(),
                Verdict::Broken {
                    seq: 4,
                    reason: "entries at the end were removed"
                }
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_installation_has_no_way_in_until_the_console_adds_an_admin() {
    on_each_db(
        |_| {},
        |app| async move {
            let bin = env!("CARGO_BIN_EXE_halsolots");
            let url = app.state.settings.database_url.clone();
            assert_eq!(
                app.login_with("admin@a.se", PASSWORD, None).await.status,
                StatusCode::UNAUTHORIZED
            );
            let add = |password: &str| {
                use std::io::Write;
                let mut child = std::process::Command::new(bin)
                    .args([
                        "user",
                        "add",
                        "--email",
                        "Admin@A.se",
                        "--name",
                        "Alva Admin",
                        "--role",
                        "admin",
                    ])
                    .env("DATABASE_URL", &url)
                    .env_remove("HALSOLOTS_PASSWORD")
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(format!("{password}\n").as_bytes())
                    .unwrap();
                child.wait_with_output().unwrap()
            };
            let short = add("kort");
            assert!(!short.status.success());
            assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
            let out = add(PASSWORD);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!String::from_utf8_lossy(&out.stdout).contains(PASSWORD));
            assert_eq!(
                app.login_with("admin@a.se", PASSWORD, None).await.status,
                StatusCode::SEE_OTHER
            );

            // A new password from the console: the old one stops working, the new one works.
            let reset = std::process::Command::new(bin)
                .args(["user", "reset-password", "--email", "admin@a.se"])
                .env("DATABASE_URL", &url)
                .env("HALSOLOTS_PASSWORD", "ett helt annat lösenord")
                .output()
                .unwrap();
            assert!(
                reset.status.success(),
                "{}",
                String::from_utf8_lossy(&reset.stderr)
            );
            assert_eq!(
                app.login_with("admin@a.se", PASSWORD, None).await.status,
                StatusCode::UNAUTHORIZED
            );
            let again = app
                .login_with("admin@a.se", "ett helt annat lösenord", None)
                .await;
            assert_eq!(
                again.location(),
                "/lots",
                "chosen by the operator: no forced change"
            );
            let unknown = std::process::Command::new(bin)
                .args(["user", "deactivate", "--email", "nobody@a.se"])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap();
            assert!(!unknown.status.success());
            assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));

            let off = std::process::Command::new(bin)
                .args(["user", "deactivate", "--email", "admin@a.se"])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap();
            assert!(off.status.success());
            assert_eq!(
                app.login_with("admin@a.se", "ett helt annat lösenord", None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        },
    )
    .await;
}
