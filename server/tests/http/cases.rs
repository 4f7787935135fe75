//! Participants and cases: accepting a request (once, also when two accept at once), marking a
//! duplicate, the steps' rules and history, the second of two saves refused with the current data
//! shown (service level and over HTTP), another team's navigator seeing and changing nothing, the
//! caseload's counts and pages, and the audit entries of every read and change.
use super::support::*;
use app::error::AppError;
use app::models::case::{PersonEdit, Stage, StageChange};
use app::models::ids::{CaseId, ParticipantId, TeamId};
use app::models::staff::Role;
use app::ssr::repo::entities::{
    audit_log, case, case_stage_change, contact_request, contact_request_event, participant,
};
use app::ssr::services::cases;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

/// A self-referral from `name` (its own phone number); returns the request's id and version.
async fn request(app: &TestApp, name: &str, n: u32) -> (i64, i32) {
    let r = app
        .self_referral(name, &format!("070-{:03} 45 67", 100 + n))
        .await;
    (r.id, r.version)
}

/// Team A's navigator (and their cookie), and team B with its navigator.
async fn setup(app: &TestApp) -> (String, TeamId, String) {
    let a = app.state.team_id;
    app.add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
        .await;
    let b = app.other_team("b").await;
    app.add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots B")
        .await;
    (
        app.login("lots@a.se").await,
        b,
        app.login("lots@b.se").await,
    )
}

/// Everything the case work can change, to compare before and after a refused call.
async fn snapshot(app: &TestApp) -> String {
    let db = &app.state.db;
    let requests: Vec<_> = contact_request::Entity::find()
        .order_by_asc(contact_request::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.status, r.version))
        .collect();
    format!(
        "{requests:?}\n{:?}\n{:?}\n{:?}\n{}",
        case::Entity::find()
            .order_by_asc(case::Column::Id)
            .all(db)
            .await
            .unwrap(),
        participant::Entity::find()
            .order_by_asc(participant::Column::Id)
            .all(db)
            .await
            .unwrap(),
        case_stage_change::Entity::find()
            .order_by_asc(case_stage_change::Column::Id)
            .all(db)
            .await
            .unwrap(),
        contact_request_event::Entity::find()
            .count(db)
            .await
            .unwrap(),
    )
}

async fn accept(app: &TestApp, cookie: &str, id: i64, version: i32) -> TestResponse {
    let v = version.to_string();
    app.post_as(
        &format!("/lots/inkorg/{id}/acceptera"),
        Some(cookie),
        &[("version", &v)],
    )
    .await
}

