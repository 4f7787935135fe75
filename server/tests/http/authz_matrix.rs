//! The authorisation matrix: every server function and every staff route × every kind of caller.
//! The lists come from the running app (registered server functions, the router's routes), so a
//! new endpoint without a rule here fails the test.
use super::support::*;
use app::models::staff::{Permission, Role};
use app::ssr::repo::entities::{
    calendar_feed, case, case_stage_change, contact_request, contact_request_event, meeting,
    participant, task, team,
};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// What the case work can change: requests (status, version), cases, participants, step changes,
/// meetings, tasks, calendar feeds.
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
    let cases = case::Entity::find().all(db).await.unwrap();
    let people = participant::Entity::find().all(db).await.unwrap();
    let steps = case_stage_change::Entity::find().all(db).await.unwrap();
    let history = contact_request_event::Entity::find().all(db).await.unwrap();
    let meetings = meeting::Entity::find().all(db).await.unwrap();
    let tasks = task::Entity::find().all(db).await.unwrap();
    let feeds = calendar_feed::Entity::find()
        .order_by_asc(calendar_feed::Column::StaffId)
        .all(db)
        .await
        .unwrap();
    format!("{requests:?}{cases:?}{people:?}{steps:?}{history:?}{meetings:?}{tasks:?}{feeds:?}")
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone; the answer is never 401/403.
    Public,
    /// The login post: empty credentials are refused with 401 for everyone.
    Login,
    /// Any signed-in staff member.
    SignedIn,
    Needs(Permission),
    /// Like `Needs`, about one record of a team: another team's admin gets 404.
    NeedsRecord(Permission),
    /// A calendar feed: the secret address is the authorisation, not a session; an unknown one
    /// is 404 for everyone, signed in or not.
    SecretAddress,
}

fn rule(method: &str, path: &str) -> Option<Rule> {
    use Permission::*;
    use Rule::*;
    Some(match (method, path) {
        ("POST", "/api/contact/submit" | "/api/contact/receipt") => Public,
        ("POST", "/api/staff/me" | "/api/staff/two-factor") => SignedIn,
        ("POST", "/api/staff/list") => Needs(ManageStaff),
        ("POST", "/api/staff/get") => NeedsRecord(ManageStaff),
        ("POST", "/api/team/settings") => Needs(ManageTeam),
        ("POST", "/api/audit/list") => Needs(ReadAudit),
        ("POST", "/api/inbox/list") => Needs(CaseWork),
        ("POST", "/api/case/list") => Needs(CaseWork),
        ("POST", "/api/week/get") => Needs(CaseWork),
        ("GET" | "POST", "/lots/vecka") => Needs(CaseWork),
        ("GET", "/kalender/{file}") => SecretAddress,
        ("POST", "/api/case/get") => NeedsRecord(CaseWork),
        ("GET" | "POST", "/lots/deltagare/{id}") => NeedsRecord(CaseWork),
        ("POST", "/lots/inkorg/{id}/acceptera" | "/lots/inkorg/{id}/dubblett") => {
            NeedsRecord(CaseWork)
        }
        ("POST", "/api/inbox/request") => NeedsRecord(CaseWork),
        ("GET" | "POST", "/lots/inkorg/{id}") => NeedsRecord(CaseWork),
        ("GET", "/lots/logga-in") | ("POST", "/lots/logga-ut") => Public,
        ("GET", "/lots/logga-in/kod") => Public,
        ("POST", "/lots/logga-in" | "/lots/logga-in/kod") => Login,
        ("GET", "/lots/tvastegs") | ("POST", "/lots/tvastegs") => SignedIn,
        ("GET", "/lots" | "/lots/byt-losenord") | ("POST", "/lots/byt-losenord") => SignedIn,
        ("GET", "/lots/inkorg" | "/lots/deltagare" | "/lots/aktiviteter") => Needs(CaseWork),
        ("GET", "/lots/rapporter") => Needs(Reports),
        ("GET", "/lots/admin" | "/lots/admin/logg") | ("POST", "/lots/admin") => Needs(ManageStaff),
        ("GET", "/lots/admin/installningar") | ("POST", "/lots/admin/installningar") => {
            Needs(ManageTeam)
        }
        ("GET" | "POST", "/lots/admin/personal/{id}") => NeedsRecord(ManageStaff),
        _ => return None,
    })
}

