//! Staff access: login, sessions, throttling, cross-site refusal, security headers, and sessions
//! shared by two app instances.
use super::support::*;
use app::models::staff::Role;
use http::StatusCode;

/// The message inside the error summary, for comparing two answers.
fn summary(body: &str) -> String {
    let start = body.find("error-summary").expect("an error summary");
    let rest = &body[start..];
    let end = rest.find("</ul>").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_rotates_the_session_and_logout_ends_it() {
    on_each_db(
        |_| {},
        |app| async move {
            let team = app.state.team_id;
            app.add_staff(team, Role::Admin, "admin@a.se", "Alva Admin")
                .await;

            let anonymous = app.get("/lots").await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
            assert!(anonymous.body.contains(r#"action="/lots/logga-in""#));

            let wrong_password = app.login_with("admin@a.se", "fel lösenord här", None).await;
            let unknown_email = app.login_with("nobody@a.se", PASSWORD, None).await;
            assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
            assert_eq!(unknown_email.status, wrong_password.status);
            assert!(wrong_password
                .body
                .contains("Fel e-postadress eller lösenord"));
            assert_eq!(summary(&wrong_password.body), summary(&unknown_email.body));
            assert!(session_cookie(&wrong_password).is_none());
            assert!(
                !wrong_password.body.contains("fel lösenord här"),
                "passwords are never echoed"
            );

            let first = app.login_with("admin@a.se", PASSWORD, None).await;
            assert_eq!(first.status, StatusCode::SEE_OTHER);
            assert_eq!(first.location(), "/lots");
            let set = first.header("set-cookie");
            assert!(
                set.contains("HttpOnly") && set.contains("SameSite=Lax"),
                "{set}"
            );
            let a = session_cookie(&first).unwrap();
            let inside = app.send("GET", "/lots", Some(&a), &[], None).await;
            assert_eq!(inside.status, StatusCode::OK);
            assert!(inside.body.contains("Alva Admin"));

            // Logging in again with the old cookie: a new id, and the old one is dead.
            let second = app.login_with("ADMIN@a.se", PASSWORD, Some(&a)).await;
            let b = session_cookie(&second).unwrap();
            assert_ne!(a, b);
            assert_eq!(
                app.send("GET", "/lots", Some(&a), &[], None).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                app.send("GET", "/lots", Some(&b), &[], None).await.status,
                StatusCode::OK
            );

            let out = app.post_as("/lots/logga-ut", Some(&b), &[]).await;
            assert_eq!(out.status, StatusCode::SEE_OTHER);
            assert!(out.header("set-cookie").contains("Max-Age=0"));
            assert_eq!(
                app.send("GET", "/lots", Some(&b), &[], None).await.status,
                StatusCode::UNAUTHORIZED
            );
            let me = app.send("POST", "/api/staff/me", Some(&b), &[], None).await;
            assert_eq!(me.status, StatusCode::UNAUTHORIZED);

            let actions = app.audit_actions().await;
            let count = |a: &str| actions.iter().filter(|x| *x == a).count();
            assert_eq!(count("login.failed"), 2);
            assert_eq!(count("login"), 2);
            assert_eq!(count("logout"), 1);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_engages_and_releases() {
    let tweak = |s: &mut app::ssr::infra::settings::Settings| {
        s.access.account_failures = 3;
        s.access.lock_base = chrono::TimeDelta::seconds(1);
    };
    on_each_db(tweak, |app| async move {
        app.add_staff(app.state.team_id, Role::Navigator, "lots@a.se", "Nora Lots")
            .await;
        for _ in 0..3 {
            let r = app.login_with("lots@a.se", "fel lösenord här", None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        // Locked: even the right password waits, and the message says how long.
        let locked = app.login_with("lots@a.se", PASSWORD, None).await;
        assert_eq!(
            locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            locked.body
        );
        assert!(
            locked.body.contains("Vänta 1 min"),
            "{}",
            summary(&locked.body)
        );
        assert!(!locked.header("retry-after").is_empty());
        // An unknown address is throttled the same way (nothing tells which accounts exist).
        for _ in 0..3 {
            app.login_with("okand@a.se", "fel lösenord här", None).await;
        }
        assert_eq!(
            app.login_with("okand@a.se", "x", None).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );

        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let released = app.login_with("lots@a.se", PASSWORD, None).await;
        assert_eq!(released.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_expired_sessions_are_refused() {
    type Tweak = fn(&mut app::ssr::infra::settings::Settings);
    let idle: Tweak = |s| s.access.session_idle = chrono::TimeDelta::seconds(1);
    // Used well within the idle time, but over after its absolute lifetime.
    let max: Tweak = |s| s.access.session_max = chrono::TimeDelta::seconds(1);
    for tweak in [idle, max] {
        on_each_db(tweak, |app| async move {
            app.add_staff(app.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let c = app.login("admin@a.se").await;
            assert_eq!(
                app.send("GET", "/lots", Some(&c), &[], None).await.status,
                StatusCode::OK
            );
            tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
            assert_eq!(
                app.send("GET", "/lots", Some(&c), &[], None).await.status,
                StatusCode::UNAUTHORIZED
            );
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused_even_with_a_valid_session() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let c = app.login("admin@a.se").await;
            let body = encode(&[
                ("name", "Mallory Fake"),
                ("email", "m@evil.se"),
                ("role", "admin"),
            ]);
            let form = || Some(("application/x-www-form-urlencoded", body.clone()));
            for headers in [
                vec![("origin", "https://evil.example"), ("host", "localhost")],
                vec![("sec-fetch-site", "cross-site")],
                vec![("sec-fetch-site", "same-site")],
            ] {
                let r = app
                    .send("POST", "/lots/admin", Some(&c), &headers, form())
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
            }
            // The public forms are protected the same way.
            let r = app
                .send(
                    "POST",
                    "/kontakt",
                    None,
                    &[("sec-fetch-site", "cross-site")],
                    Some(("application/x-www-form-urlencoded", encode(&valid_self()))),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            assert_eq!(app.stored_requests().await, 0);
            let created = app.audit_actions().await;
            let created = created.iter().filter(|x| *x == "staff.create").count();
            assert_eq!(created, 1, "only the console's own account");

            let same = vec![
                ("origin", "http://localhost"),
                ("host", "localhost"),
                ("sec-fetch-site", "same-origin"),
            ];
            let r = app
                .send("POST", "/lots/admin", Some(&c), &same, form())
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_public_and_staff_pages() {
    on_each_db(
        |_| {},
        |app| async move {
            app.add_staff(app.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let c = app.login("admin@a.se").await;
            for (path, cookie, private) in [
                ("/", None, false),
                ("/kontakt", None, false),
                ("/lots/logga-in", None, true),
                ("/lots", None, true),
                ("/lots/admin", Some(c.as_str()), true),
                ("/lots/admin/logg", Some(c.as_str()), true),
            ] {
                let r = app.send("GET", path, cookie, &[], None).await;
                let csp = r.header("content-security-policy");
                assert!(
                    csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
                    "{path}: {csp}"
                );
                let nonce = csp
                    .split("'nonce-")
                    .nth(1)
                    .and_then(|s| s.split('\'').next())
                    .expect("a nonce");
                assert!(!csp.contains("'unsafe-inline'"));
                // Every inline script in the page carries this response's nonce.
                for script in r.body.split("<script").skip(1) {
                    let tag = script.split('>').next().unwrap_or("");
                    assert!(
                        tag.contains("application/json")
                            || tag.contains(&format!("nonce=\"{nonce}\""))
                            || tag.contains("src="),
                        "{path}: <script{tag}>"
                    );
                }
                assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
                assert_eq!(r.header("x-frame-options"), "DENY", "{path}");
                assert_eq!(r.header("referrer-policy"), "same-origin", "{path}");
                assert!(
                    r.header("permissions-policy").contains("camera=()"),
                    "{path}"
                );
                assert_eq!(r.header("cache-control") == "no-store", private, "{path}");
                assert!(
                    r.header("strict-transport-security").is_empty(),
                    "no HSTS over plain HTTP"
                );
            }
            let me = app.send("POST", "/api/staff/me", Some(&c), &[], None).await;
            assert_eq!(me.status, StatusCode::OK);
            assert_eq!(me.header("cache-control"), "no-store");
        },
    )
    .await;
    // Over HTTPS: HSTS and a Secure, __Host- cookie.
    on_each_db(
        |s| s.access.https = true,
        |app| async move {
            app.add_staff(app.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            let r = app.login_with("admin@a.se", PASSWORD, None).await;
            let set = r.header("set-cookie");
            assert!(
                set.starts_with("__Host-halsolots_sid=") && set.contains("; Secure"),
                "{set}"
            );
            assert!(r.header("strict-transport-security").contains("max-age="));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_on_postgresql() {
    let Some((url, _cleanup)) = fresh_database_url(Db::Postgres).await else {
        return;
    };
    let one = TestApp::spawn_on(&url, Db::Postgres, &|_| {}).await;
    let two = TestApp::spawn_on(&url, Db::Postgres, &|_| {}).await;
    one.add_staff(one.state.team_id, Role::Admin, "admin@a.se", "Alva Admin")
        .await;
    let c = one.login("admin@a.se").await;
    let page = two.send("GET", "/lots/admin", Some(&c), &[], None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("admin@a.se"));
    // Act through instance two; the change is visible through instance one.
    let added = two
        .post_as(
            "/lots/admin",
            Some(&c),
            &[
                ("name", "Nora Lots"),
                ("email", "lots@a.se"),
                ("role", "navigator"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert!(one
        .send("GET", "/lots/admin", Some(&c), &[], None)
        .await
        .body
        .contains("lots@a.se"));
    // Log out through one; two refuses the session.
    one.post_as("/lots/logga-ut", Some(&c), &[]).await;
    assert_eq!(
        two.send("GET", "/lots/admin", Some(&c), &[], None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    drop(one);
    drop(two);
}