async fn the_case(app: &TestApp, id: CaseId) -> case::Model {
    case::Entity::find_by_id(id.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// The case id from the accept's redirect.
fn case_id(res: &TestResponse) -> CaseId {
    let loc = res.location();
    assert!(loc.starts_with("/lots/deltagare/"), "{loc}");
    CaseId(loc.trim_start_matches("/lots/deltagare/").parse().unwrap())
}

async fn subjects(app: &TestApp, action: &str) -> Vec<Option<String>> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.as_str() == action)
        .map(|e| {
            e.subject_type
                .zip(e.subject_id)
                .map(|(t, i)| format!("{t}:{i}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_makes_the_participant_and_case_once() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            let (id, v) = request(&app, "Åsa Öberg", 1).await;
            let res = accept(&app, &nav, id, v).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let cid = case_id(&res);
            let c = the_case(&app, cid).await;
            assert_eq!(c.stage, Stage::Mapping);
            assert_eq!(c.request_id, Some(id));
            assert_eq!(c.channel, "self");
            assert_eq!(c.planned_meetings, 5);
            let p = participant::Entity::find_by_id(c.participant_id)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(p.name, "Åsa Öberg");
            assert_eq!(p.phone.as_deref(), Some("+46701014567"));
            assert_eq!(p.contact_times, "morning");
            let r = contact_request::Entity::find_by_id(id)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((r.status.as_str(), r.version), ("accepted", v + 1));
            let events = contact_request_event::Entity::find()
                .filter(contact_request_event::Column::RequestId.eq(id))
                .all(&app.state.db)
                .await
                .unwrap();
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].kind, "accepted");
            assert_eq!(
                subjects(&app, "case.create").await,
                vec![Some(format!("case:{cid}"))]
            );

            // The same version again (a second click, another navigator): the conflict answer.
            let before = snapshot(&app).await;
            let again = accept(&app, &nav, id, v).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER);
            assert_eq!(again.location(), format!("/lots/inkorg/{id}?konflikt=1"));
            // Even with the current version: an accepted request is not accepted twice.
            let again = accept(&app, &nav, id, v + 1).await;
            assert_eq!(again.location(), format!("/lots/inkorg/{id}?konflikt=1"));
            assert_eq!(snapshot(&app).await, before);

            // The case page shows the person, how they came and the step; the read is audited.
            let page = app
                .send(
                    "GET",
                    &format!("/lots/deltagare/{cid}"),
                    Some(&nav),
                    &[],
                    None,
                )
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("Åsa Öberg"), "{}", page.body);
            assert!(page.body.contains("070-101 45 67"));
            assert!(page.body.contains("Kartläggning"));
            assert!(page
                .body
                .contains(&format!("Deltagare nr {}", c.participant_id)));
            assert_eq!(
                subjects(&app, "case.read").await,
                vec![Some(format!("case:{cid}"))]
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accepts_of_one_version_at_once_make_one_case() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            let who = app.case_work_proof(&nav).await;
            for round in 0..5u32 {
                let (id, v) = request(
                    &app,
                    &format!("Samtidig {}", letters_name(round as usize)),
                    round,
                )
                .await;
                let now = app.state.clock.now();
                let (a, b) = tokio::join!(
                    cases::accept(&app.state.db, &who, id, v, now),
                    cases::accept(&app.state.db, &who, id, v, now),
                );
                let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
                assert_eq!(wins, 1, "{a:?} {b:?}");
                assert!(
                    [&a, &b]
                        .iter()
                        .any(|r| matches!(r, Err(AppError::Conflict))),
                    "{a:?} {b:?}"
                );
                let n = case::Entity::find()
                    .filter(case::Column::RequestId.eq(id))
                    .count(&app.state.db)
                    .await
                    .unwrap();
                assert_eq!(n, 1);
            }
            assert_eq!(
                participant::Entity::find()
                    .count(&app.state.db)
                    .await
                    .unwrap(),
                5
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_friends_request_is_accepted_only_after_the_persons_consent() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            let res = app
                .post_form("/kontakt/for-nagon-annan", encode(&valid_friend()))
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
            let r = app.all_requests().await.pop().unwrap();
            let before = snapshot(&app).await;
            let refused = accept(&app, &nav, r.id, r.version).await;
            assert!(refused.status.is_client_error(), "{}", refused.status);
            assert_eq!(snapshot(&app).await, before);
            // The person said yes (the request page's consent action records this event).
            contact_request_event::Entity::insert(contact_request_event::ActiveModel {
                team_id: Set(r.team_id),
                request_id: Set(r.id),
                at: Set(app.state.clock.now()),
                actor_staff_id: Set(None),
                kind: Set("consent_given".into()),
                ..Default::default()
            })
            .exec(&app.state.db)
            .await
            .unwrap();
            let ok = accept(&app, &nav, r.id, r.version).await;
            let c = the_case(&app, case_id(&ok)).await;
            assert_eq!(c.channel, "friend");
            let p = participant::Entity::find_by_id(c.participant_id)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            // The person's contact data, not the friend's.
            assert_eq!(p.name, "Karl");
            assert!(p.email.is_none());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_names_a_participant_of_the_team() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, b, nav_b) = setup(&app).await;
            let (first, v1) = request(&app, "Första Person", 1).await;
            let cid = case_id(&accept(&app, &nav, first, v1).await);
            let mine = the_case(&app, cid).await.participant_id;
            // A participant of team B.
            let theirs = participant::Entity::insert(participant::ActiveModel {
                team_id: Set(b.0),
                name: Set("Bertil B".into()),
                contact_times: Set(String::new()),
                interpreter: Set(false),
                created_at: Set(app.state.clock.now()),
                updated_at: Set(app.state.clock.now()),
                version: Set(1),
                ..Default::default()
            })
            .exec(&app.state.db)
            .await
            .unwrap()
            .last_insert_id;
            let (second, v2) = request(&app, "Andra Person", 2).await;
            let path = format!("/lots/inkorg/{second}/dubblett");
            let before = snapshot(&app).await;
            for number in [theirs.to_string(), "999999".into(), String::new()] {
                let res = app
                    .post_as(
                        &path,
                        Some(&nav),
                        &[("version", &v2.to_string()), ("participant", &number)],
                    )
                    .await;
                assert!(res.status.is_client_error(), "{number}: {}", res.status);
                assert_eq!(snapshot(&app).await, before, "{number}");
            }
            // Team B's navigator cannot mark team A's request.
            let res = app
                .post_as(
                    &path,
                    Some(&nav_b),
                    &[
                        ("version", &v2.to_string()),
                        ("participant", &theirs.to_string()),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND);
            assert_eq!(snapshot(&app).await, before);

            let res = app
                .post_as(
                    &path,
                    Some(&nav),
                    &[
                        ("version", &v2.to_string()),
                        ("participant", &mine.to_string()),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let r = contact_request::Entity::find_by_id(second)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((r.status.as_str(), r.version), ("duplicate", v2 + 1));
            let e = contact_request_event::Entity::find()
                .filter(contact_request_event::Column::RequestId.eq(second))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(e.kind, "duplicate");
            assert_eq!(e.detail, Some(mine.to_string()));
            assert_eq!(
                subjects(&app, "contact_request.duplicate").await,
                vec![Some(format!("contact_request:{second}"))]
            );
            // Stale: the conflict answer.
            let res = app
                .post_as(
                    &path,
                    Some(&nav),
                    &[
                        ("version", &v2.to_string()),
                        ("participant", &mine.to_string()),
                    ],
                )
                .await;
            assert_eq!(res.location(), format!("/lots/inkorg/{second}?konflikt=1"));
        },
    )
    .await;
}

async fn step(app: &TestApp, cookie: &str, cid: CaseId, pairs: &[(&str, &str)]) -> TestResponse {
    let version = the_case(app, cid).await.version.to_string();
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(pairs);
    app.post_as(&format!("/lots/deltagare/{cid}"), Some(cookie), &all)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_go_forward_back_with_a_reason_and_close_with_a_reason_and_date() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            let (id, v) = request(&app, "Stegvis Person", 1).await;
            let cid = case_id(&accept(&app, &nav, id, v).await);
            let ok = |r: &TestResponse| {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
                assert_eq!(r.location(), format!("/lots/deltagare/{cid}?sparat=1"));
            };
            ok(&step(&app, &nav, cid, &[("action", "forward")]).await);
            assert_eq!(the_case(&app, cid).await.stage, Stage::Implementation);
            assert!(the_case(&app, cid).await.implementation_since.is_some());

            // Back without a reason: refused, nothing changed, the message at the field.
            let before = snapshot(&app).await;
            let res = step(&app, &nav, cid, &[("action", "back"), ("reason", " ")]).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains("Skriv varför ärendet går tillbaka"));
            assert_eq!(snapshot(&app).await, before);
            ok(&step(
                &app,
                &nav,
                cid,
                &[("action", "back"), ("reason", "Behöver kartlägga mer")],
            )
            .await);
            assert_eq!(the_case(&app, cid).await.stage, Stage::Mapping);
            ok(&step(&app, &nav, cid, &[("action", "forward")]).await);
            ok(&step(&app, &nav, cid, &[("action", "forward")]).await);
            assert_eq!(the_case(&app, cid).await.stage, Stage::Closing);
            // Avslut → closed only by closing, with a reason and a date.
            let before = snapshot(&app).await;
            let res = step(&app, &nav, cid, &[("action", "forward")]).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.status);
            let res = step(
                &app,
                &nav,
                cid,
                &[("action", "close"), ("closing_date", "2026-12-01")],
            )
            .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains("Välj varför ärendet avslutas"));
            let res = step(
                &app,
                &nav,
                cid,
                &[("action", "close"), ("closing_reason", "found_activity")],
            )
            .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(snapshot(&app).await, before);
            ok(&step(
                &app,
                &nav,
                cid,
                &[
                    ("action", "close"),
                    ("closing_reason", "found_activity"),
                    ("closing_date", "2026-12-01"),
                ],
            )
            .await);
            let c = the_case(&app, cid).await;
            assert_eq!(c.stage, Stage::Closed);
            assert_eq!(c.closing_reason.as_deref(), Some("found_activity"));
            assert_eq!(
                c.closing_date.map(|d| d.to_string()),
                Some("2026-12-01".into())
            );
            assert!(c.closed_at.is_some());

            let history: Vec<_> = case_stage_change::Entity::find()
                .filter(case_stage_change::Column::CaseId.eq(cid.0))
                .order_by_asc(case_stage_change::Column::Id)
                .all(&app.state.db)
                .await
                .unwrap()
                .into_iter()
                .map(|h| (h.from_stage, h.to_stage, h.reason))
                .collect();
            use Stage::*;
            assert_eq!(
                history,
                vec![
                    (None, Mapping, None),
                    (Some(Mapping), Implementation, None),
                    (
                        Some(Implementation),
                        Mapping,
                        Some("Behöver kartlägga mer".into())
                    ),
                    (Some(Mapping), Implementation, None),
                    (Some(Implementation), Closing, None),
                    (Some(Closing), Closed, None),
                ]
            );
            let page = app
                .send(
                    "GET",
                    &format!("/lots/deltagare/{cid}"),
                    Some(&nav),
                    &[],
                    None,
                )
                .await;
            assert!(page.body.contains("Behöver kartlägga mer"));
            assert!(page.body.contains("Har hittat en grupp eller aktivitet"));
            assert_eq!(subjects(&app, "case.stage").await.len(), 5);
        },
    )
    .await;
}

