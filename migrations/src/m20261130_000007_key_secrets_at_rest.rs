//! Secrets at rest under the installation key (`app::ssr::infra::keys`):
//! - the audit head remembers which key chains the log (`key_id`, a public id; NULL until the
//!   server's first start with a key, which re-chains the older SHA-256 entries with HMAC);
//! - TOTP keys are stored sealed (`k1:` + nonce + ciphertext, ~150 characters): PostgreSQL's
//!   columns grow (SQLite does not enforce lengths);
//! - the audit log becomes append-only in the database too: a trigger refuses UPDATE, DELETE and
//!   (on PostgreSQL) TRUNCATE. The table's owner can still drop or disable it, so this stops a
//!   mistaken or injected statement, not a determined owner; the keyed chain is what shows that.
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    KeyId,
}

const PG_UP: &str = r#"
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
ALTER TABLE staff ALTER COLUMN totp_secret TYPE varchar(255);
ALTER TABLE staff ALTER COLUMN totp_pending_secret TYPE varchar(255);
"#;

const PG_DOWN: &str = r#"
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_no_change ON audit_log;
DROP FUNCTION audit_log_append_only();
"#;

const SQLITE_UP: &str = r#"
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditHead::Table)
                    .add_column(string_len_null(AuditHead::KeyId, 32))
                    .to_owned(),
            )
            .await?;
        let sql = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_UP,
            _ => SQLITE_UP,
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            // Sealed TOTP keys do not fit the old width: clear them first (`halsolots user
            // reset-two-factor`) before going back.
            DatabaseBackend::Postgres => format!(
                "{PG_DOWN}ALTER TABLE staff ALTER COLUMN totp_secret TYPE varchar(64);\n\
                 ALTER TABLE staff ALTER COLUMN totp_pending_secret TYPE varchar(64);"
            ),
            _ => SQLITE_DOWN.to_string(),
        };
        manager.get_connection().execute_unprepared(&sql).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditHead::Table)
                    .drop_column(AuditHead::KeyId)
                    .to_owned(),
            )
            .await
    }
}
