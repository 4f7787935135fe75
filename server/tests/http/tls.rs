//! PostgreSQL over TLS (rustls): `sslmode=require` encrypts the connection to this machine's
//! server (Debian's self-signed certificate); `sslmode=verify-ca` with a CA that did not sign the
//! server's certificate stops the start with a message that says so.
use super::support::*;
use sea_orm::ConnectionTrait;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_with_sslmode_require_is_encrypted() {
    let Some((url, _cleanup)) = fresh_database_url(Db::Postgres).await else {
        return;
    };
    let app = TestApp::spawn_on(&format!("{url}?sslmode=require"), Db::Postgres, &|_| {}).await;
    let ssl = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<bool>(0)
        .unwrap();
    assert!(ssl, "the connection is encrypted");
    assert_eq!(app.get("/").await.status, http::StatusCode::OK);
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_ca_with_a_ca_that_did_not_sign_the_server_refuses_to_start() {
    let Some((url, _cleanup)) = fresh_database_url(Db::Postgres).await else {
        return;
    };
    let ca = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/unrelated-ca.pem"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_halsolots"))
        .arg("migrate")
        .env(
            "DATABASE_URL",
            format!("{url}?sslmode=verify-ca&sslrootcert={ca}"),
        )
        .env("HALSOLOTS_KEY", key_hex(&url))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("DATABASE_URL: the TLS connection to PostgreSQL failed"),
        "{err}"
    );
    assert!(err.contains("sslmode=verify-ca"), "{err}");
    assert!(err.contains("UnknownIssuer"), "{err}");
}
