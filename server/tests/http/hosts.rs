//! Several municipalities on one installation, told apart by the host name, on SQLite and
//! PostgreSQL: a team added with `halsolots team add --host` gets its own start page, inbox and
//! receipts on that host; any other host is the default team's; `X-Forwarded-Host` counts only
//! from a trusted proxy; `team set-host` changes it; the teams are read from memory, not per
//! request.
use super::support::*;
use app::models::ids::TeamId;
use app::models::staff::Role;
use app::ssr::repo::entities::{contact_request, team};
use axum::body::Body;
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

/// A self-referral from `name`, posted without JavaScript with these headers from `peer`;
/// returns its reference code.
async fn refer(app: &TestApp, name: &str, headers: &[(&str, &str)], peer: &str) -> String {
    let mut req = Request::post("/kontakt")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = encode(&[
        ("name", name),
        ("phone", "070-123 45 67"),
        ("call_time", "morning"),
        ("consent", "yes"),
    ]);
    let res = app.call(req.body(Body::from(body)).unwrap(), peer).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location().trim_start_matches("/kvitto/").to_string()
}

/// The team that stored the request with `code`.
async fn team_of(app: &TestApp, code: &str) -> TeamId {
    TeamId(
        contact_request::Entity::find()
            .filter(contact_request::Column::ReferenceCode.eq(code))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no request {code}"))
            .team_id,
    )
}