fn edit(name: &str) -> PersonEdit {
    PersonEdit {
        name: name.into(),
        phone: Some("+46701234567".into()),
        email: None,
        contact_way: Some("sms".into()),
        contact_times: vec!["afternoon".into()],
        language: Some("arabiska".into()),
        interpreter: true,
        birth_year: Some(1950),
        gender: None,
        personnummer: None,
    }
}

/// Done-when 3 of the issue: two saves of the same version of one case — the second is refused
/// with the conflict error and the first's change is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_saves_of_one_version_gets_the_conflict() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            let (id, v) = request(&app, "Konflikt Person", 1).await;
            let cid = case_id(&accept(&app, &nav, id, v).await);
            let who = app.case_work_proof(&nav).await;
            let (db, now) = (&app.state.db, app.state.clock.now());
            // The person's details: both started from version 1.
            cases::edit_person(db, &app.state.keys, &who, cid, 1, edit("Först Sparad"), now)
                .await
                .unwrap();
            let second =
                cases::edit_person(db, &app.state.keys, &who, cid, 1, edit("Sist Sparad"), now)
                    .await;
            assert_eq!(second, Err(AppError::Conflict));
            let view = cases::get(db, &app.state.keys, &who, cid, chrono::Utc::now())
                .await
                .unwrap();
            assert_eq!(view.name, "Först Sparad");
            assert_eq!(view.person_version, 2);
            assert_eq!(view.language.as_deref(), Some("arabiska"));
            // The step: both started from the same version, at once.
            let c = the_case(&app, cid).await;
            let (a, b) = tokio::join!(
                cases::change_stage(db, &who, cid, c.version, StageChange::Forward, now),
                cases::change_stage(
                    db,
                    &who,
                    cid,
                    c.version,
                    StageChange::Close {
                        reason: app::models::case::ClosingReason::Moved,
                        date: (2026, 12, 1)
                    },
                    now
                ),
            );
            assert_eq!(
                [&a, &b].iter().filter(|r| r.is_ok()).count(),
                1,
                "{a:?} {b:?}"
            );
            assert!([&a, &b].iter().any(|r| **r == Err(AppError::Conflict)));
            let after = the_case(&app, cid).await;
            assert_eq!(after.version, c.version + 1);
            let expected = if a.is_ok() {
                Stage::Implementation
            } else {
                Stage::Closed
            };
            assert_eq!(after.stage, expected);

            // Over HTTP: the stale save gets the page again (409) with the message and the
            // current data, not what was typed.
            let res = app
                .post_as(
                    &format!("/lots/deltagare/{cid}"),
                    Some(&nav),
                    &[
                        ("action", "person"),
                        ("version", "1"),
                        ("name", "Gammal Version"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::CONFLICT);
            assert!(
                res.body
                    .contains("Någon annan hann spara ändringar i ärendet"),
                "{}",
                res.body
            );
            // The fields hold the current data; what was typed is shown beside them, not saved.
            assert!(res.body.contains(r#"value="Först Sparad""#), "{}", res.body);
            assert!(!res.body.contains(r#"value="Gammal Version""#));
            assert!(res.body.contains("Det här skrev du, men det sparades inte"));
            assert!(res.body.contains("<dd>Gammal Version</dd>"));
            assert_eq!(
                view.name,
                cases::get(db, &app.state.keys, &who, cid, chrono::Utc::now())
                    .await
                    .unwrap()
                    .name
            );
            assert_eq!(subjects(&app, "participant.update").await.len(), 1);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_teams_navigator_sees_and_changes_nothing() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, nav_b) = setup(&app).await;
            let (id, v) = request(&app, "Hemlig Person", 1).await;
            let cid = case_id(&accept(&app, &nav, id, v).await);
            let (other, ov) = request(&app, "Annan Person", 2).await;
            let c = the_case(&app, cid).await;
            let before = snapshot(&app).await;
            let page = app
                .send(
                    "GET",
                    &format!("/lots/deltagare/{cid}"),
                    Some(&nav_b),
                    &[],
                    None,
                )
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            assert!(!page.body.contains("Hemlig"));
            let missing = app
                .send("GET", "/lots/deltagare/999999", Some(&nav_b), &[], None)
                .await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
            let v = c.version.to_string();
            let pv = "1".to_string();
            let date = "2026-12-01".to_string();
            let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
                (
                    format!("/lots/deltagare/{cid}"),
                    vec![("action", "forward"), ("version", &v)],
                ),
                (
                    format!("/lots/deltagare/{cid}"),
                    vec![("action", "back"), ("version", &v), ("reason", "x")],
                ),
                (
                    format!("/lots/deltagare/{cid}"),
                    vec![
                        ("action", "close"),
                        ("version", &v),
                        ("closing_reason", "moved"),
                        ("closing_date", &date),
                    ],
                ),
                (
                    format!("/lots/deltagare/{cid}"),
                    vec![("action", "person"), ("version", &pv), ("name", "Stulen")],
                ),
            ];
            let ovs = ov.to_string();
            let part = c.participant_id.to_string();
            let mut posts = posts;
            posts.push((
                format!("/lots/inkorg/{other}/acceptera"),
                vec![("version", &ovs)],
            ));
            posts.push((
                format!("/lots/inkorg/{other}/dubblett"),
                vec![("version", &ovs), ("participant", &part)],
            ));
            for (path, pairs) in &posts {
                let res = app.post_as(path, Some(&nav_b), pairs).await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{path} {pairs:?}");
                assert!(!res.body.contains("Hemlig"), "{path}");
                assert_eq!(snapshot(&app).await, before, "{path} {pairs:?}");
            }
            // Their caseload is empty; the server function answers "not found" too.
            let list = app
                .send("GET", "/lots/deltagare?vem=teamet", Some(&nav_b), &[], None)
                .await;
            assert_eq!(list.status, StatusCode::OK);
            assert!(!list.body.contains("Hemlig"));
            let body = ("application/x-www-form-urlencoded", format!("id={cid}"));
            let api = app
                .send("POST", "/api/case/get", Some(&nav_b), &[], Some(body))
                .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            assert_eq!(snapshot(&app).await, before);
            let who_b = app.case_work_proof(&nav_b).await;
            let now = app.state.clock.now();
            assert_eq!(
                cases::edit_person(
                    &app.state.db,
                    &app.state.keys,
                    &who_b,
                    cid,
                    1,
                    edit("Stulen"),
                    now
                )
                .await,
                Err(AppError::NotFound)
            );
            assert_eq!(
                cases::mark_duplicate(
                    &app.state.db,
                    &who_b,
                    other,
                    ov,
                    Some(ParticipantId(c.participant_id)),
                    now
                )
                .await,
                Err(AppError::NotFound)
            );
            assert_eq!(snapshot(&app).await, before);
        },
    )
    .await;
}

fn count_of(body: &str, stage: &str) -> u64 {
    let marker = format!(r#"data-stage="{stage}" class="count">"#);
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("{stage}: {body}"))
        + marker.len();
    body[at..].split('<').next().unwrap().parse().unwrap()
}

fn rows(body: &str) -> usize {
    body.matches(r#"<a href="/lots/deltagare/"#).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseload_counts_by_step_and_pages() {
    on_each_db(
        |_| {},
        |app| async move {
            let (nav, _, _) = setup(&app).await;
            app.add_staff(
                app.state.team_id,
                Role::Navigator,
                "lots2@a.se",
                "Lisa Lots",
            )
            .await;
            let nav2 = app.login("lots2@a.se").await;
            let mut mine = Vec::new();
            for i in 0..4u32 {
                let (id, v) = request(&app, &format!("Min {}", letters_name(i as usize)), i).await;
                mine.push(case_id(&accept(&app, &nav, id, v).await));
            }
            let (id, v) = request(&app, "Kollegans Person", 9).await;
            accept(&app, &nav2, id, v).await;
            step(&app, &nav, mine[0], &[("action", "forward")]).await;
            step(&app, &nav, mine[1], &[("action", "forward")]).await;
            step(&app, &nav, mine[1], &[("action", "forward")]).await;
            step(
                &app,
                &nav,
                mine[2],
                &[
                    ("action", "close"),
                    ("closing_reason", "moved"),
                    ("closing_date", "2026-12-01"),
                ],
            )
            .await;
            let res = app
                .send("GET", "/lots/deltagare", Some(&nav), &[], None)
                .await;
            assert_eq!(res.status, StatusCode::OK);
            let b = &res.body;
            assert_eq!(
                [
                    count_of(b, "mapping"),
                    count_of(b, "implementation"),
                    count_of(b, "closing"),
                    count_of(b, "closed")
                ],
                [1, 1, 1, 1]
            );
            // The open cases are listed; the closed one is not; the colleague's neither.
            assert_eq!(rows(b), 3);
            assert!(!b.contains("Kollegans"));
            let team = app
                .send("GET", "/lots/deltagare?vem=teamet", Some(&nav), &[], None)
                .await;
            assert_eq!(count_of(&team.body, "mapping"), 2);
            assert_eq!(rows(&team.body), 4);
            assert!(team.body.contains("Kollegans"));
            let closed = app
                .send("GET", "/lots/deltagare?steg=closed", Some(&nav), &[], None)
                .await;
            assert_eq!(rows(&closed.body), 1);
            // Sorted by step: Kartläggning first; by age: the oldest (mine[0]) first.
            let by_stage = app
                .send("GET", "/lots/deltagare", Some(&nav), &[], None)
                .await
                .body;
            let first = |body: &str| {
                let at = body.find(r#"<a href="/lots/deltagare/"#).unwrap() + 25;
                body[at..].split('"').next().unwrap().to_string()
            };
            assert_eq!(first(&by_stage), mine[3].to_string());
            let by_age = app
                .send(
                    "GET",
                    "/lots/deltagare?sortera=alder",
                    Some(&nav),
                    &[],
                    None,
                )
                .await
                .body;
            assert_eq!(first(&by_age), mine[0].to_string());

            // More than 50: pages.
            let now = app.state.clock.now();
            let me = contact_request::Entity::find()
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            let navigator = the_case(&app, mine[0]).await.navigator_id;
            for i in 0..50 {
                let p = participant::Entity::insert(participant::ActiveModel {
                    team_id: Set(me.team_id),
                    name: Set(format!("Många {i}")),
                    contact_times: Set(String::new()),
                    interpreter: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                })
                .exec(&app.state.db)
                .await
                .unwrap()
                .last_insert_id;
                case::Entity::insert(case::ActiveModel {
                    team_id: Set(me.team_id),
                    participant_id: Set(p),
                    channel: Set("self".into()),
                    navigator_id: Set(navigator),
                    stage: Set(Stage::Mapping),
                    mapping_since: Set(now),
                    planned_meetings: Set(5),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                })
                .exec(&app.state.db)
                .await
                .unwrap();
            }
            let p1 = app
                .send("GET", "/lots/deltagare", Some(&nav), &[], None)
                .await
                .body;
            assert_eq!(rows(&p1), 50);
            assert_eq!(count_of(&p1, "mapping"), 51);
            assert!(p1.contains("Sida 1 av 2"));
            let p2 = app
                .send("GET", "/lots/deltagare?sida=2", Some(&nav), &[], None)
                .await
                .body;
            assert_eq!(rows(&p2), 3);
            // One entry per page read (seven above).
            assert_eq!(subjects(&app, "caseload.read").await.len(), 7);
        },
    )
    .await;
}
