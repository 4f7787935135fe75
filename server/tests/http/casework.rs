//! The daily work on a case over HTTP, on SQLite and PostgreSQL: "Vad är viktigt för dig?",
//! goals, meetings (planned against held), notes and follow-up tasks are saved, shown on the case
//! page and audited; the second of two saves is refused and loses nothing; bad input is refused
//! with its message and changes nothing; another team's navigator (or a forged item number)
//! changes nothing.
use super::support::*;
use app::error::AppError;
use app::models::casework::{CaseWorkChange, GoalStatus, MappingEdit, MeetingStatus};
use app::models::ids::CaseId;
use app::models::staff::Role;
use app::ssr::repo::entities::{
    case, case_mapping, case_note, contact_request, goal, meeting, task,
};
use app::ssr::services::casework;
use chrono::TimeZone;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// Team A's navigator with a case accepted from a self-referral; team B's navigator.
async fn a_case(app: &TestApp) -> (String, CaseId, String) {
    let a = app.state.team_id;
    app.add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
        .await;
    let b = app.other_team("b").await;
    app.add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots B")
        .await;
    let nav = app.login("lots@a.se").await;
    let r = app.self_referral("Åsa Öberg", "070-123 45 67").await;
    let id = app.accept_request(&nav, &r).await;
    (nav, CaseId(id), app.login("lots@b.se").await)
}

/// Everything the daily work can change.
async fn snapshot(app: &TestApp) -> String {
    let db = &app.state.db;
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        case::Entity::find().all(db).await.unwrap(),
        case_mapping::Entity::find().all(db).await.unwrap(),
        goal::Entity::find().all(db).await.unwrap(),
        meeting::Entity::find().all(db).await.unwrap(),
        case_note::Entity::find().all(db).await.unwrap(),
        task::Entity::find().all(db).await.unwrap(),
    )
}

async fn post(app: &TestApp, cookie: &str, case: CaseId, pairs: &[(&str, &str)]) -> TestResponse {
    app.post_as(&format!("/lots/deltagare/{case}"), Some(cookie), pairs)
        .await
}

fn saved(res: &TestResponse) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().ends_with("?sparat=1"), "{}", res.location());
}

