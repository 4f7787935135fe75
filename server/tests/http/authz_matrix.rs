//! The authorisation matrix: every server function and every staff route × every kind of caller.
//! The lists come from the running app (registered server functions, the router's routes), so a
//! new endpoint without a rule here fails the test.
use super::support::*;
use app::models::staff::{Permission, Role};
use http::StatusCode;

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
    for (path, _) in server::startup::staff_posts() {
        out.push(("POST".into(), path.to_string()));
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
                let request = app.all_requests().await.remove(0);
                // Logout last: it ends the caller's session.
                let mut ordered = all.clone();
                ordered.sort_by_key(|(_, p)| p == "/lots/logga-ut");
                for (method, pattern) in &ordered {
                    let rule = rule(method, pattern).unwrap();
                    // A contact request's page and actions are about team A's request.
                    let about_request = pattern.starts_with("/lots/inkorg/");
                    let id = if about_request { request.id } else { target.0 };
                    let path = pattern.replace("{id}", &id.to_string());
                    for c in &callers {
                        let allowed =
                            c.role.is_some_and(|r| r.can(Permission::CaseWork)) && !c.other_team;
                        let body = match path.as_str() {
                            "/api/inbox/request" => Some((
                                "application/x-www-form-urlencoded",
                                format!("id={}", request.id),
                            )),
                            // A valid change for every refused caller (it must change nothing);
                            // the allowed caller sends one without its reason: "fix this".
                            _ if about_request && method == "POST" => Some((
                                "application/x-www-form-urlencoded",
                                if allowed {
                                    "action=decline&version=1".to_string()
                                } else {
                                    "action=unreachable&version=1".to_string()
                                },
                            )),
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
                        } else {
                            // The posts are sent empty: allowed callers get "fix this" (422).
                            StatusCode::UNPROCESSABLE_ENTITY
                        };
                        let expected = match (rule, c.role) {
                            (Rule::Public, _) => None,
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
                        // A refused caller changed nothing of the request (nor did the allowed
                        // caller's incomplete post).
                        if about_request || path == "/api/inbox/request" {
                            let now = app.all_requests().await.remove(0);
                            assert_eq!(now, request, "{method} {path} as {} changed it", c.label);
                            use sea_orm::{EntityTrait, PaginatorTrait};
                            let events =
                                app::ssr::repo::entities::contact_request_event::Entity::find()
                                    .count(&app.state.db)
                                    .await
                                    .unwrap();
                            assert_eq!(events, 0, "{method} {path} as {}", c.label);
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
