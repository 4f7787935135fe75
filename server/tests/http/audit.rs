//! The audit log: an entry for every read and change of personal data, written in the same
//! transaction, and a hash chain that `halsolots audit verify` checks.
use super::support::*;
use app::models::staff::Role;
use app::ssr::auth::two_factor;
use app::ssr::repo::audit::{
    checkpoint, legacy_entry_hash, verify, verify_checkpoint, Checkpoint, Verdict, GENESIS,
};
use app::ssr::repo::entities::{audit_log, staff};
use http::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, TransactionTrait};

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
                verify(&app.state.db, &app.state.keys).await.unwrap(),
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

/// What someone who can write to the database file (SQLite) or is its superuser (PostgreSQL)
/// can do about the append-only triggers: drop or disable them.
async fn lift_guards(app: &TestApp) {
    let sql = match app.db {
        Db::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Db::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;",
    };
    app.state.db.execute_unprepared(sql).await.unwrap();
}

/// Re-makes every link from entry `from` on with plain SHA-256 (all anyone without the key can
/// compute), and the head with it.
async fn rechain_without_key(app: &TestApp, from: i64) {
    let db = &app.state.db;
    let entries = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .all(db)
        .await
        .unwrap();
    let mut prev = entries
        .iter()
        .find(|e| e.seq == from - 1)
        .map_or(GENESIS.to_string(), |e| e.hash.clone());
    for mut e in entries.into_iter().filter(|e| e.seq >= from) {
        e.prev_hash = prev;
        e.hash = legacy_entry_hash(&e);
        db.execute_unprepared(&format!(
            "UPDATE audit_log SET prev_hash = '{}', hash = '{}' WHERE seq = {}",
            e.prev_hash, e.hash, e.seq
        ))
        .await
        .unwrap();
        prev = e.hash;
    }
    db.execute_unprepared(&format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ))
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_entry_is_found_even_when_the_chain_is_recomputed_without_the_key() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            for _ in 0..3 {
                app.login("admin@a.se").await;
            }
            let ok = halsolots(&app, &["audit", "verify"]);
            assert!(ok.status.success(), "{}", stderr(&ok));
            assert!(stdout(&ok).contains("intact: 4 entries"));
            let cp = halsolots(&app, &["audit", "checkpoint"]);
            assert!(cp.status.success(), "{}", stderr(&cp));
            let line = stdout(&cp).trim().to_string();
            assert!(
                line.starts_with("halsolots-audit-checkpoint/v1 seq=4 hash="),
                "{line}"
            );
            let dir = std::env::temp_dir().join(format!("halsolots_cp_{}", key_hex(&line)));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("checkpoint.txt");
            std::fs::write(&file, format!("{line}\n")).unwrap();
            let file = file.to_str().unwrap();
            let held = halsolots(&app, &["audit", "verify", "--checkpoint", file]);
            assert!(held.status.success(), "{}", stderr(&held));
            assert!(stdout(&held).contains("entry 4 is unchanged"));

            // The application's own connection cannot change or remove an entry.
            for sql in [
                "UPDATE audit_log SET client = '10.0.0.9' WHERE seq = 3",
                "DELETE FROM audit_log WHERE seq = 4",
            ] {
                let refused = app.state.db.execute_unprepared(sql).await;
                assert!(
                    refused
                        .as_ref()
                        .is_err_and(|e| e.to_string().contains("append-only")),
                    "{sql}: {refused:?}"
                );
            }
            if let Db::Postgres = app.db {
                let refused = app.state.db.execute_unprepared("TRUNCATE audit_log").await;
                assert!(refused.is_err(), "TRUNCATE: {refused:?}");
            }

            // Someone with the database but not the key: change entry 3, re-make the links.
            lift_guards(&app).await;
            app.state
                .db
                .execute_unprepared("UPDATE audit_log SET client = '10.0.0.9' WHERE seq = 3")
                .await
                .unwrap();
            rechain_without_key(&app, 3).await;
            assert_eq!(
                verify(&app.state.db, &app.state.keys).await.unwrap(),
                Verdict::Broken {
                    seq: 3,
                    reason: "changed, and its hash recomputed without the installation key"
                }
            );
            let broken = halsolots(&app, &["audit", "verify", "--checkpoint", file]);
            assert!(!broken.status.success());
            assert!(
                stderr(&broken).contains("broken at entry 3"),
                "{}",
                stderr(&broken)
            );
            let broken = halsolots(&app, &["audit", "verify"]);
            assert!(!broken.status.success());
            assert!(stderr(&broken).contains("broken at entry 3"));
            // No checkpoint is signed over a broken chain.
            let refused = halsolots(&app, &["audit", "checkpoint"]);
            assert!(!refused.status.success());
            assert!(stderr(&refused).contains("broken at entry 3"));
            // Nor is a checkpoint line that was edited taken.
            let edited = line.replace("seq=4", "seq=2");
            let forged = halsolots(&app, &["audit", "verify", "--checkpoint", &edited]);
            assert!(!forged.status.success());
            assert!(stderr(&forged).contains("signature does not match"));
            let _ = std::fs::remove_dir_all(dir);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_finds_entries_cut_from_the_end_and_a_log_rechained_from_scratch() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            for _ in 0..4 {
                app.login("admin@a.se").await;
            }
            let keys = &app.state.keys;
            let cp = checkpoint(&app.state.db, keys).await.unwrap().unwrap();
            assert_eq!(cp.seq, 5);
            let line = cp.line(keys);
            assert_eq!(Checkpoint::parse(&line, keys), Ok(cp.clone()));
            app.login("admin@a.se").await;

            // Cut back to entry 3 with a head to match: the chain alone still holds.
            lift_guards(&app).await;
            let third = audit_log::Entity::find_by_id(3)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            let saved = audit_log::Entity::find()
                .order_by_asc(audit_log::Column::Seq)
                .all(&app.state.db)
                .await
                .unwrap();
            app.state
                .db
                .execute_unprepared("DELETE FROM audit_log WHERE seq > 3")
                .await
                .unwrap();
            app.state
                .db
                .execute_unprepared(&format!(
                    "UPDATE audit_head SET seq = 3, hash = '{}' WHERE id = 1",
                    third.hash
                ))
                .await
                .unwrap();
            assert_eq!(
                verify(&app.state.db, keys).await.unwrap(),
                Verdict::Intact { entries: 3 }
            );
            assert_eq!(
                verify_checkpoint(&app.state.db, keys, &cp).await.unwrap(),
                Verdict::Broken {
                    seq: 4,
                    reason: "removed: the log now ends before the entry the checkpoint names"
                }
            );
            let cut = halsolots(&app, &["audit", "verify", "--checkpoint", &line]);
            assert!(!cut.status.success());
            assert!(
                stderr(&cut).contains("broken at entry 4: removed"),
                "{}",
                stderr(&cut)
            );

            // Put the entries back, then rewrite the whole log as if it predated the key (no
            // key id, plain SHA-256) with entry 2 changed: the next start re-chains it with the
            // key and the chain holds, but the checkpoint does not.
            for e in saved.into_iter().filter(|e| e.seq > 3) {
                audit_log::Entity::insert(audit_log::ActiveModel::from(e))
                    .exec_without_returning(&app.state.db)
                    .await
                    .unwrap();
            }
            app.state
                .db
                .execute_unprepared(
                    "UPDATE audit_log SET client = '10.0.0.9' WHERE seq = 2; \
                     UPDATE audit_head SET key_id = NULL, seq = 6 WHERE id = 1;",
                )
                .await
                .unwrap();
            rechain_without_key(&app, 1).await;
            let url = app.state.settings.database_url.clone();
            let again = TestApp::spawn_on(&url, app.db, &|_| {}).await;
            assert_eq!(
                verify(&again.state.db, keys).await.unwrap(),
                Verdict::Intact { entries: 7 }
            );
            assert_eq!(
                verify_checkpoint(&again.state.db, keys, &cp).await.unwrap(),
                Verdict::Broken {
                    seq: 5,
                    reason: "its hash is not the checkpoint's: it or an entry before it was \
                             changed and the chain re-made"
                }
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_from_before_the_key_is_rechained_once_and_another_key_is_refused() {
    on_each_db(
        |_| {},
        |app| async move {
            let a = app.state.team_id;
            let id = app
                .add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            for _ in 0..2 {
                app.login("admin@a.se").await;
            }
            // The database as the previous version left it: plain SHA-256 links and no key
            // id, a TOTP key in plain text and a recovery code hashed with plain SHA-256.
            lift_guards(&app).await;
            let db = &app.state.db;
            rechain_without_key(&app, 1).await;
            let code = "abcd-efgh-jkmn-pqrs";
            db.execute_unprepared(&format!(
                "UPDATE audit_head SET key_id = NULL WHERE id = 1; \
                 UPDATE staff SET totp_secret = 'JBSWY3DPEHPK3PXP', \
                 totp_pending_secret = 'KRSXG5CTMVRXEZLU' WHERE id = {id}; \
                 INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ({id}, '{}');",
                app::ssr::infra::digest::sha256_hex(code.as_bytes())
            ))
            .await
            .unwrap();

            let url = app.state.settings.database_url.clone();
            let upgraded = TestApp::spawn_on(&url, app.db, &|_| {}).await;
            let keys = &upgraded.state.keys;
            assert_eq!(
                verify(&upgraded.state.db, keys).await.unwrap(),
                Verdict::Intact { entries: 4 }
            );
            assert_eq!(
                upgraded.audit_actions().await.last().map(String::as_str),
                Some("audit.keyed")
            );
            let m = staff::Entity::find_by_id(id)
                .one(&upgraded.state.db)
                .await
                .unwrap()
                .unwrap();
            for (stored, plain) in [
                (m.totp_secret.unwrap(), "JBSWY3DPEHPK3PXP"),
                (m.totp_pending_secret.unwrap(), "KRSXG5CTMVRXEZLU"),
            ] {
                assert!(stored.expose().starts_with("k1:"));
                assert_eq!(
                    two_factor::open_secret(keys, id, &stored).unwrap().expose(),
                    plain
                );
            }
            let txn = upgraded.state.db.begin().await.unwrap();
            let now = chrono::Utc::now();
            assert!(two_factor::use_recovery_code(&txn, keys, id, code, now)
                .await
                .unwrap());
            txn.rollback().await.unwrap();

            // A second start changes nothing; the log says once that it was re-chained.
            let third = TestApp::spawn_on(&url, app.db, &|_| {}).await;
            assert_eq!(
                verify(&third.state.db, keys).await.unwrap(),
                Verdict::Intact { entries: 4 }
            );

            // Another key: the server does not start, and says why.
            let mut settings = app::ssr::infra::settings::Settings::for_database(&url);
            settings.key = app::ssr::infra::keys::KeySource::Bytes([7; 32]);
            let refused = server::startup::build_state(settings, leptos_options())
                .await
                .err()
                .expect("another key is refused")
                .to_string();
            assert!(refused.contains("another installation key"), "{refused}");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_halsolots"))
                .args(["migrate"])
                .env("DATABASE_URL", &url)
                .env("HALSOLOTS_KEY", "07".repeat(32))
                .output()
                .unwrap();
            assert!(!out.status.success());
            assert!(stderr(&out).contains("HALSOLOTS_KEY"), "{}", stderr(&out));
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
                    .env("HALSOLOTS_KEY", key_hex(&url))
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
                .env("HALSOLOTS_KEY", key_hex(&url))
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
                .env("HALSOLOTS_KEY", key_hex(&url))
                .output()
                .unwrap();
            assert!(!unknown.status.success());
            assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));

            let off = std::process::Command::new(bin)
                .args(["user", "deactivate", "--email", "admin@a.se"])
                .env("DATABASE_URL", &url)
                .env("HALSOLOTS_KEY", key_hex(&url))
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
