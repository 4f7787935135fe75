//! A bare form server: `POST /kontakt` (urlencoded) → one INSERT, committed on its own → 303.
//! SQLite in WAL mode with `synchronous=FULL` (every acknowledged request is on disk) and a pool
//! of 8, or PostgreSQL with a pool of 16: the usual way to write such a server, as the yardstick.
//! `DATABASE_URL` picks the database, `LEPTOS_SITE_ADDR` the address (as for the project).
use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

#[derive(Deserialize)]
struct Submission {
    name: String,
    phone: String,
    call_time: String,
    interests: String,
    help: String,
    consent: String,
    key: String,
}

const SCHEMA_SQLITE: &str = "CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, phone TEXT NOT NULL,
    call_time TEXT NOT NULL, interests TEXT NOT NULL, help TEXT NOT NULL, consent BOOLEAN NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)";
const SCHEMA_PG: &str = "CREATE TABLE IF NOT EXISTS submissions (
    id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, phone TEXT NOT NULL,
    call_time TEXT NOT NULL, interests TEXT NOT NULL, help TEXT NOT NULL, consent BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now())";
const INSERT_SQLITE: &str =
    "INSERT INTO submissions (key, name, phone, call_time, interests, help, consent)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
const INSERT_PG: &str =
    "INSERT INTO submissions (key, name, phone, call_time, interests, help, consent)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

async fn submit(State(db): State<Db>, Form(s): Form<Submission>) -> impl IntoResponse {
    let consent = s.consent == "yes";
    // The same statement on either pool (their types differ, so a macro, not a function).
    macro_rules! insert {
        ($sql:expr, $pool:expr) => {
            sqlx::query_scalar($sql)
                .bind(&s.key)
                .bind(&s.name)
                .bind(&s.phone)
                .bind(&s.call_time)
                .bind(&s.interests)
                .bind(&s.help)
                .bind(consent)
                .fetch_one($pool)
                .await
        };
    }
    let id: Result<i64, sqlx::Error> = match &db {
        Db::Sqlite(pool) => insert!(INSERT_SQLITE, pool),
        Db::Pg(pool) => insert!(INSERT_PG, pool),
    };
    match id {
        Ok(id) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/kvitto/{id}"))],
        )
            .into_response(),
        Err(e) => {
            eprintln!("insert failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn readyz(State(db): State<Db>) -> StatusCode {
    let ok = match &db {
        Db::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
        Db::Pg(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
    };
    if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3400".into());
    let db = if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        sqlx::query(SCHEMA_SQLITE).execute(&pool).await?;
        Db::Sqlite(pool)
    } else {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(&url)
            .await?;
        sqlx::query(SCHEMA_PG).execute(&pool).await?;
        Db::Pg(pool)
    };
    let app = Router::new()
        .route("/kontakt", post(submit))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            term.recv().await;
        })
        .await?;
    Ok(())
}
