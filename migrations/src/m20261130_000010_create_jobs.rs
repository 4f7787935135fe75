//! Background jobs: work the server does by itself (deleting expired sessions, erasing unanswered
//! requests…), kept in the database so every app instance sees the same queue and a job survives
//! a restart. Times the runner compares in SQL are whole Unix milliseconds, so both databases
//! compare them the same way (as `login_throttle` does).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    /// What to do (`JobKind`'s stored name).
    Kind,
    /// Set for a recurring kind (its name), so each exists once; null for one-off jobs.
    UniqueKey,
    /// Ids only, never personal data (one-off jobs that need to know what to work on).
    Payload,
    /// Unix milliseconds: due from then.
    RunAt,
    /// Failures in a row (back-off grows with it); 0 after a success.
    Attempts,
    /// The kind of the last failure (`database`, `unknown_kind`…), never a message with data.
    LastError,
    /// The app instance running it now.
    ClaimedBy,
    /// Unix milliseconds: the claim holds until then; after it another instance may take the job
    /// (its runner was killed).
    ClaimedUntil,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(big_pk_auto(Jobs::Id))
                    .col(string_len(Jobs::Kind, 60))
                    .col(string_len_null(Jobs::UniqueKey, 60).unique_key())
                    .col(string_len_null(Jobs::Payload, 200))
                    .col(big_integer(Jobs::RunAt))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(string_len_null(Jobs::LastError, 60))
                    .col(string_len_null(Jobs::ClaimedBy, 40))
                    .col(big_integer_null(Jobs::ClaimedUntil))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The runner's question: which jobs are due?
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
