//! The inbox (`/lots/inkorg`): the team's requests and no other team's, who may read it, search
//! (Swedish case folding, phone numbers however typed, reference codes), filters, keyset paging,
//! the overdue flag, the count in the navigation and the audit entry of each read.
use super::support::*;
use app::models::contact::{parse, Channel};
use app::models::form::RawForm;
use app::models::ids::TeamId;
use app::models::staff::Role;
use app::ssr::repo::contact_requests::{client_fingerprint, insert_or_get_many, Submission};
use app::ssr::repo::entities::{audit_log, contact_request};
use chrono::{TimeDelta, Utc};
use http::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// A self-referral from `name` with phone `phone`.
fn self_form(name: &str, phone: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("phone".into(), phone.into()),
        ("call_time".into(), "morning".into()),
        ("interests".into(), "culture".into()),
        ("consent".into(), "yes".into()),
    ]
}

fn owned(pairs: Vec<(&str, &str)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Stores the requests in `team` as the public forms would (one group); returns their codes.
async fn seed(
    app: &TestApp,
    team: TeamId,
    forms: &[(Channel, Vec<(String, String)>)],
) -> Vec<String> {
    let requests: Vec<_> = forms
        .iter()
        .map(|(channel, pairs)| {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            parse(*channel, &RawForm::from_pairs(&pairs)).expect("a valid request")
        })
        .collect();
    let keys: Vec<String> = (0..forms.len())
        .map(|i| format!("seed-{}-{i:04}", team.0))
        .collect();
    let client = client_fingerprint(&app.state.keys, "192.0.2.1".parse().unwrap());
    let subs: Vec<Submission<'_>> = requests
        .iter()
        .zip(&keys)
        .map(|(request, key)| Submission {
            team_id: team.0,
            key,
            request,
            client: &client,
        })
        .collect();
    let txn = app::ssr::infra::db::write_txn(&app.state.db).await.unwrap();
    let stored = insert_or_get_many(&txn, &subs, chrono::Utc::now())
        .await
        .unwrap();
    txn.commit().await.unwrap();
    stored.into_iter().map(|s| s.code).collect()
}

/// Moves a request's arrival `days` back.
async fn age_request(app: &TestApp, code: &str, days: i64) {
    contact_request::Entity::update_many()
        .col_expr(
            contact_request::Column::CreatedAt,
            Expr::value(Utc::now() - TimeDelta::days(days)),
        )
        .filter(contact_request::Column::ReferenceCode.eq(code))
        .exec(&app.state.db)
        .await
        .unwrap();
}

/// The reference codes an inbox page lists, in order.
fn codes(body: &str) -> Vec<String> {
    body.split(r#"class="code">"#)
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_string)
        .collect()
}

fn one(code: &str) -> Vec<String> {
    vec![code.to_string()]
}

/// The page's link to older requests, if any.
fn older_link(body: &str) -> Option<String> {
    let end = body.find(r#"rel="next""#)?;
    let start = body[..end].rfind("href=\"")? + 6;
    let href = &body[start..end];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

async fn inbox(app: &TestApp, cookie: &str, query: &str) -> TestResponse {
    let path = if query.is_empty() {
        "/lots/inkorg".to_string()
    } else {
        format!("/lots/inkorg?{query}")
    };
    let res = app.send("GET", &path, Some(cookie), &[], None).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{path}: {}",
        &res.body[..res.body.len().min(500)]
    );
    res
}

/// Team A with its people and team B with a navigator; returns (A's navigator's cookie, B's).
async fn two_teams(app: &TestApp) -> (TeamId, TeamId, String, String) {
    let a = app.state.team_id;
    for (role, email, name) in people("a") {
        app.add_staff(a, role, &email, &name).await;
    }
    let b = app.other_team("b").await;
    app.add_staff(b, Role::Navigator, "lots@b.se", "Nils Lots B")
        .await;
    let (ca, cb) = (app.login("lots@a.se").await, app.login("lots@b.se").await);
    (a, b, ca, cb)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_shows_the_teams_requests_and_no_other_teams() {
    on_each_db(
        |_| {},
        |app| async move {
            let (a, b, lots_a, lots_b) = two_teams(&app).await;
            // A resident sends a self-referral on team A's public page.
            let sent = app
                .post_form(
                    "/kontakt",
                    encode(&[
                        ("name", "Åsa Öberg"),
                        ("phone", "070-123 45 67"),
                        ("call_time", "morning"),
                        ("interests", "culture"),
                        ("consent", "yes"),
                    ]),
                )
                .await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            seed(
                &app,
                a,
                &[
                    (Channel::Friend, owned(valid_friend())),
                    (Channel::Professional, owned(valid_professional())),
                ],
            )
            .await;
            let theirs = seed(
                &app,
                b,
                &[(
                    Channel::SelfReferral,
                    self_form("Bertil Berg", "070-999 88 77"),
                )],
            )
            .await;

            let page = inbox(&app, &lots_a, "").await;
            let body = &page.body;
            assert_eq!(codes(body).len(), 3, "{body}");
            assert!(body.contains("Åsa"), "the first name");
            assert!(!body.contains("Öberg"), "lists show the first name only");
            assert!(body.contains("Karl") && body.contains("Olle"));
            assert!(body.contains("Personen själv") && body.contains("En anhörig eller vän"));
            assert!(
                body.contains("En yrkesperson, Högsby vårdcentral"),
                "the referrer's organisation"
            );
            assert!(body.contains("i dag kl. "), "the age");
            // Each age carries its instant, machine-readable: `<time datetime="…Z">`.
            let stamps: Vec<&str> = body
                .split("<time datetime=\"")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap_or(""))
                .collect();
            assert_eq!(stamps.len(), 3, "{body}");
            for s in stamps {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                    "not an RFC 3339 instant: {s}"
                );
            }
            assert!(body.contains("<caption>"), "a table with a caption");
            assert!(
                !body.contains("Bertil") && !body.contains(&theirs[0]),
                "team B's request"
            );
            assert!(!body.contains("Försenad"), "nothing is overdue yet");
            // The navigation counts the team's new requests.
            assert!(
                body.contains(r#"<span class="nav-count">3 nya</span>"#),
                "{body}"
            );

            let page_b = inbox(&app, &lots_b, "").await;
            assert_eq!(codes(&page_b.body), theirs);
            assert!(page_b
                .body
                .contains(r#"<span class="nav-count">1 ny</span>"#));
            // Team B cannot find team A's request by searching either.
            let search_b = inbox(&app, &lots_b, "sok=%C3%A5sa").await;
            assert!(codes(&search_b.body).is_empty());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_case_workers_read_the_inbox_and_each_read_is_audited() {
    on_each_db(
        |_| {},
        |app| async move {
            let (a, _, lots_a, _) = two_teams(&app).await;
            seed(
                &app,
                a,
                &[(Channel::SelfReferral, self_form("Åsa Öberg", "0701234567"))],
            )
            .await;

            let anonymous = app.get("/lots/inkorg").await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
            assert!(
                anonymous.body.contains(r#"action="/lots/logga-in""#),
                "the login form"
            );
            assert!(!anonymous.body.contains("Åsa"));
            let analyst = app.login("analys@a.se").await;
            let refused = app
                .send("GET", "/lots/inkorg", Some(&analyst), &[], None)
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            assert!(!refused.body.contains("Åsa"));
            assert!(
                !refused.body.contains("nav-count"),
                "no inbox count for an analyst"
            );
            let fn_refused = app
                .send(
                    "POST",
                    "/api/inbox/list",
                    Some(&analyst),
                    &[],
                    Some(("application/json", r#"{"filter":{}}"#.into())),
                )
                .await;
            assert_eq!(fn_refused.status, StatusCode::FORBIDDEN);

            let reads = || async {
                audit_log::Entity::find()
                    .filter(audit_log::Column::Action.eq(app::models::audit::Action::InboxRead))
                    .order_by_asc(audit_log::Column::Seq)
                    .all(&app.state.db)
                    .await
                    .unwrap()
            };
            assert!(reads().await.is_empty(), "refused reads read nothing");
            inbox(&app, &lots_a, "").await;
            inbox(&app, &lots_a, "sok=%C3%85sa+%C3%96berg").await;
            let entries = reads().await;
            assert_eq!(entries.len(), 2, "one entry per page view");
            for e in entries {
                assert_eq!(e.team_id, Some(a));
                assert!(e.actor_staff_id.is_some());
                assert_eq!(e.subject_type, None);
                assert_eq!(e.detail, None, "no search term, no personal data");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_folds_names_the_swedish_way_and_finds_phones_however_typed() {
    on_each_db(
        |_| {},
        |app| async move {
            let (a, _, lots, _) = two_teams(&app).await;
            let codes_a = seed(
                &app,
                a,
                &[
                    (
                        Channel::SelfReferral,
                        self_form("Åsa Öberg", "070-123 45 67"),
                    ),
                    (
                        Channel::SelfReferral,
                        self_form("Asa Berg", "070-765 43 21"),
                    ),
                    (
                        Channel::SelfReferral,
                        self_form("Örjan Ek", "08-123 456 78"),
                    ),
                ],
            )
            .await;
            let (asa, berg, orjan) = (&codes_a[0], &codes_a[1], &codes_a[2]);
            for term in ["%C3%A5sa", "%C3%85SA", "%C3%B6berg", "%C3%85sa+%C3%96berg"] {
                assert_eq!(
                    codes(&inbox(&app, &lots, &format!("sok={term}")).await.body),
                    one(asa),
                    "{term}"
                );
            }
            assert_eq!(
                codes(&inbox(&app, &lots, "sok=%C3%B6rjan").await.body),
                one(orjan)
            );
            assert_eq!(
                codes(&inbox(&app, &lots, "sok=asa").await.body),
                one(berg),
                "a is not å"
            );
            for phone in [
                "070-123+45+67",
                "%2B46701234567",
                "0701234567",
                "%2B46+70+123+45+67",
            ] {
                assert_eq!(
                    codes(&inbox(&app, &lots, &format!("sok={phone}")).await.body),
                    one(asa),
                    "{phone}"
                );
            }
            // A reference code, as printed or typed in lower case without the hyphen.
            let lower = orjan.to_lowercase().replace('-', "");
            assert_eq!(
                codes(&inbox(&app, &lots, &format!("sok={orjan}")).await.body),
                one(orjan)
            );
            assert_eq!(
                codes(&inbox(&app, &lots, &format!("sok={lower}")).await.body),
                one(orjan)
            );
            // The term is shown again in the search field; LIKE wildcards match only themselves.
            let page = inbox(&app, &lots, "sok=%25").await;
            assert!(codes(&page.body).is_empty());
            assert!(page.body.contains("Det finns inga förfrågningar att visa."));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyset_pages_list_every_request_once_and_filters_work() {
    on_each_db(
        |_| {},
        |app| async move {
            let (a, _, lots, _) = two_teams(&app).await;
            let forms: Vec<_> = (0..120)
                .map(|i| match i % 3 {
                    0 => (Channel::Friend, {
                        let mut f = owned(valid_friend());
                        f.retain(|(k, _)| k != "person_name");
                        f.push(("person_name".into(), letters_name(i)));
                        f
                    }),
                    _ => (
                        Channel::SelfReferral,
                        self_form(&letters_name(i), "070-123 45 67"),
                    ),
                })
                .collect();
            let all = seed(&app, a, &forms).await;
            assert_eq!(all.len(), 120);
            // Stored in one group, they share one time; spread a third of them over other days so
            // the cursor meets both ties and different times.
            for (i, code) in all.iter().enumerate().filter(|(i, _)| i % 3 == 1) {
                age_request(&app, code, (i % 7) as i64 + 1).await;
            }

            let mut seen: Vec<String> = Vec::new();
            let mut query = String::new();
            let mut pages = 0;
            loop {
                let page = inbox(&app, &lots, &query).await;
                pages += 1;
                let got = codes(&page.body);
                assert!(got.len() <= 50);
                seen.extend(got);
                match older_link(&page.body) {
                    Some(href) => {
                        assert!(href.starts_with("/lots/inkorg?f%C3%B6re="), "{href}");
                        query = href.trim_start_matches("/lots/inkorg?").to_string();
                    }
                    None => break,
                }
                assert!(pages < 10, "paging does not end");
            }
            assert_eq!(pages, 3);
            let mut sorted = seen.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 120, "every request exactly once");
            let mut expected = all.clone();
            expected.sort();
            assert_eq!(sorted, expected);
            // Newest first: the stored order of (created_at, id) descending.
            let order: Vec<String> = contact_request::Entity::find()
                .order_by_desc(contact_request::Column::CreatedAt)
                .order_by_desc(contact_request::Column::Id)
                .all(&app.state.db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.reference_code)
                .collect();
            assert_eq!(seen, order);

            // Filters: channel, status, and both with paging.
            let friends = inbox(&app, &lots, "kanal=friend").await;
            let got = codes(&friends.body);
            assert_eq!(got.len(), 40);
            assert!(got
                .iter()
                .all(|c| all.iter().position(|x| x == c).unwrap() % 3 == 0));
            assert!(friends.body.contains(r#"<option value="friend" selected"#));
            assert!(older_link(&friends.body).is_none());
            let selfs = inbox(&app, &lots, "kanal=self").await;
            assert_eq!(codes(&selfs.body).len(), 50);
            let next = older_link(&selfs.body).expect("a second page");
            assert!(
                next.contains("kanal=self"),
                "the filter stays on the next page: {next}"
            );
            let rest = inbox(&app, &lots, next.trim_start_matches("/lots/inkorg?")).await;
            assert_eq!(codes(&rest.body).len(), 30);
            contact_request::Entity::update_many()
                .col_expr(contact_request::Column::Status, Expr::value("accepted"))
                .filter(contact_request::Column::ReferenceCode.eq(all[5].as_str()))
                .exec(&app.state.db)
                .await
                .unwrap();
            assert_eq!(
                codes(&inbox(&app, &lots, "status=accepted").await.body),
                [all[5].clone()]
            );
            assert_eq!(
                codes(&inbox(&app, &lots, "status=new&kanal=friend").await.body).len(),
                40
            );
            assert!(inbox(&app, &lots, "").await.body.contains("119 nya"));
            // A cursor that is not one is ignored (the first page), never an error.
            assert_eq!(
                codes(&inbox(&app, &lots, "f%C3%B6re=nonsense").await.body).len(),
                50
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_older_than_the_promise_is_flagged_overdue() {
    on_each_db(
        |_| {},
        |app| async move {
            let (a, _, lots, _) = two_teams(&app).await;
            let c = seed(
                &app,
                a,
                &[
                    (
                        Channel::SelfReferral,
                        self_form("Gammal Gustafsson", "070-111 11 11"),
                    ),
                    (
                        Channel::SelfReferral,
                        self_form("Ny Nilsson", "070-222 22 22"),
                    ),
                ],
            )
            .await;
            // Three weeks hold at least ten working days whatever the holidays: past any promise
            // of the demo team's few days.
            age_request(&app, &c[0], 21).await;
            let body = inbox(&app, &lots, "").await.body;
            assert_eq!(body.matches("Försenad").count(), 1, "{body}");
            let row_of = |code: &str| {
                let at = body.find(code).unwrap();
                let start = body[..at].rfind("<tr").unwrap();
                body[start..at + body[at..].find("</tr>").unwrap()].to_string()
            };
            assert!(row_of(&c[0]).contains("Försenad"), "the flag is text");
            assert!(row_of(&c[0]).contains(r#"class="overdue""#));
            assert!(!row_of(&c[1]).contains("Försenad"));
            // Overdue is about the first contact: a request no longer new is not flagged.
            contact_request::Entity::update_many()
                .col_expr(contact_request::Column::Status, Expr::value("contacted"))
                .filter(contact_request::Column::ReferenceCode.eq(c[0].as_str()))
                .exec(&app.state.db)
                .await
                .unwrap();
            assert!(!inbox(&app, &lots, "").await.body.contains("Försenad"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migration_fills_the_search_column_of_older_requests() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database};
    for db in [Db::Sqlite, Db::Postgres] {
        let Some((url, _cleanup)) = fresh_database_url(db).await else {
            continue;
        };
        let conn = Database::connect(&url).await.unwrap();
        // Up to the migration before the search column (the 7th), with one request stored then.
        Migrator::up(&conn, Some(7)).await.unwrap();
        let applied = Migrator::get_applied_migrations(&conn).await.unwrap();
        assert_eq!(
            applied.last().map(|m| m.name().to_string()).as_deref(),
            Some("m20261130_000008_add_contact_request_client")
        );
        let now = "'2026-11-23 13:30:00+00:00'";
        conn.execute_unprepared(&format!(
            "INSERT INTO teams (slug, name, municipality, phone, email, first_contact_days, \
             created_at, updated_at) VALUES ('t', 'T', 'M', '+4649112345', 't@t.se', 3, {now}, {now})"
        ))
        .await
        .unwrap();
        conn.execute_unprepared(&format!(
            "INSERT INTO contact_requests (team_id, reference_code, idempotency_key, content_hash, \
             channel, status, person_name, person_phone, person_email, call_times, interests, \
             requester_name, requester_phone, reasons, consent_to_store, person_informed, \
             feedback_to_referrer, created_at, updated_at) VALUES ((SELECT id FROM teams), \
             'KXMP-4T7Q', 'k', 'h', 'friend', 'new', 'Åsa Öberg', '+46701234567', \
             'ASA@exempel.se', '', '', 'Östen Ärlig', '+4915112345678', '', true, true, false, \
             {now}, {now})"
        ))
        .await
        .unwrap();
        Migrator::up(&conn, None).await.unwrap();
        let row = contact_request::Entity::find()
            .one(&conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.search_text,
            "kxmp4t7q åsa öberg asa@exempel.se östen ärlig 0701234567 4915112345678",
            "{db:?}"
        );
        // The app folds a search term the same way.
        for term in [
            "ÅSA",
            "östen",
            "070-123 45 67",
            "KXMP-4T7Q",
            "+49 151 123 456 78",
        ] {
            let p = app::ssr::infra::search::like_pattern(term).unwrap();
            assert!(row.search_text.contains(p.trim_matches('%')), "{term}");
        }
        // And back down: the column and index go, the request stays.
        let steps = crate::support::migrations_back_to("_add_contact_request_search");
        Migrator::down(&conn, Some(steps)).await.unwrap();
        Migrator::up(&conn, None).await.unwrap();
        assert_eq!(
            contact_request::Entity::find()
                .all(&conn)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_page_is_a_seek_in_its_index_not_a_sort() {
    use app::ssr::repo::contact_requests::{inbox_select, InboxQuery};
    use sea_orm::{ConnectionTrait, QueryTrait, Statement, TransactionTrait};
    on_each_db(
        |_| {},
        |app| async move {
            // Take the whole app: capturing only its fields would drop the rest (and with it the
            // test database) before this block runs.
            let app = app;
            let q = InboxQuery {
                before: Some((Utc::now(), 1_000)),
                ..Default::default()
            };
            let backend = app.state.db.get_database_backend();
            let stmt = inbox_select(app.state.team_id, &q, 51).build(backend);
            let txn = app.state.db.begin().await.unwrap();
            let (explain, column) = match app.db {
                Db::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
                Db::Postgres => {
                    // An empty table is cheapest to scan; ask for the plan a full one gets.
                    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                        .await
                        .unwrap();
                    ("EXPLAIN ", "QUERY PLAN")
                }
            };
            let sql = format!("{explain}{}", stmt.sql);
            let rows = txn.query_all_raw(Statement { sql, ..stmt }).await.unwrap();
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.try_get::<String>("", column).unwrap())
                .collect();
            txn.rollback().await.unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains("contact_requests_team_received"),
                "{:?}: {plan}",
                app.db
            );
            assert!(
                !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
                "{:?}: {plan}",
                app.db
            );
            if let Db::Sqlite = app.db {
                // The cursor is part of the seek, not a filter on every row before it.
                // (SQLite seeks on the row value's first column and checks the id on the rows
                // that tie on it.)
                assert!(
                    plan.contains("SEARCH") && plan.contains("created_at<"),
                    "{plan}"
                );
            } else {
                assert!(
                    plan.contains("Index Cond") && plan.contains("ROW(created_at, id) <"),
                    "{plan}"
                );
            }
        },
    )
    .await;
}