async fn get_on(app: &TestApp, path: &str, host: &str) -> TestResponse {
    app.send("GET", path, None, &[("host", host)], None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_host_name_serves_its_own_team() {
    on_each_db(
        |s| {
            s.trusted_proxies =
                app::ssr::infra::net::TrustedProxies::parse("10.0.0.0/8").unwrap()
        },
        |app| async move {
            let app = app;
            let a = app.state.team_id;
            let out = halsolots(
                &app,
                &[
                    "team",
                    "add",
                    "--slug",
                    "bdal",
                    "--name",
                    "Hälsolotsen Bdal",
                    "--municipality",
                    "Bdals kommun",
                    "--phone",
                    "0491-777 88",
                    "--email",
                    "lots@bdal.example",
                    "--host",
                    "B.Example",
                ],
            );
            assert!(out.status.success(), "{}", stderr(&out));
            let b = team::Entity::find()
                .filter(team::Column::Slug.eq("bdal"))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(b.public_host.as_deref(), Some("b.example"));
            let b = b.id;
            let out = halsolots(&app, &["team", "list"]);
            assert!(
                stdout(&out).contains("bdal\tHälsolotsen Bdal\tBdals kommun\tb.example\t0\n"),
                "{}",
                stdout(&out)
            );
            assert!(stdout(&out).contains("demo\tHälsolotsen\tExempelby kommun\t-\t0\n"));
            // The console is another process: a running server reads the teams again within
            // `team_cache::REFRESH`; here at once.
            app.state.teams.refresh(&app.state.db).await.unwrap();

            // B's start page, privacy and accessibility pages on B's host (any case, any port).
            let home = get_on(&app, "/", "B.example:8443").await;
            assert_eq!(home.status, StatusCode::OK);
            assert!(home.body.contains("tel:+4649177788"), "{}", home.body);
            assert!(home.body.contains("lots@bdal.example"));
            assert!(!home.body.contains("halsolots@exempel.se"));
            for path in ["/integritet", "/tillganglighet"] {
                let page = get_on(&app, path, "b.example").await;
                assert!(page.body.contains("Bdals kommun"), "{path}");
                assert!(!page.body.contains("Exempelby kommun"), "{path}");
            }
            // Any other host: the default team's.
            for host in ["localhost:3000", "unknown.example", "b.example.evil"] {
                let home = get_on(&app, "/", host).await;
                assert!(home.body.contains("halsolots@exempel.se"), "{host}");
                assert!(!home.body.contains("lots@bdal.example"), "{host}");
            }
            assert!(app.get("/").await.body.contains("halsolots@exempel.se"));

            // A self-referral on B's host is B's; on any other host the default team's.
            let on_b = refer(&app, "Bertil Bdal", &[("host", "b.example")], "192.0.2.1").await;
            assert_eq!(team_of(&app, &on_b).await, b);
            let on_a = refer(&app, "Astrid Adal", &[("host", "localhost")], "192.0.2.1").await;
            assert_eq!(team_of(&app, &on_a).await, a);
            let unknown = refer(&app, "Ulla Okand", &[("host", "x.example")], "192.0.2.1").await;
            assert_eq!(team_of(&app, &unknown).await, a);
            // The hydrated form's server function too.
            let req = Request::post("/api/contact/submit")
                .header("host", "b.example")
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(Body::from(
                    r#"{"channel":"SelfReferral","form":[["name","Britt Bdal"],["phone","070-123 45 68"],["call_time","morning"],["consent","yes"]]}"#,
                ))
                .unwrap();
            let res = app.call(req, "192.0.2.2").await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            let britt = contact_request::Entity::find()
                .filter(contact_request::Column::PersonName.eq("Britt Bdal"))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(TeamId(britt.team_id), b);

            // A forged X-Forwarded-Host from a peer that is not our proxy is ignored…
            let forged = refer(
                &app,
                "Fredrik Falsk",
                &[("host", "localhost"), ("x-forwarded-host", "b.example")],
                "192.0.2.66",
            )
            .await;
            assert_eq!(team_of(&app, &forged).await, a);
            // …and our own proxy's is read.
            let proxied = refer(
                &app,
                "Petra Proxad",
                &[("host", "backend:3000"), ("x-forwarded-host", "b.example")],
                "10.0.0.5",
            )
            .await;
            assert_eq!(team_of(&app, &proxied).await, b);

            // Each team's inbox holds its own requests only.
            app.add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            app.add_staff(b, Role::Navigator, "lots@b.se", "Bo Lots")
                .await;
            let inbox_a = app
                .send("GET", "/lots/inkorg", Some(&app.login("lots@a.se").await), &[], None)
                .await;
            let inbox_b = app
                .send("GET", "/lots/inkorg", Some(&app.login("lots@b.se").await), &[], None)
                .await;
            // (The inbox lists first names.)
            for name in ["Bertil", "Britt", "Petra"] {
                assert!(inbox_b.body.contains(name), "{name} in B's inbox");
                assert!(!inbox_a.body.contains(name), "{name} not in A's inbox");
            }
            for name in ["Astrid", "Ulla", "Fredrik"] {
                assert!(inbox_a.body.contains(name), "{name} in A's inbox");
                assert!(!inbox_b.body.contains(name), "{name} not in B's inbox");
            }

            // A receipt is found on its own team's host only.
            let receipt = |code: &str| format!("/kvitto/{code}");
            assert_eq!(get_on(&app, &receipt(&on_b), "b.example").await.status, StatusCode::OK);
            assert_eq!(
                get_on(&app, &receipt(&on_b), "localhost").await.status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(get_on(&app, &receipt(&on_a), "localhost").await.status, StatusCode::OK);
            assert_eq!(
                get_on(&app, &receipt(&on_a), "b.example").await.status,
                StatusCode::NOT_FOUND
            );
            let lookup = |code: &str, host: &'static str| {
                let req = Request::post("/api/contact/receipt")
                    .header("host", host)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(format!("code={code}")))
                    .unwrap();
                app.call(req, "192.0.2.3")
            };
            assert_eq!(lookup(&on_a, "b.example").await.status, StatusCode::NOT_FOUND);
            assert_eq!(lookup(&on_a, "localhost").await.status, StatusCode::OK);

            // The pages read the teams from memory, not per request: a change behind the cache's
            // back shows only after the next read of the teams.
            team::Entity::update(team::ActiveModel {
                id: Set(b),
                email: Set("ny@bdal.example".into()),
                ..Default::default()
            })
            .exec(&app.state.db)
            .await
            .unwrap();
            for _ in 0..50 {
                let home = get_on(&app, "/", "b.example").await;
                assert!(home.body.contains("lots@bdal.example"));
            }
            app.state.teams.refresh(&app.state.db).await.unwrap();
            assert!(get_on(&app, "/", "b.example").await.body.contains("ny@bdal.example"));

            // `team set-host`: a host another team has is refused; `--none` gives B's host back
            // to the default team.
            let out = halsolots(&app, &["team", "add", "--slug", "cdal", "--name", "C", "--municipality", "C", "--host", "b.example"]);
            assert!(!out.status.success());
            assert!(stderr(&out).contains("--host: Another team already has that host name."), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "set-host", "--slug", "demo", "--host", "b.example"]);
            assert!(!out.status.success());
            assert!(stderr(&out).contains("--host: Another team already has that host name."), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "set-host", "--slug", "bdal", "--host", "b.example:80"]);
            assert!(!out.status.success());
            assert!(stderr(&out).contains("--host: Enter a host name"), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "set-host", "--slug", "nobody", "--none"]);
            assert!(stderr(&out).contains("--slug: no team \"nobody\""), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "set-host", "--slug", "bdal", "--none"]);
            assert!(out.status.success(), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "set-host", "--slug", "bdal", "--host", "halsolots.bdal.se"]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(stdout(&out).trim(), "Team bdal now answers on halsolots.bdal.se.");
            app.state.teams.refresh(&app.state.db).await.unwrap();
            assert!(get_on(&app, "/", "b.example").await.body.contains("halsolots@exempel.se"));
            assert!(get_on(&app, "/", "halsolots.bdal.se").await.body.contains("ny@bdal.example"));
            let actions = app.audit_actions().await;
            assert_eq!(
                actions.iter().filter(|a| *a == "team.update").count(),
                2,
                "each set-host is audited: {actions:?}"
            );
        },
    )
    .await;
}
