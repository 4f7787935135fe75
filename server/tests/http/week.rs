//! The case work over time: the caseload's meeting and follow-up columns (with the clock set, and
//! Stockholm's date deciding what is late), my week (only my meetings, only my team's), and the
//! private calendar feed (renewing kills the old address, no names in it, unknown and other
//! teams' addresses are a bare 404, a deactivated member's feed is gone).
use super::support::*;
use app::models::casework::{MeetingStatus, Place};
use app::models::ids::{StaffId, TeamId};
use app::models::staff::Role;
use app::ssr::repo::entities::{audit_log, calendar_feed, case, meeting, participant, staff, task};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A self-referral from `name`, accepted by the navigator behind `cookie`: the case's id and its
/// participant's number.
async fn case_of(app: &TestApp, cookie: &str, name: &str, n: u32) -> (i64, i64) {
    let r = app
        .self_referral(name, &format!("070-{:03} 11 22", 100 + n))
        .await;
    let id = app.accept_request(cookie, &r).await;
    let c = case::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (id, c.participant_id)
}

/// A case of another team, written directly (the public forms reach the installation's team).
async fn other_team_case(app: &TestApp, team: TeamId, name: &str, navigator: StaffId) -> i64 {
    let now = app.state.clock.now();
    let p = participant::Entity::insert(participant::ActiveModel {
        team_id: Set(team.0),
        name: Set(name.into()),
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
        team_id: Set(team.0),
        participant_id: Set(p),
        channel: Set("self".into()),
        navigator_id: Set(Some(navigator.0)),
        stage: Set(app::models::case::Stage::Mapping),
        mapping_since: Set(now),
        planned_meetings: Set(5),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap()
    .last_insert_id
}

/// A meeting row, as the case page's form would store it.
async fn meet(
    app: &TestApp,
    (team, case, by): (TeamId, i64, StaffId),
    starts: DateTime<Utc>,
    place: Place,
    status: MeetingStatus,
) -> i64 {
    meeting::Entity::insert(meeting::ActiveModel {
        team_id: Set(team.0),
        case_id: Set(case),
        staff_id: Set(Some(by.0)),
        starts_at: Set(starts),
        duration_minutes: Set(60),
        place: Set(place),
        status: Set(status),
        note: Set("Hemlig anteckning om hälsan".into()),
        created_at: Set(starts),
        created_by: Set(Some(by.0)),
        updated_at: Set(starts),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap()
    .last_insert_id
}

/// A follow-up task row.
async fn task_for(
    app: &TestApp,
    (team, case, who): (TeamId, i64, StaffId),
    title: &str,
    due: NaiveDate,
    done: bool,
) {
    let now = app.state.clock.now();
    task::Entity::insert(task::ActiveModel {
        team_id: Set(team.0),
        case_id: Set(case),
        title: Set(title.into()),
        due_date: Set(due),
        assignee_id: Set(Some(who.0)),
        done_at: Set(done.then_some(now)),
        done_by: Set(done.then_some(who.0)),
        created_at: Set(now),
        created_by: Set(Some(who.0)),
        version: Set(1),
        ..Default::default()
    })
    .exec(&app.state.db)
    .await
    .unwrap();
}

/// The caseload table's row of case `id`.
fn row_of(body: &str, id: i64) -> &str {
    let start = body
        .find(&format!(r#"<a href="/lots/deltagare/{id}""#))
        .unwrap_or_else(|| panic!("no row of case {id}"));
    let end = body[start..].find("</tr>").unwrap() + start;
    &body[start..end]
}

/// The cases in the order the caseload lists them.
fn order(body: &str) -> Vec<i64> {
    body.split(r#"<a href="/lots/deltagare/"#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> TestResponse {
    let res = app.send("GET", path, Some(cookie), &[], None).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    res
}

async fn audited(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.as_str() == action)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseload_shows_contacts_next_meetings_and_late_follow_ups() {
    on_each_db(
        |_| {},
        |app| async move {
            // 00.30 on Wednesday 2 December in Stockholm, still 1 December in UTC: a task due
            // 1 December is late already.
            app.state.clock.set(at(2026, 12, 1, 23, 30));
            let a = app.state.team_id;
            let nora = app
                .add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let b = app.other_team("b").await;
            let bo = app
                .add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots")
                .await;
            let nav = app.login("lots@a.se").await;
            let (c1, _) = case_of(&app, &nav, "Åsa Berg", 1).await;
            let (c2, _) = case_of(&app, &nav, "Bertil Ek", 2).await;
            let (c3, _) = case_of(&app, &nav, "Cilla Dahl", 3).await;
            let (one, two, three) = ((a, c1, nora), (a, c2, nora), (a, c3, nora));
            use MeetingStatus::*;
            meet(&app, one, at(2026, 11, 20, 9, 0), Place::Office, Held).await;
            meet(&app, one, at(2026, 11, 25, 13, 0), Place::Library, Held).await;
            meet(&app, one, at(2026, 11, 28, 13, 0), Place::Office, NoShow).await;
            // Planned but past: not the next meeting.
            meet(&app, one, at(2026, 12, 1, 10, 0), Place::Office, Planned).await;
            meet(&app, one, at(2026, 12, 3, 7, 0), Place::Office, Cancelled).await;
            meet(&app, one, at(2026, 12, 5, 8, 0), Place::Phone, Planned).await;
            meet(&app, one, at(2026, 12, 10, 13, 30), Place::Office, Planned).await;
            meet(&app, two, at(2026, 12, 3, 12, 0), Place::Video, Planned).await;
            task_for(&app, one, "Ring om cirkeln", day(2026, 11, 20), false).await;
            task_for(&app, one, "Skicka broschyr", day(2026, 12, 1), false).await;
            task_for(&app, two, "Klar redan", day(2026, 11, 30), true).await;
            task_for(&app, two, "Boka tolk", day(2026, 12, 1), false).await;
            task_for(&app, two, "I dag", day(2026, 12, 2), false).await;
            // Rows that name team A's case but belong to team B: not team A's.
            meet(
                &app,
                (b, c3, bo),
                at(2026, 11, 26, 9, 0),
                Place::Office,
                Held,
            )
            .await;
            meet(
                &app,
                (b, c3, bo),
                at(2026, 12, 4, 9, 0),
                Place::Office,
                Planned,
            )
            .await;
            task_for(&app, (b, c3, bo), "Fel team", day(2026, 11, 1), false).await;
            let _ = three;

            let body = get(&app, "/lots/deltagare", &nav).await.body;
            let r1 = row_of(&body, c1);
            assert!(r1.contains("2026-11-25"), "{r1}");
            assert!(r1.contains("2026-12-05 kl. 09.00"), "{r1}");
            assert!(r1.contains(r#"data-overdue="2""#), "{r1}");
            let r2 = row_of(&body, c2);
            assert!(r2.contains("2026-12-03 kl. 13.00"), "{r2}");
            assert!(r2.contains(r#"data-overdue="1""#), "{r2}");
            assert!(!r2.contains("2026-11"), "no meeting held: {r2}");
            let r3 = row_of(&body, c3);
            assert!(!r3.contains("kl.") && !r3.contains("data-overdue"), "{r3}");
            assert!(!r3.contains("2026-11-26"), "{r3}");
            assert!(body.contains("Nästa möte") && body.contains("Försenad uppföljning"));

            // Sorted by the next meeting: the soonest first, none last.
            let next = get(&app, "/lots/deltagare?sortera=nasta", &nav).await.body;
            assert_eq!(order(&next), vec![c2, c1, c3]);
            // Only the cases with late follow-ups; the counts by step stay the scope's.
            let late = get(&app, "/lots/deltagare?forsenade=1", &nav).await.body;
            let mut listed = order(&late);
            listed.sort_unstable();
            assert_eq!(listed, vec![c1, c2]);
            assert!(late.contains(r#"data-stage="mapping" class="count">3<"#));
            assert!(
                late.contains("sortera=nasta&amp;forsenade=1")
                    || late.contains("sortera=nasta&forsenade=1")
            );

            // Two days later: the 3 December meeting has passed, the task due 2 December is late.
            app.state.clock.set(at(2026, 12, 4, 8, 0));
            let nav = app.login("lots@a.se").await;
            let body = get(&app, "/lots/deltagare", &nav).await.body;
            let r2 = row_of(&body, c2);
            assert!(!r2.contains("kl."), "{r2}");
            assert!(r2.contains(r#"data-overdue="2""#), "{r2}");
            let r1 = row_of(&body, c1);
            assert!(r1.contains("2026-12-05 kl. 09.00"), "{r1}");
            let next = get(&app, "/lots/deltagare?sortera=nasta", &nav).await.body;
            assert_eq!(order(&next), vec![c1, c2, c3]);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_week_shows_my_meetings_and_follow_ups_of_my_team_only() {
    on_each_db(
        |_| {},
        |app| async move {
            // Wednesday 2 December 2026, 10.00 in Stockholm: week 49.
            app.state.clock.set(at(2026, 12, 2, 9, 0));
            let a = app.state.team_id;
            let nora = app
                .add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let lisa = app
                .add_staff(a, Role::Navigator, "lots2@a.se", "Lisa Lots")
                .await;
            let b = app.other_team("b").await;
            let bo = app
                .add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots")
                .await;
            let nav = app.login("lots@a.se").await;
            let (c1, _) = case_of(&app, &nav, "Åsa Berg", 1).await;
            let bc = other_team_case(&app, b, "Bodil Hemlig", bo).await;
            use MeetingStatus::*;
            let mine = (a, c1, nora);
            meet(&app, mine, at(2026, 11, 30, 9, 0), Place::Office, Held).await;
            meet(&app, mine, at(2026, 12, 2, 13, 30), Place::Library, Planned).await;
            // Sunday 23.30 in Stockholm: still this week.
            meet(&app, mine, at(2026, 12, 6, 22, 30), Place::Phone, Planned).await;
            // Monday 00.30 in Stockholm: next week.
            meet(&app, mine, at(2026, 12, 6, 23, 30), Place::Phone, Planned).await;
            // Last week.
            meet(&app, mine, at(2026, 11, 25, 10, 0), Place::Video, Held).await;
            // A colleague's meeting with my participant: not in my week.
            meet(
                &app,
                (a, c1, lisa),
                at(2026, 12, 1, 6, 15),
                Place::Office,
                Planned,
            )
            .await;
            // Team B's meeting, wrongly naming me: not in my week.
            meet(
                &app,
                (b, bc, nora),
                at(2026, 12, 3, 10, 45),
                Place::Office,
                Planned,
            )
            .await;
            meet(
                &app,
                (b, bc, bo),
                at(2026, 12, 3, 8, 5),
                Place::Home,
                Planned,
            )
            .await;
            task_for(&app, mine, "Ring Åsa", day(2026, 11, 28), false).await;
            task_for(&app, mine, "Skicka broschyr", day(2026, 12, 4), false).await;
            task_for(&app, mine, "Senare uppgift", day(2026, 12, 10), false).await;
            task_for(&app, mine, "Klar uppgift", day(2026, 11, 29), true).await;
            task_for(
                &app,
                (a, c1, lisa),
                "Lisas uppgift",
                day(2026, 12, 1),
                false,
            )
            .await;
            task_for(
                &app,
                (b, bc, nora),
                "Fel teams uppgift",
                day(2026, 12, 1),
                false,
            )
            .await;

            let body = get(&app, "/lots/vecka", &nav).await.body;
            for text in [
                "Vecka 49, 2026",
                "måndag 30 november",
                "onsdag 2 december",
                "söndag 6 december",
                "kl. 10.00–11.00",
                "kl. 14.30–15.30",
                "kl. 23.30–00.30",
                "Biblioteket",
                "Genomfört",
                "Planerat",
                &format!(r#"<a href="/lots/deltagare/{c1}">Åsa</a>"#),
                "Ring Åsa",
                "Skicka broschyr",
                "Försenad",
                "vecka=2026-W48",
                "vecka=2026-W50",
                "Skapa kalenderlänk",
            ] {
                assert!(body.contains(text), "{text} missing: {body}");
            }
            for text in [
                "Berg",
                "kl. 00.30",
                "kl. 11.00–",
                "kl. 07.15",
                "kl. 11.45",
                "kl. 09.05",
                "Bodil",
                "Senare uppgift",
                "Klar uppgift",
                "Lisas uppgift",
                "Fel teams uppgift",
                "Hemlig anteckning",
            ] {
                assert!(!body.contains(text), "{text} shown: {body}");
            }
            // The week before, by its address.
            let before = get(&app, "/lots/vecka?vecka=2026-W48", &nav).await.body;
            assert!(before.contains("kl. 11.00–12.00"), "{before}");
            assert!(!before.contains("kl. 14.30"));
            assert!(before.contains("vecka=2026-W47") && before.contains("vecka=2026-W49"));
            // A week that does not exist is this week.
            let odd = get(&app, "/lots/vecka?vecka=2027-W53", &nav).await.body;
            assert!(odd.contains("Vecka 49, 2026"));
            // Team B's navigator sees their own, nothing of team A's.
            let nav_b = app.login("lots@b.se").await;
            let theirs = get(&app, "/lots/vecka", &nav_b).await.body;
            assert!(theirs.contains("Bodil") && theirs.contains("kl. 09.05"));
            assert!(!theirs.contains("Åsa") && !theirs.contains("kl. 14.30"));
            // Every read is audited, with the week read.
            let reads = audited(&app, "week.read").await;
            assert_eq!(reads.len(), 4);
            assert_eq!(reads[1].detail.as_deref(), Some("2026-W48"));
            assert_eq!(reads[0].actor_staff_id, Some(nora));
        },
    )
    .await;
}

/// The secret address in the page a renewal answers with.
fn feed_path(body: &str) -> String {
    let at = body.find("/kalender/").expect("a calendar link");
    let rest = &body[at..];
    let end = rest.find(".ics").unwrap() + 4;
    rest[..end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_feed_is_private_renewable_and_nameless() {
    on_each_db(
        |_| {},
        |app| async move {
            app.state.clock.set(at(2026, 12, 2, 9, 0));
            let a = app.state.team_id;
            let nora = app
                .add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let lisa = app
                .add_staff(a, Role::Navigator, "lots2@a.se", "Lisa Lots")
                .await;
            let b = app.other_team("b").await;
            let bo = app
                .add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots")
                .await;
            let nav = app.login("lots@a.se").await;
            let (c1, p1) = case_of(&app, &nav, "Åsa Hemligsson", 1).await;
            let bc = other_team_case(&app, b, "Bodil Hemlig", bo).await;
            use MeetingStatus::*;
            let mine = (a, c1, nora);
            let planned = meet(&app, mine, at(2026, 12, 3, 13, 30), Place::Office, Planned).await;
            let held = meet(&app, mine, at(2026, 11, 20, 9, 0), Place::Library, Held).await;
            let cancelled = meet(&app, mine, at(2026, 12, 4, 9, 0), Place::Office, Cancelled).await;
            let too_old = meet(&app, mine, at(2026, 10, 1, 9, 0), Place::Office, Held).await;
            let too_far = meet(&app, mine, at(2027, 7, 1, 9, 0), Place::Office, Planned).await;
            let lisas = meet(
                &app,
                (a, c1, lisa),
                at(2026, 12, 3, 9, 0),
                Place::Office,
                Planned,
            )
            .await;
            let wrong_team = meet(
                &app,
                (b, bc, nora),
                at(2026, 12, 3, 10, 0),
                Place::Office,
                Planned,
            )
            .await;
            let bos = meet(
                &app,
                (b, bc, bo),
                at(2026, 12, 3, 11, 0),
                Place::Home,
                Planned,
            )
            .await;

            // No link yet; making one shows it once.
            let week = get(&app, "/lots/vecka", &nav).await.body;
            assert!(week.contains("Du har ingen kalenderlänk än."));
            let made = app.post_as("/lots/vecka", Some(&nav), &[]).await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
            assert!(made.body.contains("Din nya kalenderlänk"));
            let first = feed_path(&made.body);
            let secret = first
                .trim_start_matches("/kalender/")
                .trim_end_matches(".ics")
                .to_string();
            assert_eq!(secret.len(), 64);
            // Only a MAC of the secret is stored.
            let stored = calendar_feed::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].staff_id, nora.0);
            assert_ne!(stored[0].token_mac, secret);
            // The page read later does not show it again.
            let week = get(&app, "/lots/vecka", &nav).await.body;
            assert!(!week.contains(&secret));
            assert!(week.contains("Skapa ny länk"));

            // The feed: no login needed.
            let res = app.get(&first).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            assert_eq!(res.header("content-type"), "text/calendar; charset=utf-8");
            assert_eq!(res.header("cache-control"), "no-store");
            assert_eq!(res.header("referrer-policy"), "no-referrer");
            let ics = &res.body;
            assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
            assert!(ics.ends_with("END:VCALENDAR\r\n"));
            assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
            for line in [
                format!("UID:meeting-{planned}@halsolots"),
                format!("UID:meeting-{held}@halsolots"),
                "DTSTART:20261203T133000Z".to_string(),
                "DTEND:20261203T143000Z".to_string(),
                format!("SUMMARY:Möte #{p1}"),
                "LOCATION:Hälsolotsens kontor".to_string(),
                "STATUS:CONFIRMED".to_string(),
            ] {
                assert!(ics.contains(&format!("\r\n{line}\r\n")), "{line}: {ics}");
            }
            for id in [cancelled, too_old, too_far, lisas, wrong_team, bos] {
                assert!(!ics.contains(&format!("UID:meeting-{id}@")), "{id}: {ics}");
            }
            // Nothing that names the person or says what was talked about.
            for text in ["Åsa", "Hemligsson", "Hemlig", "Bodil", "anteckning"] {
                assert!(!ics.contains(text), "{text} in the feed");
            }
            let reads = audited(&app, "calendar_feed.read").await;
            assert_eq!(reads.len(), 1);
            assert_eq!(reads[0].actor_staff_id, Some(nora));
            assert_eq!(reads[0].detail.as_deref(), Some("feed"));
            assert_eq!(audited(&app, "calendar_feed.renew").await.len(), 1);

            // A new link: the old one is dead at once.
            let again = app.post_as("/lots/vecka", Some(&nav), &[]).await;
            assert_eq!(again.status, StatusCode::OK);
            let second = feed_path(&again.body);
            assert_ne!(second, first);
            let dead = app.get(&first).await;
            assert_eq!(dead.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get(&second).await.status, StatusCode::OK);
            assert_eq!(
                calendar_feed::Entity::find()
                    .all(&app.state.db)
                    .await
                    .unwrap()
                    .len(),
                1
            );

            // Unknown, malformed: the same bare 404, nothing said about why.
            let unknown = app.get(&format!("/kalender/{}.ics", "0".repeat(64))).await;
            assert_eq!(unknown.status, StatusCode::NOT_FOUND);
            assert_eq!(unknown.body, dead.body);
            for path in [
                "/kalender/abc.ics",
                &second.replace(".ics", ""),
                "/kalender/.ics",
            ] {
                let res = app.get(path).await;
                assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
                assert_eq!(res.body, dead.body);
            }

            // Team B's navigator has a feed of their own, with nothing of team A's.
            let nav_b = app.login("lots@b.se").await;
            let theirs = feed_path(&app.post_as("/lots/vecka", Some(&nav_b), &[]).await.body);
            let theirs = app.get(&theirs).await.body;
            assert!(theirs.contains(&format!("UID:meeting-{bos}@")));
            assert!(!theirs.contains(&format!("UID:meeting-{planned}@")));
            assert!(!theirs.contains(&format!("UID:meeting-{wrong_team}@")));

            // A post from another site changes nothing.
            let before = calendar_feed::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            let forged = app
                .send(
                    "POST",
                    "/lots/vecka",
                    Some(&nav),
                    &[("sec-fetch-site", "cross-site")],
                    Some(("application/x-www-form-urlencoded", String::new())),
                )
                .await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN);
            assert_eq!(
                calendar_feed::Entity::find()
                    .all(&app.state.db)
                    .await
                    .unwrap(),
                before
            );

            // Deactivated: the feed is gone too.
            staff::Entity::update_many()
                .col_expr(
                    staff::Column::Active,
                    sea_orm::sea_query::Expr::value(false),
                )
                .filter(staff::Column::Id.eq(nora))
                .exec(&app.state.db)
                .await
                .unwrap();
            let gone = app.get(&second).await;
            assert_eq!(gone.status, StatusCode::NOT_FOUND);
            assert_eq!(gone.body, dead.body);

            // One client fetching on and on is slowed down (calendar apps poll far less often).
            let mut limited = false;
            for _ in 0..=app::ssr::state::FEED_FETCHES_PER_HOUR {
                let res = app.get("/kalender/x.ics").await;
                if res.status == StatusCode::TOO_MANY_REQUESTS {
                    limited = true;
                    break;
                }
                assert_eq!(res.status, StatusCode::NOT_FOUND);
            }
            assert!(limited, "no limit on fetches");
        },
    )
    .await;
}
