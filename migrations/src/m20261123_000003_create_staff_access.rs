//! Staff access: accounts, database sessions (shared by every app instance), login throttling,
//! and the tamper-evident audit log with its chain head.
use super::m20261123_000001_create_teams::Teams;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    TeamId,
    Email,
    Name,
    Role,
    PasswordHash,
    Active,
    MustChangePassword,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    /// SHA-256 of the cookie's token: a stolen database copy holds no usable session.
    IdHash,
    StaffId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    /// `account:<sha256 of e-mail>` or `client:<sha256 of address>`.
    Scope,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    TeamId,
    ActorStaffId,
    Action,
    SubjectType,
    SubjectId,
    Client,
    Detail,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

/// The chain's start: the previous hash of entry 1.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(big_pk_auto(Staff::Id))
                    .col(big_integer(Staff::TeamId))
                    .col(string_len_uniq(Staff::Email, 254))
                    .col(string_len(Staff::Name, 100))
                    .col(string_len(Staff::Role, 16))
                    .col(string_len(Staff::PasswordHash, 200))
                    .col(boolean(Staff::Active))
                    .col(boolean(Staff::MustChangePassword))
                    .col(timestamp_with_time_zone(Staff::CreatedAt))
                    .col(timestamp_with_time_zone(Staff::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_team")
                            .from(Staff::Table, Staff::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_team")
                    .table(Staff::Table)
                    .col(Staff::TeamId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffSessions::Table)
                    .col(string_len(StaffSessions::IdHash, 64).primary_key())
                    .col(big_integer(StaffSessions::StaffId))
                    .col(timestamp_with_time_zone(StaffSessions::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(StaffSessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_sessions_staff")
                            .from(StaffSessions::Table, StaffSessions::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_sessions_staff")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::StaffId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(string_len(LoginThrottle::Scope, 80).primary_key())
                    .col(integer(LoginThrottle::Failures))
                    .col(timestamp_with_time_zone(LoginThrottle::LastFailureAt))
                    .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_integer(AuditLog::Seq).primary_key())
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(big_integer_null(AuditLog::TeamId))
                    .col(big_integer_null(AuditLog::ActorStaffId))
                    .col(string_len(AuditLog::Action, 40))
                    .col(string_len_null(AuditLog::SubjectType, 40))
                    .col(string_len_null(AuditLog::SubjectId, 64))
                    .col(string_len_null(AuditLog::Client, 64))
                    .col(string_len_null(AuditLog::Detail, 400))
                    .col(string_len(AuditLog::PrevHash, 64))
                    .col(string_len(AuditLog::Hash, 64))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_audit_log_team_at", vec![AuditLog::TeamId, AuditLog::At]),
            ("ix_audit_log_actor", vec![AuditLog::ActorStaffId]),
            (
                "ix_audit_log_subject",
                vec![AuditLog::SubjectType, AuditLog::SubjectId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(string_len(AuditHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditHead::Table.into_iden(),
            AuditLog::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            StaffSessions::Table.into_iden(),
            Staff::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
