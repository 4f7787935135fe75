//! Connecting to SQLite or PostgreSQL, migrating, and making sure this installation's team exists.
use crate::models::ids::TeamId;
use crate::ssr::infra::settings::TeamSettings;
use crate::ssr::repo::entities::team;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::OnConflict;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QuerySelect, Set, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// What a service that opens its own transaction takes: the database, or a transaction it then
/// nests in (a savepoint), so services compose inside one caller's transaction too.
pub trait Db: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + Sync {}
impl<T> Db for T where
    T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + Sync
{
}

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

/// Creates the team from the settings on first start and returns its id. After that the team's
/// details belong to its admins (`/lots/admin/installningar`), so the settings do not overwrite them.
pub async fn ensure_team(db: &DatabaseConnection, t: &TeamSettings) -> Result<TeamId, DbErr> {
    let now = chrono::Utc::now();
    let row = team::ActiveModel {
        slug: Set(t.slug.clone()),
        name: Set(t.name.clone()),
        municipality: Set(t.municipality.clone()),
        phone: Set(t.phone.e164().to_string()),
        email: Set(t.email.as_str().to_string()),
        first_contact_days: Set(i16::from(t.first_contact_days)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    team::Entity::insert(row)
        .on_conflict(
            OnConflict::column(team::Column::Slug)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    team::Entity::find()
        .filter(team::Column::Slug.eq(t.slug.as_str()))
        .select_only()
        .column(team::Column::Id)
        .into_tuple::<TeamId>()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("team {}", t.slug)))
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
