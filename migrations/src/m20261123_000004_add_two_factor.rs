//! Optional two-factor login (TOTP): each account's secret, the team's choice to require it,
//! sessions waiting for the second step, and one-time recovery codes.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    RequireTwoFactor,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    SecondFactorPending,
}

#[derive(DeriveIden)]
enum StaffRecoveryCodes {
    Table,
    Id,
    StaffId,
    CodeHash,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            string_len_null(Staff::TotpSecret, 64),
            string_len_null(Staff::TotpPendingSecret, 64),
            big_integer_null(Staff::TotpLastStep),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Staff::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .add_column(boolean(Teams::RequireTwoFactor).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(boolean(StaffSessions::SecondFactorPending).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffRecoveryCodes::Table)
                    .col(big_pk_auto(StaffRecoveryCodes::Id))
                    .col(big_integer(StaffRecoveryCodes::StaffId))
                    .col(string_len(StaffRecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(StaffRecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_recovery_codes_staff")
                            .from(StaffRecoveryCodes::Table, StaffRecoveryCodes::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_recovery_codes_staff")
                    .table(StaffRecoveryCodes::Table)
                    .col(StaffRecoveryCodes::StaffId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffRecoveryCodes::Table).to_owned())
            .await?;
        let drops: [(DynIden, DynIden); 5] = [
            (
                StaffSessions::Table.into_iden(),
                StaffSessions::SecondFactorPending.into_iden(),
            ),
            (
                Teams::Table.into_iden(),
                Teams::RequireTwoFactor.into_iden(),
            ),
            (Staff::Table.into_iden(), Staff::TotpLastStep.into_iden()),
            (
                Staff::Table.into_iden(),
                Staff::TotpPendingSecret.into_iden(),
            ),
            (Staff::Table.into_iden(), Staff::TotpSecret.into_iden()),
        ];
        for (table, col) in drops {
            manager
                .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