#[derive(Clone, Debug)]
struct Caller {
    label: &'static str,
    role: Option<Role>,
    other_team: bool,
    cookie: Option<String>,
}

/// Every endpoint: (method, path pattern).
fn endpoints() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method.to_string(), path.to_string()))
        .collect();
    for route in server::startup::routes() {
        let path = route.path().replace(":id", "{id}");
        if path == "/lots" || path.starts_with("/lots/") {
            out.push(("GET".into(), path));
        }
    }
    for (path, _) in server::startup::staff_posts()
        .into_iter()
        .chain(server::startup::case_posts())
    {
        out.push(("POST".into(), path.to_string()));
    }
    for (path, _) in server::startup::feed_routes() {
        out.push(("GET".into(), path.to_string()));
    }
    out.sort();
    out.dedup();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_every_caller_as_the_matrix_says() {
    let all = endpoints();
    let missing: Vec<_> = all.iter().filter(|(m, p)| rule(m, p).is_none()).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a rule in the matrix: {missing:?}"
    );
    assert!(all.len() >= 20, "too few endpoints found: {all:?}");

    on_each_db(
        // Every caller posts empty credentials to the login: not a throttling test.
        |s| s.access.account_failures = 50,
        |app| {
            let all = all.clone();
            async move {
                let a = app.state.team_id;
                let b = app.other_team("b").await;
                // Team A keeps personnummer: the case's person post carries one.
                team::Entity::update(team::ActiveModel {
                    id: Set(a),
                    personnummer_allowed: Set(true),
                    ..Default::default()
                })
                .exec(&app.state.db)
                .await
                .unwrap();
                let mut ids = Vec::new();
                for (team, tid) in [("a", a), ("b", b)] {
                    for (role, email, name) in people(team) {
                        ids.push((team, role, app.add_staff(tid, role, &email, &name).await));
                    }
                }
                let target = ids
                    .iter()
                    .find(|(t, r, _)| *t == "a" && *r == Role::Navigator)
                    .map(|x| x.2)
                    .unwrap();
                let mut callers = vec![Caller {
                    label: "anonymous",
                    role: None,
                    other_team: false,
                    cookie: None,
                }];
                for (label, role, email, other_team) in [
                    ("admin", Role::Admin, "admin@a.se", false),
                    ("navigator", Role::Navigator, "lots@a.se", false),
                    ("analyst", Role::Analyst, "analys@a.se", false),
                    ("admin of another team", Role::Admin, "admin@b.se", true),
                    (
                        "navigator of another team",
                        Role::Navigator,
                        "lots@b.se",
                        true,
                    ),
                ] {
                    callers.push(Caller {
                        label,
                        role: Some(role),
                        other_team,
                        cookie: Some(app.login(email).await),
                    });
                }
                // A resident's request to team A: only team A's case workers may see it.
                let sent = app
                    .post_form(
                        "/kontakt",
                        encode(&[
                            ("name", "Matrisa Hemlig"),
                            ("phone", "070-123 45 67"),
                            ("call_time", "morning"),
                            ("consent", "yes"),
                        ]),
                    )
                    .await;
                assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
                // Another of team A's requests, accepted into a case: the case's pages and posts
                // are walked with it; the request above with the request's actions.
                let sent = app
                    .post_form(
                        "/kontakt",
                        encode(&[
                            ("name", "Matrisa Fall"),
                            ("phone", "070-765 43 21"),
                            ("call_time", "morning"),
                            ("consent", "yes"),
                        ]),
                    )
                    .await;
                assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
                let request_of = |name: &'static str| {
                    let app = &app;
                    async move {
                        contact_request::Entity::find()
                            .filter(contact_request::Column::PersonName.eq(name))
                            .one(&app.state.db)
                            .await
                            .unwrap()
                            .unwrap()
                    }
                };
                let fall = request_of("Matrisa Fall").await;
                let nav_a = callers.iter().find(|c| c.label == "navigator").unwrap();
                let res = app
                    .post_as(
                        &format!("/lots/inkorg/{}/acceptera", fall.id),
                        nav_a.cookie.as_deref(),
                        &[("version", &fall.version.to_string())],
                    )
                    .await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
                let case_id: i64 = res
                    .location()
                    .trim_start_matches("/lots/deltagare/")
                    .parse()
                    .unwrap();
                let hemlig = request_of("Matrisa Hemlig").await.id;
                // A third, left open: the request's page and its actions are walked with it.
                let sent = app
                    .post_form(
                        "/kontakt",
                        encode(&[
                            ("name", "Matrisa Annan"),
                            ("phone", "070-111 22 33"),
                            ("call_time", "morning"),
                            ("consent", "yes"),
                        ]),
                    )
                    .await;
                assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
                let annan = request_of("Matrisa Annan").await.id;
                // Logout last: it ends the caller's session.
                let mut ordered = all.clone();
                ordered.sort_by_key(|(_, p)| p == "/lots/logga-ut");
                for (method, pattern) in &ordered {
                    let rule = rule(method, pattern).unwrap();
                    // The request's own page and actions are about the open request; accepting and
                    // marking a duplicate about another one; the case's about the case.
                    let about_request = *pattern == "/lots/inkorg/{id}";
                    let path = if pattern.contains("{file}") {
                        // A well-formed secret that is no one's.
                        pattern.replace("{file}", &format!("{}.ics", "0".repeat(64)))
                    } else if pattern.starts_with("/lots/deltagare/") {
                        pattern.replace("{id}", &case_id.to_string())
                    } else if about_request {
                        pattern.replace("{id}", &annan.to_string())
                    } else if pattern.starts_with("/lots/inkorg/") {
                        pattern.replace("{id}", &hemlig.to_string())
                    } else {
                        pattern.replace("{id}", &target.to_string())
                    };
                    // The case work's posts get a valid body (read now: versions move on).
                    let case_work_post = method == "POST"
                        && (pattern.starts_with("/lots/deltagare/")
                            || pattern.ends_with("/acceptera")
                            || pattern.ends_with("/dubblett"));
                    for c in &callers {
                        let form = |pairs: Vec<(&str, String)>| {
                            let pairs: Vec<(&str, &str)> =
                                pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                            Some(("application/x-www-form-urlencoded", encode(&pairs)))
                        };
                        let now = snapshot(&app).await;
                        let body = match path.as_str() {
                            "/api/case/get" => {
                                Some(("application/x-www-form-urlencoded", format!("id={case_id}")))
                            }
                            "/api/inbox/request" => {
                                Some(("application/x-www-form-urlencoded", format!("id={annan}")))
                            }
                            // A valid change for every refused caller (it must change nothing);
                            // the allowed caller's has no reason: "fix this" (422).
                            _ if about_request && method == "POST" => {
                                let allowed = c.role.is_some_and(|r| r.can(Permission::CaseWork))
                                    && !c.other_team;
                                let version = request_of("Matrisa Annan").await.version;
                                form(vec![
                                    (
                                        "action",
                                        if allowed { "decline" } else { "unreachable" }.into(),
                                    ),
                                    ("version", version.to_string()),
                                ])
                            }
                            "/api/case/list" => {
                                Some(("application/json", r#"{"filter":{}}"#.to_string()))
                            }
                            "/api/week/get" => {
                                Some(("application/json", r#"{"week":null}"#.to_string()))
                            }
                            p if p.ends_with("/acceptera") => form(vec![(
                                "version",
                                request_of("Matrisa Hemlig").await.version.to_string(),
                            )]),
                            p if p.ends_with("/dubblett") => {
                                let c = case::Entity::find_by_id(case_id)
                                    .one(&app.state.db)
                                    .await
                                    .unwrap()
                                    .unwrap();
                                form(vec![
                                    (
                                        "version",
                                        request_of("Matrisa Hemlig").await.version.to_string(),
                                    ),
                                    ("participant", c.participant_id.to_string()),
                                ])
                            }
                            p if case_work_post && p.starts_with("/lots/deltagare/") => {
                                let c = case::Entity::find_by_id(case_id)
                                    .one(&app.state.db)
                                    .await
                                    .unwrap()
                                    .unwrap();
                                let p = participant::Entity::find_by_id(c.participant_id)
                                    .one(&app.state.db)
                                    .await
                                    .unwrap()
                                    .unwrap();
                                form(vec![
                                    ("action", "person".into()),
                                    ("version", p.version.to_string()),
                                    ("name", "Matrisa Fall".into()),
                                    ("language", format!("svenska {}", c.version)),
                                    ("personnummer", "19811218-9876".into()),
                                ])
                            }
                            "/api/staff/get" => {
                                Some(("application/x-www-form-urlencoded", format!("id={target}")))
                            }
                            "/api/audit/list" | "/api/inbox/list" => {
                                Some(("application/json", r#"{"filter":{}}"#.to_string()))
                            }
                            "/api/contact/submit" => Some(("application/json", "{}".to_string())),
                            "/api/contact/receipt" => Some((
                                "application/x-www-form-urlencoded",
                                "code=AAAA-AAAA".to_string(),
                            )),
                            // A change without its value: allowed callers get "fix this".
                            p if p.starts_with("/lots/admin/personal/") => Some((
                                "application/x-www-form-urlencoded",
                                "action=role".to_string(),
                            )),
                            _ if method == "POST" => {
                                Some(("application/x-www-form-urlencoded", String::new()))
                            }
                            _ => None,
                        };
                        let res = app
                            .send(method, &path, c.cookie.as_deref(), &[], body)
                            .await;
                        let got = res.status;
                        let ok = if method == "GET" || path.starts_with("/api/") {
                            StatusCode::OK
                        } else if case_work_post {
                            // Done (or, once the request is accepted, "someone came first").
                            StatusCode::SEE_OTHER
                        } else if path == "/lots/vecka" {
                            // A new calendar link, shown on the page (it needs no input).
                            StatusCode::OK
                        } else {
                            // The posts are sent empty: allowed callers get "fix this" (422).
                            StatusCode::UNPROCESSABLE_ENTITY
                        };
                        let expected = match (rule, c.role) {
                            (Rule::Public, _) => None,
                            (Rule::SecretAddress, _) => Some(StatusCode::NOT_FOUND),
                            (Rule::Login, _) => Some(StatusCode::UNAUTHORIZED),
                            (_, None) => Some(StatusCode::UNAUTHORIZED),
                            (Rule::SignedIn, Some(_)) => Some(ok),
                            (Rule::Needs(p) | Rule::NeedsRecord(p), Some(r)) if !r.can(p) => {
                                Some(StatusCode::FORBIDDEN)
                            }
                            (Rule::NeedsRecord(_), Some(_)) if c.other_team => {
                                Some(StatusCode::NOT_FOUND)
                            }
                            (_, Some(_)) => Some(ok),
                        };
                        // A refused caller changed nothing (not only the status says so).
                        if matches!(
                            expected,
                            Some(
                                StatusCode::UNAUTHORIZED
                                    | StatusCode::FORBIDDEN
                                    | StatusCode::NOT_FOUND
                            )
                        ) {
                            assert_eq!(
                                snapshot(&app).await,
                                now,
                                "{method} {path} as {} changed something",
                                c.label
                            );
                        }
                        match expected {
                            Some(e) => assert_eq!(
                                got,
                                e,
                                "{method} {path} as {}: {}",
                                c.label,
                                &res.body[..res.body.len().min(300)]
                            ),
                            None => assert!(
                                got != StatusCode::UNAUTHORIZED
                                    && got != StatusCode::FORBIDDEN
                                    && !got.is_server_error(),
                                "{method} {path} as {}: {got}",
                                c.label
                            ),
                        }
                        // Team A's requests reach nobody but team A's case workers.
                        if c.label != "navigator" {
                            assert!(
                                !res.body.contains("Matrisa") && !res.body.contains("Hemlig"),
                                "{method} {path} as {} leaked a resident's request",
                                c.label
                            );
                        } else if path == "/lots/inkorg"
                            || path == "/api/inbox/list"
                            || path == "/api/inbox/request"
                            || (about_request && method == "GET")
                        {
                            assert!(res.body.contains("Matrisa"), "{method} {path}: the inbox");
                        }
                        // The personnummer, even masked, reaches nobody but team A's case workers.
                        let case_worker =
                            c.role.is_some_and(|r| r.can(Permission::CaseWork)) && !c.other_team;
                        if !case_worker {
                            assert!(
                                !res.body.contains("19811218"),
                                "{method} {path} as {} leaked a personnummer",
                                c.label
                            );
                        }
                        // Team A's staff details reach nobody but team A's admin.
                        if c.label != "admin" {
                            assert!(
                                !res.body.contains("lots@a.se"),
                                "{method} {path} as {} leaked personal data",
                                c.label
                            );
                            assert!(
                                !res.body.contains("analys@a.se"),
                                "{method} {path} as {} leaked personal data",
                                c.label
                            );
                        }
                    }
                }
            }
        },
    )
    .await;
}
