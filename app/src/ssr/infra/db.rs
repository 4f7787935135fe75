//! Connecting to SQLite or PostgreSQL, migrating, and beginning transactions that write.
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    RuntimeErr, SqliteTransactionMode, SqlxError, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// What a service that opens its own transaction takes: the database, or a transaction it then
/// nests in (a savepoint), so services compose inside one caller's transaction too.
pub trait Db: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> {}
impl<T> Db for T where T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> {}

/// Opens the database. On SQLite: WAL (readers never wait for the writer), foreign keys on, a busy
/// timeout, and `synchronous=FULL`, so a request that was acknowledged survives a crash or power
/// loss (NORMAL in WAL mode may lose the last commits on power loss).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .max_connections(if sqlite { 8 } else { 16 })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .create_if_missing(true)
                // Deleted content is overwritten with zeros, so an erased request leaves nothing
                // readable in the file's free pages (see `scrub_after_erase` for the WAL).
                .pragma("secure_delete", "ON")
        });
    Database::connect(opts)
        .await
        .map_err(|e| explain_connect_error(url, e))
}

/// A failed connection, told in terms of the setting to change. PostgreSQL over a network is
/// reached with TLS (rustls): `sslmode=verify-full&sslrootcert=<the CA's file>` checks the
/// server's certificate and name; a refused certificate says so and how it was checked. The URL
/// itself is never shown (it may hold a password).
fn explain_connect_error(url: &str, e: DbErr) -> DbErr {
    if url.starts_with("sqlite:") {
        return e;
    }
    let param = |name: &str| {
        url.split_once('?').and_then(|(_, query)| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_string)
        })
    };
    let mode = param("sslmode").unwrap_or_else(|| "prefer".into());
    // sqlx reports a refused certificate as `Tls`, or as `Io` carrying rustls' error (not an
    // operating system error such as "connection refused").
    let tls = match &e {
        DbErr::Conn(RuntimeErr::SqlxError(x)) => match &**x {
            SqlxError::Tls(_) => true,
            SqlxError::Io(io) => {
                mode != "disable" && io.raw_os_error().is_none() && io.get_ref().is_some()
            }
            _ => false,
        },
        _ => false,
    };
    if tls {
        let root = param("sslrootcert")
            .map(|p| format!(", sslrootcert={p}"))
            .unwrap_or_default();
        DbErr::Custom(format!(
            "DATABASE_URL: the TLS connection to PostgreSQL failed (sslmode={mode}{root}): {e}. \
             With sslmode=verify-ca or verify-full, sslrootcert must name the certificate of \
             the CA that signed the server's certificate"
        ))
    } else {
        DbErr::Custom(format!(
            "DATABASE_URL: cannot connect to PostgreSQL (sslmode={mode}): {e}"
        ))
    }
}

/// After an erasure has committed, removes what the files still hold of it. SQLite (with
/// `secure_delete` on, the deleted cells are already zeros in the new pages): the old pages still
/// sit in the WAL until a checkpoint, so the WAL is checkpointed and truncated to nothing.
/// PostgreSQL keeps dead tuples in the table until vacuum: `VACUUM` the touched tables (outside any
/// transaction). What it cannot reach — PostgreSQL's WAL segments and backups — is kept until
/// they rotate (README, "Privacy and operations"). Failures are logged (no data) and not
/// returned: the rows are already gone, and the next erasure scrubs again.
pub async fn scrub_after_erase(db: &impl ConnectionTrait, tables: &[&str]) {
    use sea_orm::{DbBackend, Statement};
    let result = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let mut result = Ok(());
            // A reader still on an old snapshot makes the checkpoint report busy: try again.
            for _ in 0..20 {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA wal_checkpoint(TRUNCATE)",
                    ))
                    .await;
                match row {
                    Ok(Some(r)) if r.try_get_by_index::<i32>(0).unwrap_or(1) == 0 => {
                        result = Ok(());
                        break;
                    }
                    Ok(_) => result = Err(DbErr::Custom("checkpoint busy".into())),
                    Err(e) => result = Err(e),
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            result
        }
        DbBackend::Postgres => db
            .execute_unprepared(&format!("VACUUM {}", tables.join(", ")))
            .await
            .map(|_| ()),
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "scrubbing after an erasure failed");
    }
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock is
/// taken at once (waiting up to the busy timeout) instead of at the first write, where a
/// transaction that has already read fails at once if another wrote in between. PostgreSQL
/// ignores the mode.
pub async fn write_txn(db: &impl Db) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
