//! The hälsolots's daily work on a case: "Vad är viktigt för dig?" (one mapping per case), goals
//! in the person's own words, meetings (planned / held / cancelled / did not come), dated notes
//! and follow-up tasks; each navigator's private calendar feed; and three team settings that the
//! case work needs: whether a personnummer may be kept, and the host name a team's public pages
//! answer on when one installation serves several municipalities. Every row carries its team;
//! every row that can be edited carries the `version` a save names.
use super::m20261123_000001_create_teams::Teams;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseMappings {
    Table,
    /// One mapping per case: the case's id.
    CaseId,
    TeamId,
    Interests,
    Wishes,
    Needs,
    /// Comma-separated codes: `transport`, `mobility`, `language`, `money`, `confidence`,
    /// `health`, `time`.
    Barriers,
    /// What gets in the way, in words.
    BarriersNote,
    UpdatedAt,
    UpdatedBy,
    Version,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
    TeamId,
    CaseId,
    /// In the person's own words.
    Text,
    /// `active`, `achieved`, `partly`, `dropped`.
    Status,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    TeamId,
    CaseId,
    /// The staff member who holds the meeting (whose week and calendar it is in).
    StaffId,
    StartsAt,
    DurationMinutes,
    /// `office`, `library`, `outdoors`, `phone`, `video`, `home`, `other`.
    Place,
    /// `planned`, `held`, `cancelled`, `no_show`.
    Status,
    Note,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum CaseNotes {
    Table,
    Id,
    TeamId,
    CaseId,
    At,
    AuthorId,
    Text,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    TeamId,
    CaseId,
    Title,
    DueDate,
    AssigneeId,
    DoneAt,
    DoneBy,
    CreatedAt,
    CreatedBy,
    Version,
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    /// One feed per staff member; renewing replaces the token.
    StaffId,
    TeamId,
    /// HMAC of the secret in the feed's address; the secret itself is never stored.
    TokenMac,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    TeamId,
}

#[derive(DeriveIden)]
enum Participants {
    Table,
    /// Sealed (`keys.seal`); shown masked in lists.
    Personnummer,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TeamsSettings {
    #[sea_orm(iden = "teams")]
    Table,
    /// Whether staff may keep a personnummer for a participant (off by default).
    PersonnummerAllowed,
    /// The host name this team's public pages answer on (`null`: the installation's default
    /// team answers every host no other team claims).
    PublicHost,
}

fn case_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Cases::Table, Cases::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn team_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Teams::Table, Teams::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaseMappings::Table)
                    .col(big_integer(CaseMappings::CaseId).primary_key())
                    .col(big_integer(CaseMappings::TeamId))
                    .col(text(CaseMappings::Interests).default(""))
                    .col(text(CaseMappings::Wishes).default(""))
                    .col(text(CaseMappings::Needs).default(""))
                    .col(string_len(CaseMappings::Barriers, 200).default(""))
                    .col(text(CaseMappings::BarriersNote).default(""))
                    .col(timestamp_with_time_zone_null(CaseMappings::UpdatedAt))
                    .col(big_integer_null(CaseMappings::UpdatedBy))
                    .col(integer(CaseMappings::Version).default(1))
                    .foreign_key(&mut case_fk(CaseMappings::Table, CaseMappings::CaseId))
                    .foreign_key(&mut team_fk(CaseMappings::Table, CaseMappings::TeamId))
                    .to_owned(),
            )
            .await?;
        // Cases made before this migration get their (empty) mapping too.
        let backfill = Query::insert()
            .into_table(CaseMappings::Table)
            .columns([CaseMappings::CaseId, CaseMappings::TeamId])
            .select_from(
                Query::select()
                    .column(Cases::Id)
                    .column(Cases::TeamId)
                    .from(Cases::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await?;

        manager
            .create_table(
                Table::create()
                    .table(Goals::Table)
                    .col(big_pk_auto(Goals::Id))
                    .col(big_integer(Goals::TeamId))
                    .col(big_integer(Goals::CaseId))
                    .col(text(Goals::Text))
                    .col(string_len(Goals::Status, 20).default("active"))
                    .col(timestamp_with_time_zone(Goals::CreatedAt))
                    .col(big_integer_null(Goals::CreatedBy))
                    .col(timestamp_with_time_zone(Goals::UpdatedAt))
                    .col(integer(Goals::Version).default(1))
                    .foreign_key(&mut case_fk(Goals::Table, Goals::CaseId))
                    .foreign_key(&mut team_fk(Goals::Table, Goals::TeamId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_goals_case")
                    .table(Goals::Table)
                    .col(Goals::TeamId)
                    .col(Goals::CaseId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(big_pk_auto(Meetings::Id))
                    .col(big_integer(Meetings::TeamId))
                    .col(big_integer(Meetings::CaseId))
                    .col(big_integer_null(Meetings::StaffId))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(integer(Meetings::DurationMinutes).default(60))
                    .col(string_len(Meetings::Place, 20))
                    .col(string_len(Meetings::Status, 20).default("planned"))
                    .col(text(Meetings::Note).default(""))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .col(big_integer_null(Meetings::CreatedBy))
                    .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                    .col(integer(Meetings::Version).default(1))
                    .foreign_key(&mut case_fk(Meetings::Table, Meetings::CaseId))
                    .foreign_key(&mut team_fk(Meetings::Table, Meetings::TeamId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meetings::Table, Meetings::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // A case's meetings in order; a navigator's week and calendar feed.
        manager
            .create_index(
                Index::create()
                    .name("ix_meetings_case")
                    .table(Meetings::Table)
                    .col(Meetings::TeamId)
                    .col(Meetings::CaseId)
                    .col(Meetings::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_meetings_staff")
                    .table(Meetings::Table)
                    .col(Meetings::TeamId)
                    .col(Meetings::StaffId)
                    .col(Meetings::StartsAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseNotes::Table)
                    .col(big_pk_auto(CaseNotes::Id))
                    .col(big_integer(CaseNotes::TeamId))
                    .col(big_integer(CaseNotes::CaseId))
                    .col(timestamp_with_time_zone(CaseNotes::At))
                    .col(big_integer_null(CaseNotes::AuthorId))
                    .col(text(CaseNotes::Text))
                    .foreign_key(&mut case_fk(CaseNotes::Table, CaseNotes::CaseId))
                    .foreign_key(&mut team_fk(CaseNotes::Table, CaseNotes::TeamId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_case_notes_case")
                    .table(CaseNotes::Table)
                    .col(CaseNotes::TeamId)
                    .col(CaseNotes::CaseId)
                    .col(CaseNotes::At)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(big_pk_auto(Tasks::Id))
                    .col(big_integer(Tasks::TeamId))
                    .col(big_integer(Tasks::CaseId))
                    .col(string_len(Tasks::Title, 300))
                    .col(date(Tasks::DueDate))
                    .col(big_integer_null(Tasks::AssigneeId))
                    .col(timestamp_with_time_zone_null(Tasks::DoneAt))
                    .col(big_integer_null(Tasks::DoneBy))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(big_integer_null(Tasks::CreatedBy))
                    .col(integer(Tasks::Version).default(1))
                    .foreign_key(&mut case_fk(Tasks::Table, Tasks::CaseId))
                    .foreign_key(&mut team_fk(Tasks::Table, Tasks::TeamId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::AssigneeId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tasks_case")
                    .table(Tasks::Table)
                    .col(Tasks::TeamId)
                    .col(Tasks::CaseId)
                    .col(Tasks::DueDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tasks_assignee")
                    .table(Tasks::Table)
                    .col(Tasks::TeamId)
                    .col(Tasks::AssigneeId)
                    .col(Tasks::DueDate)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CalendarFeeds::Table)
                    .col(big_integer(CalendarFeeds::StaffId).primary_key())
                    .col(big_integer(CalendarFeeds::TeamId))
                    .col(string_len(CalendarFeeds::TokenMac, 64).unique_key())
                    .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarFeeds::Table, CalendarFeeds::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut team_fk(
                        CalendarFeeds::Table,
                        CalendarFeeds::TeamId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Participants::Table)
                    .add_column(text_null(Participants::Personnummer))
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(TeamsSettings::Table)
                    .add_column(boolean(TeamsSettings::PersonnummerAllowed).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TeamsSettings::Table)
                    .add_column(string_len_null(TeamsSettings::PublicHost, 253))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_teams_public_host")
                    .table(TeamsSettings::Table)
                    .col(TeamsSettings::PublicHost)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_teams_public_host")
                    .table(TeamsSettings::Table)
                    .to_owned(),
            )
            .await?;
        for col in [
            TeamsSettings::PublicHost,
            TeamsSettings::PersonnummerAllowed,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TeamsSettings::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Participants::Table)
                    .drop_column(Participants::Personnummer)
                    .to_owned(),
            )
            .await?;
        for table in [
            CalendarFeeds::Table.into_iden(),
            Tasks::Table.into_iden(),
            CaseNotes::Table.into_iden(),
            Meetings::Table.into_iden(),
            Goals::Table.into_iden(),
            CaseMappings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
