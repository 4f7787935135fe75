//! `TestApp`: the application on a fresh database, and helpers to send it requests.
use app::models::ids::{StaffId, TeamId};
use app::ssr::infra::secret::Secret;
use app::ssr::infra::settings::Settings;
use app::ssr::repo::entities::contact_request;
use app::ssr::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::ConnectInfo;
use axum::Router;
use http::{HeaderMap, Request, StatusCode};
use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};
use std::net::SocketAddr;
use std::path::PathBuf;
use tower::ServiceExt;

pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// `HALSOLOTS_KEY` for the binary on the test database at `url`: the key `Settings::for_database`
/// gives the test apps (the binary refuses a database whose audit log another key chains).
pub fn key_hex(url: &str) -> String {
    app::ssr::infra::digest::sha256_hex(url.as_bytes())
}

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: Db,
    // Last, so the pool in `state` is gone before the database is removed.
    _cleanup: Cleanup,
}

pub enum Cleanup {
    /// Another `TestApp` owns the database.
    Nothing,
    Dir(PathBuf),
    PgDatabase(String),
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Nothing => {}
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase(name) => {
                let name = name.clone();
                // Drop runs inside the test's runtime; use a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async move {
                        if let Ok(admin) = Database::connect(PG_ADMIN_URL).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("halsolots")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build()
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        &app::ssr::infra::random::form_key().unwrap()[..16]
    )
}

/// A fresh SQLite file or PostgreSQL database. `None` when PostgreSQL is not reachable and the
/// run does not require it (CI sets HALSOLOTS_REQUIRE_POSTGRES=1, so there it fails instead).
pub async fn fresh_database_url(db: Db) -> Option<(String, Cleanup)> {
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(unique("halsolots_test"));
            std::fs::create_dir_all(&dir).unwrap();
            Some((
                format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
                Cleanup::Dir(dir),
            ))
        }
        Db::Postgres => {
            let admin = match Database::connect(PG_ADMIN_URL).await {
                Ok(a) => a,
                Err(e) => {
                    if std::env::var("HALSOLOTS_REQUIRE_POSTGRES").is_ok() {
                        panic!("PostgreSQL is required but not reachable at {PG_ADMIN_URL}: {e}");
                    }
                    eprintln!("skipping PostgreSQL: not reachable at {PG_ADMIN_URL}");
                    return None;
                }
            };
            let name = unique("halsolots_t");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            Some((
                format!("postgres://postgres@127.0.0.1:5432/{name}"),
                Cleanup::PgDatabase(name),
            ))
        }
    }
}

impl TestApp {
    pub async fn spawn(db: Db, tweak: &dyn Fn(&mut Settings)) -> Option<TestApp> {
        let (url, cleanup) = fresh_database_url(db).await?;
        let mut app = TestApp::spawn_on(&url, db, tweak).await;
        app._cleanup = cleanup;
        Some(app)
    }

    pub async fn call(&self, mut req: Request<Body>, ip: &str) -> TestResponse {
        // IPv6 too: `::ffff:192.0.2.1` is how a dual-stack listener reports an IPv4 client.
        let addr = SocketAddr::new(ip.parse().unwrap(), 40000);
        req.extensions_mut().insert(ConnectInfo(addr));
        let what = format!("{} {}", req.method(), req.uri());
        // A request that never finishes is a bug: name it instead of hanging the run.
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            self.router.clone().oneshot(req),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer within 30 s on {:?}", self.db))
        .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Request::get(path).body(Body::empty()).unwrap(), "127.0.0.1")
            .await
    }

    pub async fn get_with(&self, path: &str, header: (&str, &str)) -> TestResponse {
        self.call(
            Request::get(path)
                .header(header.0, header.1)
                .body(Body::empty())
                .unwrap(),
            "127.0.0.1",
        )
        .await
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_form(&self, path: &str, body: impl Into<Body>) -> TestResponse {
        self.post_form_from(path, body, "127.0.0.1").await
    }

    pub async fn post_form_from(
        &self,
        path: &str,
        body: impl Into<Body>,
        ip: &str,
    ) -> TestResponse {
        let req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(body.into())
            .unwrap();
        self.call(req, ip).await
    }

    /// The hydrated form's call: the `submit_contact` server function with a JSON body.
    pub async fn post_server_fn(&self, json: &str) -> TestResponse {
        let req = Request::post("/api/contact/submit")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.call(req, "127.0.0.1").await
    }

    pub async fn stored_requests(&self) -> u64 {
        contact_request::Entity::find()
            .count(&self.state.db)
            .await
            .unwrap()
    }

    pub async fn all_requests(&self) -> Vec<contact_request::Model> {
        contact_request::Entity::find()
            .all(&self.state.db)
            .await
            .unwrap()
    }
}

