//! Participants and their cases: a person accepted from the inbox, and their way through the three
//! steps of the method (Kartläggning → Genomförande → Avslut → closed), with the history of every
//! change of step. Every row carries its team; every save names the `version` it started from.
use super::m20261123_000001_create_teams::Teams;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Participants {
    Table,
    Id,
    TeamId,
    Name,
    /// E.164.
    Phone,
    Email,
    /// `phone`, `sms`, `email`, `letter`.
    ContactWay,
    /// Comma-separated codes (`morning`, `afternoon`…), as on the public forms.
    ContactTimes,
    Language,
    Interpreter,
    /// Optional, for statistics only.
    BirthYear,
    /// Optional, for statistics only: `woman`, `man`, `other`.
    Gender,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    TeamId,
    ParticipantId,
    /// The request it was accepted from; null once that request is erased.
    RequestId,
    /// How the person came (`self`, `friend`, `professional`), kept for statistics when the
    /// request is gone.
    Channel,
    /// The referring organisation (no person's name).
    ReferrerOrg,
    NavigatorId,
    Stage,
    MappingSince,
    ImplementationSince,
    ClosingSince,
    ClosedAt,
    PlannedMeetings,
    ClosingReason,
    ClosingDate,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum CaseStageChanges {
    Table,
    Id,
    TeamId,
    CaseId,
    FromStage,
    ToStage,
    At,
    ByStaffId,
    /// Why the case went back a step (required then).
    Reason,
}

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Participants::Table)
                    .col(big_pk_auto(Participants::Id))
                    .col(big_integer(Participants::TeamId))
                    .col(string_len(Participants::Name, 200))
                    .col(string_len_null(Participants::Phone, 20))
                    .col(string_len_null(Participants::Email, 254))
                    .col(string_len_null(Participants::ContactWay, 20))
                    .col(string_len(Participants::ContactTimes, 100).default(""))
                    .col(string_len_null(Participants::Language, 60))
                    .col(boolean(Participants::Interpreter).default(false))
                    .col(integer_null(Participants::BirthYear))
                    .col(string_len_null(Participants::Gender, 20))
                    .col(timestamp_with_time_zone(Participants::CreatedAt))
                    .col(timestamp_with_time_zone(Participants::UpdatedAt))
                    .col(integer(Participants::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Participants::Table, Participants::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_participants_team")
                    .table(Participants::Table)
                    .col(Participants::TeamId)
                    .col(Participants::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(big_pk_auto(Cases::Id))
                    .col(big_integer(Cases::TeamId))
                    .col(big_integer(Cases::ParticipantId))
                    // One case per request, also under concurrent accepts.
                    .col(big_integer_null(Cases::RequestId).unique_key())
                    .col(string_len(Cases::Channel, 20))
                    .col(string_len_null(Cases::ReferrerOrg, 200))
                    .col(big_integer_null(Cases::NavigatorId))
                    .col(string_len(Cases::Stage, 20))
                    .col(timestamp_with_time_zone(Cases::MappingSince))
                    .col(timestamp_with_time_zone_null(Cases::ImplementationSince))
                    .col(timestamp_with_time_zone_null(Cases::ClosingSince))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .col(integer(Cases::PlannedMeetings).default(5))
                    .col(string_len_null(Cases::ClosingReason, 40))
                    .col(date_null(Cases::ClosingDate))
                    .col(timestamp_with_time_zone(Cases::CreatedAt))
                    .col(timestamp_with_time_zone(Cases::UpdatedAt))
                    .col(integer(Cases::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::ParticipantId)
                            .to(Participants::Table, Participants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::RequestId)
                            .to(ContactRequests::Table, ContactRequests::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::NavigatorId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The caseload: a navigator's (or the team's) cases by stage.
        manager
            .create_index(
                Index::create()
                    .name("ix_cases_team_navigator_stage")
                    .table(Cases::Table)
                    .col(Cases::TeamId)
                    .col(Cases::NavigatorId)
                    .col(Cases::Stage)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_cases_team_stage")
                    .table(Cases::Table)
                    .col(Cases::TeamId)
                    .col(Cases::Stage)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_cases_participant")
                    .table(Cases::Table)
                    .col(Cases::ParticipantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseStageChanges::Table)
                    .col(big_pk_auto(CaseStageChanges::Id))
                    .col(big_integer(CaseStageChanges::TeamId))
                    .col(big_integer(CaseStageChanges::CaseId))
                    .col(string_len_null(CaseStageChanges::FromStage, 20))
                    .col(string_len(CaseStageChanges::ToStage, 20))
                    .col(timestamp_with_time_zone(CaseStageChanges::At))
                    .col(big_integer_null(CaseStageChanges::ByStaffId))
                    .col(text_null(CaseStageChanges::Reason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseStageChanges::Table, CaseStageChanges::CaseId)
                            .to(Cases::Table, Cases::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_case_stage_changes_case")
                    .table(CaseStageChanges::Table)
                    .col(CaseStageChanges::TeamId)
                    .col(CaseStageChanges::CaseId)
                    .col(CaseStageChanges::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CaseStageChanges::Table.into_iden(),
            Cases::Table.into_iden(),
            Participants::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
