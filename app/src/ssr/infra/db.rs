//! Connecting to SQLite or PostgreSQL, migrating, and beginning transactions that write.
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
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
        });
    Database::connect(opts).await
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