async fn mapping_version(app: &TestApp, case: CaseId) -> i32 {
    case_mapping::Entity::find_by_id(case.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a mapping made with the case")
        .version
}

async fn case_version(app: &TestApp, case: CaseId) -> i32 {
    case::Entity::find_by_id(case.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_work_is_saved_shown_and_audited() {
    on_each_db(
        |_| {},
        |app| async move {
            // Monday 30 November 2026, 09.00 in Stockholm.
            let monday = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
            app.state.clock.set(monday);
            let (nav, id, _) = a_case(&app).await;
            // A colleague who sorts first: a new task is still the reader's own by default.
            app.add_staff(
                app.state.team_id,
                Role::Navigator,
                "anna@a.se",
                "Anna Andersson",
            )
            .await;
            let mv = mapping_version(&app, id).await.to_string();
            saved(
                &post(
                    &app,
                    &nav,
                    id,
                    &[
                        ("action", "mapping"),
                        ("version", &mv),
                        ("interests", "Körsång och promenader"),
                        ("wishes", "Träffa folk på dagtid"),
                        ("needs", "Någon att gå med första gången"),
                        ("barriers", "transport"),
                        ("barriers", "confidence"),
                        ("barriers_note", "Bussen går sällan"),
                    ],
                )
                .await,
            );
            let cv = case_version(&app, id).await.to_string();
            for g in ["Sjunga i kör igen", "Gå ut varje dag"] {
                saved(
                    &post(
                        &app,
                        &nav,
                        id,
                        &[("action", "goal_add"), ("version", &cv), ("goal", g)],
                    )
                    .await,
                );
            }
            for (day, time, place) in [
                ("2026-11-30", "10:00", "office"),
                ("2026-12-02", "14.30", "library"),
                ("2026-12-04", "11:00", "outdoors"),
            ] {
                saved(
                    &post(
                        &app,
                        &nav,
                        id,
                        &[
                            ("action", "meeting_add"),
                            ("version", &cv),
                            ("meeting_date", day),
                            ("meeting_time", time),
                            ("place", place),
                        ],
                    )
                    .await,
                );
            }
            let meetings = meeting::Entity::find()
                .order_by_asc(meeting::Column::StartsAt)
                .all(&app.state.db)
                .await
                .unwrap();
            assert_eq!(meetings.len(), 3);
            // 14.30 in Stockholm in December is 13.30 UTC.
            assert_eq!(
                meetings[1].starts_at.to_rfc3339(),
                "2026-12-02T13:30:00+00:00"
            );
            assert!(meetings.iter().all(|m| m.status == MeetingStatus::Planned));
            for m in &meetings {
                saved(
                    &post(
                        &app,
                        &nav,
                        id,
                        &[
                            ("action", "meeting_update"),
                            ("version", &m.version.to_string()),
                            ("item", &m.id.to_string()),
                            ("meeting_status", "held"),
                            ("meeting_note", "Bra samtal"),
                        ],
                    )
                    .await,
                );
            }
            saved(
                &post(
                    &app,
                    &nav,
                    id,
                    &[("action", "planned"), ("version", &cv), ("planned", "6")],
                )
                .await,
            );
            saved(
                &post(
                    &app,
                    &nav,
                    id,
                    &[
                        ("action", "note_add"),
                        ("version", "0"),
                        ("note", "Vill prova kören på torsdag."),
                    ],
                )
                .await,
            );
            let me = app.state.db.clone();
            let nora = app::ssr::repo::entities::staff::Entity::find()
                .filter(app::ssr::repo::entities::staff::Column::Email.eq("lots@a.se"))
                .one(&me)
                .await
                .unwrap()
                .unwrap()
                .id;
            for (title, due) in [
                ("Ring kören", "2026-12-01"),
                ("Fråga om färdtjänst", "2026-11-27"),
            ] {
                saved(
                    &post(
                        &app,
                        &nav,
                        id,
                        &[
                            ("action", "task_add"),
                            ("version", "0"),
                            ("task_title", title),
                            ("task_due", due),
                            ("task_assignee", &nora.to_string()),
                        ],
                    )
                    .await,
                );
            }
            let first = task::Entity::find()
                .filter(task::Column::Title.eq("Ring kören"))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            saved(
                &post(
                    &app,
                    &nav,
                    id,
                    &[
                        ("action", "task_done"),
                        ("version", &first.version.to_string()),
                        ("item", &first.id.to_string()),
                    ],
                )
                .await,
            );

            let page = app
                .send(
                    "GET",
                    &format!("/lots/deltagare/{id}"),
                    Some(&nav),
                    &[],
                    None,
                )
                .await;
            assert_eq!(page.status, StatusCode::OK);
            for shown in [
                "Körsång och promenader",
                "Bussen går sällan",
                "Sjunga i kör igen",
                "Gå ut varje dag",
                "3 av 6 planerade möten genomförda.",
                "2026-12-02 kl. 14.30",
                "Biblioteket",
                "Vill prova kören på torsdag.",
                "Fråga om färdtjänst",
                "Försenad",
                "Nora Lots",
            ] {
                assert!(page.body.contains(shown), "missing {shown:?}");
            }
            let me_selected = format!(r#"<option value="{nora}" selected>Nora Lots</option>"#);
            assert!(
                page.body.contains(&me_selected),
                "the reader is not preselected"
            );
            assert!(page.body.contains("Anna Andersson"));
            // The done task is no longer overdue; the other (due last Friday) is.
            assert!(
                page.body.contains("Klar 2026-11-30 kl. 09.00"),
                "{}",
                page.body
            );
            let actions = app.audit_actions().await;
            for a in [
                "case.mapping",
                "goal.add",
                "meeting.add",
                "meeting.update",
                "case.plan",
                "note.add",
                "task.add",
                "task.done",
            ] {
                assert!(actions.iter().any(|x| x == a), "no {a} in {actions:?}");
            }
            // The audit log keeps what happened, never what was written.
            let log = format!(
                "{:?}",
                app::ssr::repo::entities::audit_log::Entity::find()
                    .all(&app.state.db)
                    .await
                    .unwrap()
            );
            for secret in ["Körsång", "kören", "Bussen", "Sjunga"] {
                assert!(!log.contains(secret), "{secret} in the audit log");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_saves_is_refused_and_loses_nothing() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, id, _) = a_case(&app).await;
            let who = app.case_work_proof(&nav).await;
            let (db, now) = (&app.state.db, app.state.clock.now());
            let v = mapping_version(&app, id).await;
            let edit = |interests: &str| {
                CaseWorkChange::Mapping(MappingEdit {
                    interests: interests.into(),
                    ..Default::default()
                })
            };
            // Two staff read version v and both save: the first wins, the second is told.
            casework::apply(db, &who, id, v, edit("Först"), now)
                .await
                .unwrap();
            let second = casework::apply(db, &who, id, v, edit("Sedan"), now).await;
            assert!(matches!(second, Err(AppError::Conflict)), "{second:?}");
            let m = case_mapping::Entity::find_by_id(id.0)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((m.interests.as_str(), m.version), ("Först", v + 1));

            // The same for a goal's status, at once from two tasks.
            casework::apply(
                db,
                &who,
                id,
                0,
                CaseWorkChange::AddGoal {
                    text: "Mål".into()
                },
                now,
            )
            .await
            .unwrap();
            let g = goal::Entity::find().one(db).await.unwrap().unwrap();
            let set = |status| CaseWorkChange::GoalStatus { goal: g.id, status };
            let (x, y) = tokio::join!(
                casework::apply(db, &who, id, g.version, set(GoalStatus::Achieved), now),
                casework::apply(db, &who, id, g.version, set(GoalStatus::Dropped), now),
            );
            let ok = [&x, &y].iter().filter(|r| r.is_ok()).count();
            let conflicts = [&x, &y]
                .iter()
                .filter(|r| matches!(r, Err(AppError::Conflict)))
                .count();
            assert_eq!((ok, conflicts), (1, 1), "{x:?} {y:?}");
            let after = goal::Entity::find_by_id(g.id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(after.version, g.version + 1);
            let winner = if x.is_ok() {
                GoalStatus::Achieved
            } else {
                GoalStatus::Dropped
            };
            assert_eq!(after.status, winner);

            // Over HTTP: the page again (409) with the conflict message and what was typed.
            let res = post(
                &app,
                &nav,
                id,
                &[
                    ("action", "mapping"),
                    ("version", &v.to_string()),
                    ("interests", "Ett tredje försök"),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
            assert!(res.body.contains("Ett tredje försök"));
            assert!(res.body.contains("Först"), "the current data is shown");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_its_message_and_changes_nothing() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, id, _) = a_case(&app).await;
            let b_member = app::ssr::repo::entities::staff::Entity::find()
                .filter(app::ssr::repo::entities::staff::Column::Email.eq("lots@b.se"))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap()
                .id
                .to_string();
            let before = snapshot(&app).await;
            let cases: [(&[(&str, &str)], &str); 5] = [
                (
                    &[
                        ("action", "meeting_add"),
                        ("meeting_date", "3 december"),
                        ("meeting_time", "25:00"),
                    ],
                    "Skriv datumet som år-månad-dag",
                ),
                (
                    &[
                        ("action", "meeting_add"),
                        ("meeting_date", "2031-01-01"),
                        ("meeting_time", "10:00"),
                        ("place", "home"),
                    ],
                    "mer än ett år",
                ),
                (
                    &[("action", "goal_add"), ("goal", "   ")],
                    "Skriv målet med personens egna ord.",
                ),
                (
                    &[
                        ("action", "task_add"),
                        ("task_title", "Ring"),
                        ("task_due", "2026-12-10"),
                        ("task_assignee", &b_member),
                    ],
                    "Välj någon i teamet.",
                ),
                (
                    &[("action", "planned"), ("planned", "500")],
                    "mellan 1 och 50",
                ),
            ];
            for (pairs, message) in cases {
                let mut pairs = pairs.to_vec();
                pairs.push(("version", "1"));
                let res = post(&app, &nav, id, &pairs).await;
                assert_eq!(
                    res.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{pairs:?}: {}",
                    res.body
                );
                assert!(res.body.contains(message), "{pairs:?}: no {message:?}");
                assert_eq!(snapshot(&app).await, before, "{pairs:?} changed something");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_team_or_a_forged_item_changes_nothing() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, id, nav_b) = a_case(&app).await;
            let who = app.case_work_proof(&nav).await;
            let (db, now) = (&app.state.db, app.state.clock.now());
            casework::apply(
                db,
                &who,
                id,
                0,
                CaseWorkChange::AddGoal {
                    text: "Mål A".into(),
                },
                now,
            )
            .await
            .unwrap();
            let g = goal::Entity::find().one(db).await.unwrap().unwrap();
            let mv = mapping_version(&app, id).await.to_string();
            let cv = case_version(&app, id).await.to_string();
            let gid = g.id.to_string();
            let gv = g.version.to_string();
            let valid: Vec<Vec<(&str, &str)>> = vec![
                vec![
                    ("action", "mapping"),
                    ("version", &mv),
                    ("interests", "B skriver"),
                ],
                vec![
                    ("action", "goal_add"),
                    ("version", &cv),
                    ("goal", "B:s mål"),
                ],
                vec![
                    ("action", "goal_status"),
                    ("version", &gv),
                    ("item", &gid),
                    ("goal_status", "dropped"),
                ],
                vec![
                    ("action", "meeting_add"),
                    ("version", &cv),
                    ("meeting_date", "2026-12-03"),
                    ("meeting_time", "10:00"),
                    ("place", "office"),
                ],
                vec![("action", "planned"), ("version", &cv), ("planned", "9")],
                vec![
                    ("action", "note_add"),
                    ("version", &cv),
                    ("note", "B:s anteckning"),
                ],
                vec![
                    ("action", "task_add"),
                    ("version", &cv),
                    ("task_title", "B"),
                    ("task_due", "2026-12-10"),
                ],
            ];
            let before = snapshot(&app).await;
            for pairs in &valid {
                let res = post(&app, &nav_b, id, pairs).await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{pairs:?}");
                assert!(!res.body.contains("Mål A"));
                assert_eq!(snapshot(&app).await, before, "{pairs:?} changed something");
            }
            // Team B's navigator with their own case, naming team A's goal: refused, unchanged.
            let b_case = {
                let sent = app
                    .send(
                        "POST",
                        "/kontakt",
                        None,
                        &[],
                        Some((
                            "application/x-www-form-urlencoded",
                            encode(&[
                                ("name", "Bert"),
                                ("phone", "070-999 45 67"),
                                ("call_time", "morning"),
                                ("consent", "yes"),
                            ]),
                        )),
                    )
                    .await;
                assert_eq!(sent.status, StatusCode::SEE_OTHER);
                // The public form files it with the default team (A); move it to B for this test.
                let r = contact_request::Entity::find()
                    .filter(contact_request::Column::PersonName.eq("Bert"))
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap();
                let b_team = app::ssr::repo::entities::staff::Entity::find()
                    .filter(app::ssr::repo::entities::staff::Column::Email.eq("lots@b.se"))
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap()
                    .team_id;
                contact_request::Entity::update_many()
                    .col_expr(
                        contact_request::Column::TeamId,
                        sea_orm::sea_query::Expr::value(b_team.0),
                    )
                    .filter(contact_request::Column::Id.eq(r.id))
                    .exec(db)
                    .await
                    .unwrap();
                let res = app
                    .post_as(
                        &format!("/lots/inkorg/{}/acceptera", r.id),
                        Some(&nav_b),
                        &[("version", &r.version.to_string())],
                    )
                    .await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
                res.location()
                    .trim_start_matches("/lots/deltagare/")
                    .to_string()
            };
            let before = snapshot(&app).await;
            let res = app
                .post_as(
                    &format!("/lots/deltagare/{b_case}"),
                    Some(&nav_b),
                    &[
                        ("action", "goal_status"),
                        ("version", &gv),
                        ("item", &gid),
                        ("goal_status", "dropped"),
                    ],
                )
                .await;
            // A form-level refusal (no field to fix): 400, with what happened.
            assert_eq!(res.status, StatusCode::BAD_REQUEST);
            assert!(res.body.contains("finns inte längre i ärendet"));
            assert_eq!(snapshot(&app).await, before);
            assert_eq!(
                goal::Entity::find_by_id(g.id)
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap()
                    .status,
                GoalStatus::Active
            );
        },
    )
    .await;
}