/// Runs `test` once on SQLite and once on PostgreSQL, each on a fresh database.
pub async fn on_each_db<F, Fut>(tweak: impl Fn(&mut Settings), test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in [Db::Sqlite, Db::Postgres] {
        if let Some(app) = TestApp::spawn(db, &tweak).await {
            test(app).await;
        }
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// URL-encodes name/value pairs for a form body.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A name made of letters only (names may not hold digits), different for each `n`.
pub fn letters_name(n: usize) -> String {
    let digits: String = n
        .to_string()
        .chars()
        .map(|d| (b'a' + d.to_digit(10).unwrap_or(0) as u8) as char)
        .collect();
    format!("Anna {}{}", digits[..1].to_uppercase(), &digits[1..])
}

/// A valid submission of each form.
pub fn valid_self() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "Anna"),
        ("phone", "070-123 45 67"),
        ("call_time", "morning"),
        ("interests", "culture"),
        ("help", "Träffa nya människor"),
        ("consent", "yes"),
    ]
}

pub fn valid_friend() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "Eva"),
        ("email", "eva@exempel.se"),
        ("relation", "friend"),
        ("person_name", "Karl"),
        ("person_phone", "0491-123 45"),
        ("person_agrees", "yes"),
        ("consent", "yes"),
    ]
}

pub fn valid_professional() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "Dr Lind"),
        ("organisation", "Högsby vårdcentral"),
        ("phone", "010-356 51 25"),
        ("person_name", "Olle"),
        ("person_phone", "+46 70 111 22 33"),
        ("reasons", "loneliness"),
        ("reasons", "life_change"),
        ("person_consented", "yes"),
        ("feedback", "no"),
    ]
}

/// Each form's path with a valid submission.
pub fn valid_forms() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        ("/kontakt", valid_self()),
        ("/kontakt/for-nagon-annan", valid_friend()),
        ("/remiss", valid_professional()),
    ]
}

/// The password every test account gets.
pub const PASSWORD: &str = "hästar springer fort";

/// Test accounts of a team: (role, e-mail, name).
pub fn people(team: &str) -> Vec<(app::models::staff::Role, String, String)> {
    use app::models::staff::Role;
    vec![
        (
            Role::Admin,
            format!("admin@{team}.se"),
            format!("Alva Admin {}", team.to_uppercase()),
        ),
        (
            Role::Navigator,
            format!("lots@{team}.se"),
            format!("Nora Lots {}", team.to_uppercase()),
        ),
        (
            Role::Analyst,
            format!("analys@{team}.se"),
            format!("Ivar Analys {}", team.to_uppercase()),
        ),
    ]
}

