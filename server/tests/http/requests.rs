//! A contact request's page (`/lots/inkorg/{id}`) and its actions: each changes status and
//! history exactly once and is audited; a stale version changes nothing (of two concurrent saves
//! exactly one wins); another team's navigator gets 404. Friend requests: consent first, and a
//! refused or unanswered one is erased from every table and (SQLite) from the files.
use super::support::*;
use app::models::staff::Role;
use app::ssr::repo::entities::{contact_request, contact_request_event, erased_request};
use chrono::TimeDelta;
use http::StatusCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};

const STALE: &str = "Någon annan hann ändra förfrågan. Här är den som den ser ut nu.";

/// Team A's navigator and team B's; returns their cookies.
async fn navigators(app: &TestApp) -> (String, String) {
    app.add_staff(
        app.state.team_id,
        Role::Navigator,
        "lots@a.se",
        "Nora Lots A",
    )
    .await;
    let b = app.other_team("b").await;
    app.add_staff(b, Role::Navigator, "lots@b.se", "Nils Lots B")
        .await;
    (app.login("lots@a.se").await, app.login("lots@b.se").await)
}

/// Sends the form at `path` (a public form) and returns the stored request.
async fn submit(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> contact_request::Model {
    let before: Vec<i64> = app.all_requests().await.iter().map(|r| r.id).collect();
    let res = app.post_form(path, encode(pairs)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.all_requests()
        .await
        .into_iter()
        .find(|r| !before.contains(&r.id))
        .expect("the new request")
}

async fn self_referral(app: &TestApp, name: &str) -> contact_request::Model {
    submit(
        app,
        "/kontakt",
        &[
            ("name", name),
            ("phone", "070-123 45 67"),
            ("call_time", "morning"),
            ("consent", "yes"),
        ],
    )
    .await
}

/// A friend's request with distinctive names, phones and e-mail addresses.
async fn friend_request(app: &TestApp, tag: &str) -> contact_request::Model {
    let name = format!("Zebulon{tag} Vänsson");
    let email = format!("zebulon{tag}@vanner.se");
    let person = format!("Quintus{tag} Personsson");
    let person_email = format!("quintus{tag}@personer.se");
    submit(
        app,
        "/kontakt/for-nagon-annan",
        &[
            ("name", &name),
            ("phone", "070-111 22 33"),
            ("email", &email),
            ("relation", "friend"),
            ("person_name", &person),
            ("person_phone", "070-444 55 66"),
            ("person_email", &person_email),
            ("person_agrees", "yes"),
            ("message", "Han mår dåligt och är ensam sedan hustrun dog."),
            ("consent", "yes"),
        ],
    )
    .await
}

/// What must not remain of `friend_request(tag)` anywhere (compared in lower case); `shared`
/// adds what every friend request of these tests has in common (when no other one is left).
fn traces(tag: &str, shared: bool) -> Vec<String> {
    let mut own = vec![format!("zebulon{tag}"), format!("quintus{tag}")];
    if !shared {
        return own;
    }
    own.extend([
        "vänsson".into(),
        "personsson".into(),
        "701112233".into(),
        "704445566".into(),
        "vanner.se".into(),
        "personer.se".into(),
        "hustrun".into(),
    ]);
    own
}

async fn request(app: &TestApp, id: i64) -> Option<contact_request::Model> {
    contact_request::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
}

async fn events(app: &TestApp, id: i64) -> Vec<contact_request_event::Model> {
    contact_request_event::Entity::find()
        .filter(contact_request_event::Column::RequestId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn act(app: &TestApp, cookie: &str, id: i64, pairs: &[(&str, &str)]) -> TestResponse {
    app.post_as(&format!("/lots/inkorg/{id}"), Some(cookie), pairs)
        .await
}

fn count(actions: &[String], name: &str) -> usize {
    actions.iter().filter(|a| *a == name).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_action_changes_status_and_history_once_and_is_audited() {
    on_each_db(
        |_| {},
        |app| async move {
            let (lots, _) = navigators(&app).await;
            let r = self_referral(&app, "Åsa Öberg").await;
            let page = app
                .send(
                    "GET",
                    &format!("/lots/inkorg/{}", r.id),
                    Some(&lots),
                    &[],
                    None,
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains("Åsa Öberg") && page.body.contains(&r.reference_code));
            assert!(page.body.contains("070-123 45 67"), "the phone, grouped");
            assert!(page.body.contains(r#"action="/lots/inkorg/"#));
            assert!(page
                .body
                .contains(&format!("/lots/inkorg/{}/acceptera", r.id)));
            assert!(page
                .body
                .contains(&format!("/lots/inkorg/{}/dubblett", r.id)));
            assert!(page.body.contains(r#"name="version" value="1""#));
            let audit = app.audit_actions().await;
            assert_eq!(count(&audit, "contact_request.read"), 1);
            let read = app::ssr::repo::entities::audit_log::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.action.as_str() == "contact_request.read")
                .unwrap();
            assert_eq!(
                (read.subject_type.as_deref(), read.subject_id.clone()),
                (Some("contact_request"), Some(r.id.to_string()))
            );
            // The inbox links to the page.
            let inbox = app
                .send("GET", "/lots/inkorg", Some(&lots), &[], None)
                .await;
            assert!(inbox
                .body
                .contains(&format!(r#"href="/lots/inkorg/{}""#, r.id)));

            // A contact attempt at a chosen time.
            let now = app.state.clock.now();
            let earlier = (now - TimeDelta::days(1)).with_timezone(&chrono_tz::Europe::Stockholm);
            let date = earlier.format("%Y-%m-%d").to_string();
            let res = act(
                &app,
                &lots,
                r.id,
                &[
                    ("action", "contact_attempt"),
                    ("version", "1"),
                    ("datum", &date),
                    ("tid", "14.30"),
                    ("utfall", "no_answer"),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert_eq!(res.location(), format!("/lots/inkorg/{}?sparat=1", r.id));
            let after = request(&app, r.id).await.unwrap();
            assert_eq!((after.status.as_str(), after.version), ("contacted", 2));
            let ev = events(&app, r.id).await;
            assert_eq!(ev.len(), 1);
            assert_eq!(ev[0].kind, "contact_attempt");
            assert_eq!(ev[0].outcome.as_deref(), Some("no_answer"));
            let shown = ev[0].at.with_timezone(&chrono_tz::Europe::Stockholm);
            assert_eq!(
                shown.format("%Y-%m-%d %H.%M").to_string(),
                format!("{date} 14.30")
            );

            // Mark unreachable.
            let res = act(
                &app,
                &lots,
                r.id,
                &[("action", "unreachable"), ("version", "2")],
            )
            .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let after = request(&app, r.id).await.unwrap();
            assert_eq!((after.status.as_str(), after.version), ("unreachable", 3));
            assert_eq!(events(&app, r.id).await.len(), 2);
            // A closed request cannot be declined: nothing changes.
            let res = act(
                &app,
                &lots,
                r.id,
                &[("action", "decline"), ("version", "3"), ("skal", "other")],
            )
            .await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST);
            assert!(res.body.contains("redan avslutad"));
            assert_eq!(request(&app, r.id).await.unwrap(), after);

            // Decline another one, with a reason and a note.
            let d = self_referral(&app, "Bo Berg").await;
            let res = act(
                &app,
                &lots,
                d.id,
                &[
                    ("action", "decline"),
                    ("version", "1"),
                    ("skal", "not_eligible"),
                    ("anteckning", "Bor i Mönsterås"),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let after = request(&app, d.id).await.unwrap();
            assert_eq!((after.status.as_str(), after.version), ("declined", 2));
            let ev = events(&app, d.id).await;
            assert_eq!(ev.len(), 1);
            assert_eq!(
                (
                    ev[0].kind.as_str(),
                    ev[0].outcome.as_deref(),
                    ev[0].detail.as_deref()
                ),
                ("declined", Some("not_eligible"), Some("Bor i Mönsterås"))
            );
            // A decline without a reason is refused at its field.
            let e = self_referral(&app, "Cia Ek").await;
            let res = act(
                &app,
                &lots,
                e.id,
                &[("action", "decline"), ("version", "1")],
            )
            .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(request(&app, e.id).await.unwrap(), e);

            let audit = app.audit_actions().await;
            assert_eq!(count(&audit, "contact_request.update"), 3, "{audit:?}");
            // The history shows who and when, newest first, in Stockholm time.
            let page = app
                .send(
                    "GET",
                    &format!("/lots/inkorg/{}", r.id),
                    Some(&lots),
                    &[],
                    None,
                )
                .await;
            let first = page
                .body
                .find("Nås inte –")
                .or_else(|| page.body.find(">Nås inte<"));
            let second = page.body.find("Kontaktförsök");
            assert!(
                first.is_some() && second.is_some() && first < second,
                "newest first"
            );
            assert!(page.body.contains(&format!("{date} kl. 14.30")));
            assert!(page.body.contains("Nora Lots A"));
            assert!(
                !page.body.contains("/acceptera"),
                "a closed request offers no accept"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_version_is_refused_and_of_two_concurrent_saves_exactly_one_wins() {
    on_each_db(
        |_| {},
        |app| async move {
            let (lots, _) = navigators(&app).await;
            let lots2 = app.login("lots@a.se").await;
            let r = self_referral(&app, "Dora Dahl").await;
            let path = format!("/lots/inkorg/{}", r.id);
            let (one, two) = tokio::join!(
                app.post_as(
                    &path,
                    Some(&lots),
                    &[
                        ("action", "contact_attempt"),
                        ("version", "1"),
                        ("utfall", "reached")
                    ]
                ),
                app.post_as(
                    &path,
                    Some(&lots2),
                    &[("action", "unreachable"), ("version", "1")]
                ),
            );
            let statuses = [one.status, two.status];
            assert!(
                statuses.contains(&StatusCode::SEE_OTHER)
                    && statuses.contains(&StatusCode::CONFLICT),
                "{statuses:?}"
            );
            let loser = if one.status == StatusCode::CONFLICT {
                &one
            } else {
                &two
            };
            assert!(loser.body.contains(STALE), "the message");
            let now = request(&app, r.id).await.unwrap();
            assert_eq!(now.version, 2);
            assert_eq!(events(&app, r.id).await.len(), 1);
            assert!(
                loser.body.contains(r#"name="version" value="2""#),
                "the page as it is now"
            );
            // Saving the old version again changes nothing.
            let res = app
                .post_as(
                    &path,
                    Some(&lots),
                    &[("action", "unreachable"), ("version", "1")],
                )
                .await;
            assert_eq!(res.status, StatusCode::CONFLICT);
            assert!(res.body.contains(STALE));
            assert_eq!(request(&app, r.id).await.unwrap(), now);
            assert_eq!(events(&app, r.id).await.len(), 1);
            assert_eq!(
                count(&app.audit_actions().await, "contact_request.update"),
                1
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_teams_navigator_gets_404_and_nothing_changes() {
    on_each_db(
        |_| {},
        |app| async move {
            let (_, lots_b) = navigators(&app).await;
            let r = self_referral(&app, "Erik Ek").await;
            let f = friend_request(&app, "x").await;
            for id in [r.id, f.id] {
                let path = format!("/lots/inkorg/{id}");
                let page = app.send("GET", &path, Some(&lots_b), &[], None).await;
                assert_eq!(page.status, StatusCode::NOT_FOUND);
                assert!(!page.body.contains("Erik") && !page.body.contains("Quintus"));
                for body in [
                    vec![
                        ("action", "contact_attempt"),
                        ("version", "1"),
                        ("utfall", "reached"),
                    ],
                    vec![("action", "unreachable"), ("version", "1")],
                    vec![("action", "decline"), ("version", "1"), ("skal", "other")],
                    vec![("action", "consent"), ("version", "1"), ("svar", "yes")],
                    vec![("action", "consent"), ("version", "1"), ("svar", "no")],
                ] {
                    let res = app.post_as(&path, Some(&lots_b), &body).await;
                    assert_eq!(res.status, StatusCode::NOT_FOUND, "{body:?}");
                }
                let missing = app
                    .send("GET", "/lots/inkorg/999999", Some(&lots_b), &[], None)
                    .await;
                assert_eq!(missing.status, StatusCode::NOT_FOUND);
            }
            assert_eq!(request(&app, r.id).await.unwrap(), r);
            assert_eq!(request(&app, f.id).await.unwrap(), f);
            assert_eq!(
                contact_request_event::Entity::find()
                    .count(&app.state.db)
                    .await
                    .unwrap(),
                0
            );
        },
    )
    .await;
}

/// Every row of every table, as text (lower case).
async fn all_rows_text(app: &TestApp) -> String {
    let db = &app.state.db;
    let mut out = String::new();
    match app.db {
        Db::Postgres => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                ))
                .await
                .unwrap();
            for t in tables {
                let name: String = t.try_get_by_index(0).unwrap();
                let rows = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Postgres,
                        format!("SELECT t::text FROM \"{name}\" t"),
                    ))
                    .await
                    .unwrap();
                for r in rows {
                    let s: String = r.try_get_by_index(0).unwrap();
                    out.push_str(&s);
                    out.push('\n');
                }
            }
        }
        Db::Sqlite => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT name FROM sqlite_master WHERE type = 'table'",
                ))
                .await
                .unwrap();
            for t in tables {
                let name: String = t.try_get_by_index(0).unwrap();
                let cols = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("SELECT name FROM pragma_table_info('{name}')"),
                    ))
                    .await
                    .unwrap();
                let cols: Vec<String> = cols
                    .into_iter()
                    .map(|c| format!("quote(\"{}\")", c.try_get_by_index::<String>(0).unwrap()))
                    .collect();
                let rows = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("SELECT {} FROM \"{name}\"", cols.join(" || ',' || ")),
                    ))
                    .await
                    .unwrap();
                for r in rows {
                    let s: String = r.try_get_by_index(0).unwrap_or_default();
                    out.push_str(&s);
                    out.push('\n');
                }
            }
        }
    }
    out.to_lowercase()
}

/// The SQLite database file and its WAL, as bytes (lower-cased ASCII).
fn sqlite_files(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let url = &app.state.settings.database_url;
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    [path.clone(), format!("{path}-wal")]
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p, bytes.to_ascii_lowercase())
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.to_lowercase().into_bytes();
    hay.windows(n.len()).any(|w| w == n.as_slice())
}

/// Nothing of `friend_request(tag)` in any table, nor (SQLite) in the file or the WAL.
async fn assert_no_trace(app: &TestApp, tag: &str, shared: bool) {
    let rows = all_rows_text(app).await;
    for t in traces(tag, shared) {
        assert!(!rows.contains(&t), "{:?}: {t} remains in a table", app.db);
    }
    if let Db::Sqlite = app.db {
        for (file, bytes) in sqlite_files(app) {
            for t in traces(tag, shared) {
                assert!(!contains(&bytes, &t), "{t} remains in the file {file}");
            }
        }
    }
}

/// Checks that the traces are findable before the erasure (so the scan would see them).
async fn assert_traces_present(app: &TestApp, tag: &str) {
    let rows = all_rows_text(app).await;
    assert!(rows.contains(&format!("quintus{tag}")) && rows.contains("701112233"));
    if let Db::Sqlite = app.db {
        let files = sqlite_files(app);
        assert!(
            files
                .iter()
                .any(|(_, b)| contains(b, &format!("quintus{tag}"))),
            "the file scan sees the request before it is erased"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_friend_request_the_person_refuses_leaves_no_trace() {
    on_each_db(
        |_| {},
        |app| async move {
            let (lots, _) = navigators(&app).await;
            let f = friend_request(&app, "n").await;
            assert_eq!(f.message, None, "no free text before consent");
            assert_traces_present(&app, "n").await;
            let path = format!("/lots/inkorg/{}", f.id);
            let page = app.send("GET", &path, Some(&lots), &[], None).await;
            assert!(page.body.contains("Personen vill inte"));
            assert!(
                !page.body.contains("/acceptera"),
                "no accept before consent"
            );
            // An attempt first (history), then the person says no.
            let res = app
                .post_as(
                    &path,
                    Some(&lots),
                    &[
                        ("action", "contact_attempt"),
                        ("version", "1"),
                        ("utfall", "reached"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
            let res = app
                .post_as(
                    &path,
                    Some(&lots),
                    &[("action", "consent"), ("version", "2"), ("svar", "no")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert_eq!(res.location(), "/lots/inkorg?raderad=1");
            assert!(request(&app, f.id).await.is_none());
            assert!(events(&app, f.id).await.is_empty());
            let counts = erased_request::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            assert_eq!(counts.len(), 1);
            assert_eq!(
                (
                    counts[0].channel.as_str(),
                    counts[0].reason.as_str(),
                    counts[0].count
                ),
                ("friend", "person_declined", 1)
            );
            assert_eq!(
                count(&app.audit_actions().await, "contact_request.erase"),
                1
            );
            assert_no_trace(&app, "n", true).await;
            let gone = app.send("GET", &path, Some(&lots), &[], None).await;
            assert_eq!(gone.status, StatusCode::NOT_FOUND);

            // Declined before the person agreed: erased too.
            let g = friend_request(&app, "d").await;
            let res = app
                .post_as(
                    &format!("/lots/inkorg/{}", g.id),
                    Some(&lots),
                    &[
                        ("action", "decline"),
                        ("version", "1"),
                        ("skal", "not_wanted"),
                        ("anteckning", "Quintusd sa nej"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert!(request(&app, g.id).await.is_none());
            assert_no_trace(&app, "d", true).await;

            // Consent: recorded (event), the request stays open and can then be accepted.
            let h = friend_request(&app, "y").await;
            let hpath = format!("/lots/inkorg/{}", h.id);
            let res = app
                .post_as(
                    &hpath,
                    Some(&lots),
                    &[("action", "consent"), ("version", "1"), ("svar", "yes")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let after = request(&app, h.id).await.unwrap();
            assert!(after.consented_at.is_some());
            assert_eq!((after.status.as_str(), after.version), ("new", 2));
            assert_eq!(events(&app, h.id).await[0].kind, "consent_given");
            let page = app.send("GET", &hpath, Some(&lots), &[], None).await;
            assert!(page.body.contains("/acceptera"));
            assert!(!page.body.contains(r#"name="svar""#), "consent asked once");
            // Accepting's stale answer (`?konflikt=1`) shows the same message.
            let stale = app
                .send(
                    "GET",
                    &format!("{hpath}?konflikt=1"),
                    Some(&lots),
                    &[],
                    None,
                )
                .await;
            assert!(stale.body.contains(STALE));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_erases_unanswered_friend_requests_after_the_teams_days_and_not_before() {
    on_each_db(
        |_| {},
        |app| async move {
            let (lots, _) = navigators(&app).await;
            let f = friend_request(&app, "j").await;
            let kept = friend_request(&app, "k").await;
            let own = self_referral(&app, "Frida Fors").await;
            let res = app
                .post_as(
                    &format!("/lots/inkorg/{}", kept.id),
                    Some(&lots),
                    &[("action", "consent"), ("version", "1"), ("svar", "yes")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
            app.state.clock.advance(TimeDelta::days(13));
            app::ssr::jobs::run_due(&app.state, app.state.clock.now())
                .await
                .unwrap();
            assert!(request(&app, f.id).await.is_some(), "not before 14 days");
            app.state
                .clock
                .advance(TimeDelta::days(1) + TimeDelta::hours(2));
            app::ssr::jobs::run_due(&app.state, app.state.clock.now())
                .await
                .unwrap();
            assert!(request(&app, f.id).await.is_none(), "erased after 14 days");
            assert!(request(&app, kept.id).await.is_some(), "consented: kept");
            assert!(
                request(&app, own.id).await.is_some(),
                "a self-referral: kept"
            );
            let counts = erased_request::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            assert_eq!(counts.len(), 1);
            assert_eq!(
                (counts[0].reason.as_str(), counts[0].count),
                ("unanswered", 1)
            );
            assert_no_trace(&app, "j", false).await;
            let audit = app.audit_actions().await;
            assert_eq!(count(&audit, "contact_request.erase"), 1);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_erasing_at_once_erase_each_row_once_on_postgres() {
    let Some(first) = TestApp::spawn(Db::Postgres, &|_| {}).await else {
        return;
    };
    let url = first.state.settings.database_url.clone();
    let second = TestApp::spawn_on(&url, Db::Postgres, &|_| {}).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            friend_request(&first, &format!("p{}", (b'a' + i) as char))
                .await
                .id,
        );
    }
    let later = first.state.clock.now() + TimeDelta::days(15);
    let (a, b) = tokio::join!(
        app::ssr::services::requests::erase_unanswered(&first.state.db, later),
        app::ssr::services::requests::erase_unanswered(&second.state.db, later),
    );
    let (a, b) = (a.expect("first instance"), b.expect("second instance"));
    assert_eq!(a + b, 12, "each row once: {a} + {b}");
    assert_eq!(first.stored_requests().await, 0);
    let counts = erased_request::Entity::find()
        .all(&first.state.db)
        .await
        .unwrap();
    assert_eq!(counts.iter().map(|c| c.count).sum::<i64>(), 12);
    assert_eq!(
        count(&first.audit_actions().await, "contact_request.erase"),
        12
    );
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_sets_the_days_and_the_job_follows_them() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let admin = app.login("admin@a.se").await;
            let settings = [
                ("team_name", "Hälsolotsen"),
                ("municipality", "Högsby kommun"),
                ("phone", "0491-123 45"),
                ("email", "lots@hogsby.se"),
                ("first_contact_days", "3"),
            ];
            let mut bad = settings.to_vec();
            bad.push(("friend_erase_days", "0"));
            let res = app
                .post_as("/lots/admin/installningar", Some(&admin), &bad)
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            let mut good = settings.to_vec();
            good.push(("friend_erase_days", "3"));
            let res = app
                .post_as("/lots/admin/installningar", Some(&admin), &good)
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let page = app
                .send("GET", "/lots/admin/installningar", Some(&admin), &[], None)
                .await;
            assert!(page.body.contains(r#"name="friend_erase_days""#));
            let f = friend_request(&app, "s").await;
            let now = app.state.clock.now();
            let erase = app::ssr::services::requests::erase_unanswered;
            assert_eq!(
                erase(&app.state.db, now + TimeDelta::days(2))
                    .await
                    .unwrap(),
                0
            );
            assert!(request(&app, f.id).await.is_some());
            assert_eq!(
                erase(&app.state.db, now + TimeDelta::days(3))
                    .await
                    .unwrap(),
                1
            );
            assert!(request(&app, f.id).await.is_none());
        },
    )
    .await;
}
