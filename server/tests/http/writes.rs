//! The write path under concurrency: the group-commit writer stores a whole group with a few
//! statements, and the answer for each submission is what storing them one at a time would give.
use crate::support::{encode, key_hex, letters_name, on_each_db, valid_self, Db, TestApp};
use app::models::audit::Action;
use app::models::contact::{parse, Channel, NewContactRequest};
use app::models::form::RawForm;
use app::models::staff::Role;
use app::ssr::repo::audit::{verify, Verdict};
use app::ssr::repo::entities::{audit_log, contact_request};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn request(name: &str) -> NewContactRequest {
    let mut pairs: Vec<(&str, &str)> = valid_self()
        .into_iter()
        .filter(|(k, _)| *k != "name")
        .collect();
    pairs.push(("name", name));
    parse(Channel::SelfReferral, &RawForm::from_pairs(&pairs)).unwrap()
}

/// Stores every `(team, key, request)` through the app's queue at once. On a current-thread
/// runtime the writer task runs only when this task waits, so all of them are queued before it
/// takes a group: they are stored in one batch.
async fn store_together(
    app: &TestApp,
    subs: Vec<(i64, &str, NewContactRequest)>,
) -> Vec<Result<app::ssr::repo::contact_requests::Stored, app::error::AppError>> {
    let mut tasks = tokio::task::JoinSet::new();
    for (n, (team, key, req)) in subs.into_iter().enumerate() {
        let queue = app.state.queue.clone();
        let key = key.to_string();
        // All from one client: content repeats within a group are the same request.
        let client = app::ssr::repo::contact_requests::client_fingerprint(
            &app.state.keys,
            [127, 0, 0, 1].into(),
        );
        tasks.spawn(async move { (n, queue.store(team, key, req, client).await) });
    }
    let mut out: Vec<_> = tasks.join_all().await;
    out.sort_by_key(|(n, _)| *n);
    out.into_iter().map(|(_, r)| r).collect()
}

