//! Building the application (state and routes) and serving it with a graceful shutdown.
use crate::config::Config;
use crate::middleware;
use crate::routes::{cases, forms, health, requests, staff, week};
use crate::security;
use app::ssr::infra::db;
use app::ssr::infra::keys::Keys;
use app::ssr::infra::settings::Settings;
use app::ssr::repo::teams;
use app::ssr::shell::shell;
use app::ssr::state::AppState;
use app::App;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use http::header::CACHE_CONTROL;
use http::{HeaderValue, StatusCode};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Connects, migrates and registers the team: everything before the first request. Any failure
/// stops the start (a database that does not answer, a password hasher that cannot be made).
pub async fn build_state(
    settings: Settings,
    leptos: LeptosOptions,
) -> Result<AppState, Box<dyn std::error::Error>> {
    // The key first: without it nothing that it protects can be read, so do not start at all.
    let keys = Keys::load(&settings.key)?;
    let conn = db::connect(&settings.database_url).await?;
    db::migrate(&conn).await?;
    app::ssr::services::key_adoption::adopt(&conn, &keys).await?;
    let team_id = teams::ensure_team(&conn, &settings.team).await?;
    let state = AppState::new(conn, settings, team_id, leptos, keys)?;
    state.teams.refresh(&state.db).await?;
    Ok(state)
}

/// All routes: Leptos pages and server functions, the plain-HTML form posts, health checks and
/// static files, wrapped in the middleware every response gets.
pub fn router(state: AppState) -> Router {
    with_layers(routes_of(&state), state)
}

/// The routes without the middleware (tests add a route of their own, then `with_layers`).
pub fn routes_of(state: &AppState) -> Router<AppState> {
    let routes = routes();
    let site_root = Path::new(state.leptos.site_root.as_ref()).to_path_buf();
    let pkg = site_root.join(state.leptos.site_pkg_dir.as_ref());
    let context_state = state.clone();
    let leptos_context = move || provide_context(context_state.clone());
    let fallback_state = state.clone();

    let mut router = Router::new();
    for (path, handler) in staff_posts()
        .into_iter()
        .chain(case_posts())
        .chain(feed_routes())
    {
        router = router.route(path, handler);
    }
    router
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/kontakt", post(forms::post_form))
        .route("/kontakt/for-nagon-annan", post(forms::post_form))
        .route("/remiss", post(forms::post_form))
        .leptos_routes_with_context(state, routes, leptos_context, {
            let options = state.leptos.clone();
            move || shell(options.clone())
        })
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                // Files are not content-hashed: let browsers keep them but check for changes.
                .layer(SetResponseHeaderLayer::overriding(
                    CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                .service(ServeDir::new(pkg).precompressed_br().precompressed_gzip()),
        )
        .route_service(
            "/favicon.svg",
            ServeFile::new(site_root.join("favicon.svg")),
        )
        .fallback(move |req: Request| not_found(State(fallback_state.clone()), req))
}

/// The middleware every response gets, around `routes`.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let timeout = state.settings.request_timeout;
    routes
        .layer(axum::middleware::from_fn(security::same_site_only))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::client_ip))
        .layer(axum::middleware::from_fn(middleware::language))
        .layer(axum::middleware::from_fn(middleware::server_fn_client_errors))
        .layer(DefaultBodyLimit::max(forms::FORM_BODY_LIMIT))
        .layer(CompressionLayer::new())
        // A request unanswered after `timeout` gets 503 (a retry may help) and its work is
        // dropped, so nothing holds a connection, or the shutdown, forever.
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        // Log method, path and outcome only: no query strings, headers or bodies (personal data).
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("request", method = %req.method(), path = %logged_path(req.uri().path()))
        }))
        .with_state(state)
}

/// A path as the log shows it: a calendar feed's secret is left out (whoever reads the log could
/// otherwise read that member's calendar).
fn logged_path(path: &str) -> &str {
    if path.starts_with(week::FEED_PREFIX) {
        week::FEED_PREFIX
    } else {
        path
    }
}