impl TestApp {
    /// Like `spawn`, but on an existing database (a second app instance on the same data).
    pub async fn spawn_on(url: &str, db: Db, tweak: &dyn Fn(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_database(url);
        settings.form_rate_limit_per_hour = 0;
        tweak(&mut settings);
        let state = server::startup::build_state(settings, leptos_options())
            .await
            .unwrap();
        TestApp {
            router: server::startup::router(state.clone()),
            state,
            db,
            _cleanup: Cleanup::Nothing,
        }
    }

    /// Adds an account as `halsolots user add` does. Returns its id.
    pub async fn add_staff(
        &self,
        team_id: TeamId,
        role: app::models::staff::Role,
        email: &str,
        name: &str,
    ) -> StaffId {
        let new = app::models::staff::NewStaff {
            name: name.into(),
            email: email.into(),
            role,
        };
        let (db, passwords) = (&self.state.db, &self.state.passwords);
        let password = Secret::new(PASSWORD.to_string());
        app::ssr::services::staff::create_from_console(db, passwords, team_id, new, password)
            .await
            .unwrap()
    }

    /// A self-referral from `name` with `phone`, as the public form posts it; the stored request.
    pub async fn self_referral(&self, name: &str, phone: &str) -> contact_request::Model {
        use sea_orm::{ColumnTrait, QueryFilter};
        let res = self
            .post_form(
                "/kontakt",
                encode(&[
                    ("name", name),
                    ("phone", phone),
                    ("call_time", "morning"),
                    ("consent", "yes"),
                ]),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        contact_request::Entity::find()
            .filter(contact_request::Column::PersonName.eq(name))
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("the request just sent")
    }

    /// Accepts `r` into a case as the navigator behind `cookie`; the case's id.
    pub async fn accept_request(&self, cookie: &str, r: &contact_request::Model) -> i64 {
        let res = self
            .post_as(
                &format!("/lots/inkorg/{}/acceptera", r.id),
                Some(cookie),
                &[("version", &r.version.to_string())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res.location()
            .trim_start_matches("/lots/deltagare/")
            .parse()
            .expect("a redirect to the new case")
    }

    /// The case-work proof a form post's check makes for the navigator behind `cookie`.
    pub async fn case_work_proof(
        &self,
        cookie: &str,
    ) -> app::ssr::auth::proof::Proof<app::ssr::auth::proof::CaseWork> {
        let (parts, ()) = Request::get("/lots")
            .header("cookie", cookie)
            .body(())
            .unwrap()
            .into_parts();
        let s = &self.state;
        app::ssr::auth::proof::require(&s.db, &s.settings.access, &parts, s.clock.now())
            .await
            .unwrap()
    }

    /// A second team in the same installation. Returns its id.
    pub async fn other_team(&self, slug: &str) -> TeamId {
        // As an operator adds one: `halsolots team add` on the console, in its own process.
        let name = format!("Team {slug}");
        // The console wants 2–40 characters; tests name teams by a letter.
        let slug = &format!("team-{slug}");
        let out = halsolots(
            self,
            &[
                "team",
                "add",
                "--slug",
                slug,
                "--name",
                &name,
                "--municipality",
                "Annanby kommun",
            ],
        );
        assert!(out.status.success(), "team add: {}", stderr(&out));
        use app::ssr::repo::entities::team;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        team::Entity::find()
            .filter(team::Column::Slug.eq(slug))
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("the team the console added")
            .id
    }

    /// Logs in; returns the response.
    pub async fn login_with(
        &self,
        email: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> TestResponse {
        let mut req = Request::post("/lots/logga-in")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let body = encode(&[("email", email), ("password", password), ("next", "/lots")]);
        self.call(req.body(Body::from(body)).unwrap(), "127.0.0.1")
            .await
    }

    /// Logs in with the test password and returns the session cookie (`name=token`).
    pub async fn login(&self, email: &str) -> String {
        let res = self.login_with(email, PASSWORD, None).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {email}: {}",
            res.body
        );
        session_cookie(&res).expect("a session cookie")
    }

    /// A request with an optional session cookie and extra headers.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some((content_type, b)) => {
                req = req.header("content-type", content_type);
                Body::from(b)
            }
            None => Body::empty(),
        };
        self.call(req.body(body).unwrap(), "127.0.0.1").await
    }

    /// A form post with a session cookie.
    pub async fn post_as(
        &self,
        path: &str,
        cookie: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> TestResponse {
        let body = ("application/x-www-form-urlencoded", encode(pairs));
        self.send("POST", path, cookie, &[], Some(body)).await
    }

    /// The audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        use app::ssr::repo::entities::audit_log;
        use sea_orm::QueryOrder;
        audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Seq)
            .all(&self.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action.as_str().to_string())
            .collect()
    }
}

/// `name=token` from a response's `Set-Cookie` for the session.
pub fn session_cookie(res: &TestResponse) -> Option<String> {
    res.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("halsolots_sid=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// Runs `halsolots ARGS` on the test app's database with its key.
pub fn halsolots(app: &TestApp, args: &[&str]) -> std::process::Output {
    let url = &app.state.settings.database_url;
    std::process::Command::new(env!("CARGO_BIN_EXE_halsolots"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("HALSOLOTS_KEY", key_hex(url))
        .output()
        .unwrap()
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// How many migrations `Migrator::down` must undo to undo the one whose name ends with `suffix`
/// (and every one after it): later migrations do not change what a test means.
pub fn migrations_back_to(suffix: &str) -> u32 {
    use migrations::{Migrator, MigratorTrait};
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let at = names
        .iter()
        .position(|n| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("no migration named …{suffix}"));
    u32::try_from(names.len() - at).unwrap()
}