async fn created_entries(app: &TestApp) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(Action::ContactRequestCreate))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn repeats_within_one_batch_get_the_first_ones_receipt() {
    on_each_db(
        |_| {},
        |app| async move {
            let team = app.state.team_id.0;
            let (anna, bo) = (request("Anna Lind"), request("Bo Ek"));
            let got = store_together(
                &app,
                vec![
                    (team, "key-one-0000000000000", anna.clone()),
                    // The same form sent twice (double click): the same key and content.
                    (team, "key-one-0000000000000", anna.clone()),
                    // The same content from a form fetched anew: another key.
                    (team, "key-two-0000000000000", anna.clone()),
                    // The same key with other content (a cached form used for someone else).
                    (team, "key-one-0000000000000", bo.clone()),
                    (team, "key-three-000000000000", bo.clone()),
                ],
            )
            .await;
            let codes: Vec<String> = got.into_iter().map(|r| r.unwrap().code).collect();
            assert_eq!(codes[0], codes[1], "{codes:?}");
            assert_eq!(codes[0], codes[2], "{codes:?}");
            assert_eq!(codes[3], codes[4], "{codes:?}");
            assert_ne!(codes[0], codes[3], "{codes:?}");

            let rows = app.all_requests().await;
            assert_eq!(rows.len(), 2);
            // One batch: one transaction, one time for both.
            assert_eq!(rows[0].created_at, rows[1].created_at);
            assert_eq!(created_entries(&app).await, 2);
            assert_eq!(
                verify(&app.state.db, &app.state.keys).await.unwrap(),
                Verdict::Intact { entries: 2 }
            );

            // Sent again later in another batch: still the first receipt, nothing new stored.
            let again = store_together(
                &app,
                vec![
                    (team, "key-four-0000000000000", anna.clone()),
                    (team, "key-three-000000000000", bo.clone()),
                ],
            )
            .await;
            assert_eq!(again[0].as_ref().unwrap().code, codes[0]);
            assert_eq!(again[1].as_ref().unwrap().code, codes[3]);
            assert_eq!(app.stored_requests().await, 2);
            assert_eq!(created_entries(&app).await, 2);
        },
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_bad_row_in_a_batch_does_not_fail_the_others() {
    on_each_db(
        |_| {},
        |app| async move {
            let team = app.state.team_id.0;
            let no_such_team = team + 1000;
            let got = store_together(
                &app,
                vec![
                    (team, "good-one-000000000000", request("Anna Lind")),
                    // Breaks a foreign key: the whole group's statement fails.
                    (no_such_team, "bad-one-0000000000000", request("Bo Ek")),
                    (team, "good-two-000000000000", request("Cilla Berg")),
                ],
            )
            .await;
            assert!(got[0].is_ok(), "{:?}", got[0]);
            assert!(got[1].is_err(), "{:?}", got[1]);
            assert!(got[2].is_ok(), "{:?}", got[2]);
            let stored: Vec<String> = app
                .all_requests()
                .await
                .into_iter()
                .map(|r| r.reference_code)
                .collect();
            assert_eq!(stored.len(), 2);
            assert!(stored.contains(&got[0].as_ref().unwrap().code));
            assert!(stored.contains(&got[2].as_ref().unwrap().code));
            assert_eq!(
                verify(&app.state.db, &app.state.keys).await.unwrap(),
                Verdict::Intact { entries: 2 }
            );
        },
    )
    .await;
}

/// Two app instances on one database (two writers), many clients, repeats among them, and staff
/// events in between: every acknowledged request is stored once and the chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_on_two_instances_keep_the_audit_chain_intact() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(first) = TestApp::spawn(db, &|_| {}).await else {
            continue;
        };
        let url = first.state.settings.database_url.clone();
        let second = TestApp::spawn_on(&url, db, &|_| {}).await;
        let team = first.state.team_id;
        first
            .add_staff(team, Role::Admin, "admin@a.se", "Alva Admin")
            .await;
        let apps = std::sync::Arc::new([first, second]);
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..60usize {
            let apps = apps.clone();
            tasks.spawn(async move {
                // Every third request repeats the one before it (same key and content), on
                // the other instance.
                let id = if n % 3 == 2 { n - 1 } else { n };
                let name = letters_name(id);
                let key = format!("concurrent-key-{id:08}");
                let mut p: Vec<(&str, &str)> = valid_self()
                    .into_iter()
                    .filter(|(k, _)| *k != "name")
                    .collect();
                p.push(("name", &name));
                p.push(("key", &key));
                let res = apps[n % 2].post_form("/kontakt", encode(&p)).await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
                (id, res.location().to_string())
            });
        }
        for n in 0..3 {
            let apps = apps.clone();
            tasks.spawn(async move {
                // Staff events append to the same chain (one entry per transaction).
                let res = apps[n % 2]
                    .login_with("admin@a.se", "wrong password", None)
                    .await;
                assert_ne!(res.status, StatusCode::SEE_OTHER);
                (usize::MAX, String::new())
            });
        }
        let mut receipts = std::collections::HashMap::new();
        for (id, location) in tasks.join_all().await {
            if id == usize::MAX {
                continue;
            }
            if let Some(first) = receipts.insert(id, location.clone()) {
                assert_eq!(first, location, "a repeat got another receipt on {db:?}");
            }
        }
        let stored: Vec<contact_request::Model> = apps[0].all_requests().await;
        assert_eq!(stored.len(), 40, "on {db:?}");
        for location in receipts.values() {
            let code = location.trim_start_matches("/kvitto/");
            assert!(
                stored.iter().any(|r| r.reference_code == code),
                "acknowledged {code} missing on {db:?}"
            );
        }
        assert_eq!(created_entries(&apps[0]).await, 40, "on {db:?}");
        let failed_logins = audit_log::Entity::find()
            .filter(audit_log::Column::Action.ne(Action::ContactRequestCreate))
            .count(&apps[0].state.db)
            .await
            .unwrap();
        assert!(failed_logins >= 3, "staff events missing on {db:?}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_halsolots"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &url)
            .env("HALSOLOTS_KEY", key_hex(&url))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{db:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("intact"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