/// The app's page routes, listed once per process. Listing renders the app in a special mode;
/// doing it again while other requests render (as tests that build several routers did) left
/// some of those renders waiting forever.
pub fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The staff workspace's form posts (the authorisation matrix test walks this list).
pub fn staff_posts() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/lots/logga-in", post(staff::login)),
        ("/lots/logga-in/kod", post(staff::login_code)),
        ("/lots/tvastegs", post(staff::two_factor)),
        ("/lots/logga-ut", post(staff::logout)),
        ("/lots/byt-losenord", post(staff::change_password)),
        ("/lots/admin", post(staff::add_staff)),
        ("/lots/admin/personal/{id}", post(staff::change_staff)),
        ("/lots/admin/installningar", post(staff::save_settings)),
        ("/lots/inkorg/{id}", post(requests::act)),
    ]
}

/// The case work's form posts (the authorisation matrix test walks this list too).
pub fn case_posts() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/lots/inkorg/{id}/acceptera", post(cases::accept)),
        ("/lots/inkorg/{id}/dubblett", post(cases::duplicate)),
        ("/lots/deltagare/{id}", post(cases::change)),
        ("/lots/vecka", post(week::renew_feed)),
    ]
}

/// The calendar feeds, reached with a secret address instead of a login (the authorisation
/// matrix test walks this list too).
pub fn feed_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/kalender/{file}", get(week::feed))]
}

/// Any other path: the app's "page not found" (status 404, in the reader's language).
async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || provide_context(state.clone()),
        move || shell(options.clone()),
    );
    handler(req).await
}

/// Serves until SIGINT or SIGTERM; requests in flight are finished first, for at most the
/// shutdown grace period.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(warning) = config.https_warning() {
        tracing::warn!("{warning}");
    }
    let state = build_state(config.settings.clone(), config.leptos.clone()).await?;
    state.teams.keep_fresh(state.db.clone());
    // End-to-end tests move a running server's clock through a file; never set in production.
    let clock_file = std::env::var_os("HALSOLOTS_CLOCK_FILE").map(|p| {
        tracing::warn!(
            "HALSOLOTS_CLOCK_FILE is set: the server's clock follows a file (tests only)"
        );
        state.clock.follow_file(p.into())
    });
    // Only a serving instance runs background jobs (not `migrate` or the console commands).
    let jobs = app::ssr::jobs::start(state.clone());
    if config.demo_data {
        let added = crate::demo_data::load(&state).await?;
        tracing::info!(added, "demo data");
        crate::demo_data::print_accounts(&crate::demo_data::accounts(&state).await?);
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let (grace, header_timeout) = (state.settings.shutdown_grace, state.settings.header_timeout);
    serve_until_with(
        listener,
        router(state),
        shutdown_signal(),
        grace,
        header_timeout,
    )
    .await?;
    jobs.abort();
    if let Some(task) = clock_file {
        task.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// How long a connection may take to send a request's headers when `serve_until` is not told.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` until `stop` completes, then lets requests in flight finish for at most `grace`:
/// a request that hangs cannot keep the process from stopping. Headers must arrive within
/// `HEADER_TIMEOUT` (see `serve_until_with`).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    serve_until_with(listener, app, stop, grace, HEADER_TIMEOUT).await
}

/// `serve_until`, closing any connection that has not sent a request's headers within
/// `header_timeout` (hyper's header read timeout). `axum::serve` gives no way to set it and runs
/// hyper without a timer, so a client sending its headers a byte at a time held a connection and
/// a task forever; hence this small accept loop of our own, which otherwise does what
/// `axum::serve` does (HTTP/1, the peer address as `ConnectInfo`, graceful shutdown). Bodies have
/// their own deadline where they are read (`Settings::body_timeout`), and every request the
/// whole-request timeout (`Settings::request_timeout`). A connection that sends nothing at all
/// between requests is not cut off by hyper; a reverse proxy in front is the place for limits
/// on idle connections.
pub async fn serve_until_with(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
    header_timeout: Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        // Finished connections leave the set, so it holds only live ones.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(conn) => conn,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service =
            app.clone()
                .map_request(move |mut req: http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
        let mut closing = closing_rx.clone();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = closing.changed() => {
                    // Finish the request in flight, then close (an idle connection closes now).
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            ?grace,
            "requests still running after the grace period; stopping anyway"
        );
        connections.abort_all();
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
