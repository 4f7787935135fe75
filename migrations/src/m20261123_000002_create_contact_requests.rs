//! Contact requests: a resident, a friend or a referrer asks the hälsolots to get in touch.
use super::m20261123_000001_create_teams::Teams;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    Id,
    TeamId,
    ReferenceCode,
    IdempotencyKey,
    ContentHash,
    Channel,
    Status,
    PersonName,
    PersonPhone,
    PersonEmail,
    CallTimes,
    Interests,
    HelpText,
    RequesterName,
    RequesterPhone,
    RequesterEmail,
    Relation,
    Organisation,
    Reasons,
    Message,
    ConsentToStore,
    PersonInformed,
    FeedbackToReferrer,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ContactRequests::Table)
                    .col(big_pk_auto(ContactRequests::Id))
                    .col(big_integer(ContactRequests::TeamId))
                    .col(string_len_uniq(ContactRequests::ReferenceCode, 9))
                    .col(string_len(ContactRequests::IdempotencyKey, 64))
                    .col(string_len(ContactRequests::ContentHash, 64))
                    .col(string_len(ContactRequests::Channel, 16))
                    .col(string_len(ContactRequests::Status, 16))
                    .col(string_len(ContactRequests::PersonName, 100))
                    .col(string_len_null(ContactRequests::PersonPhone, 20))
                    .col(string_len_null(ContactRequests::PersonEmail, 254))
                    .col(string_len(ContactRequests::CallTimes, 100))
                    .col(string_len(ContactRequests::Interests, 200))
                    .col(text_null(ContactRequests::HelpText))
                    .col(string_len_null(ContactRequests::RequesterName, 100))
                    .col(string_len_null(ContactRequests::RequesterPhone, 20))
                    .col(string_len_null(ContactRequests::RequesterEmail, 254))
                    .col(string_len_null(ContactRequests::Relation, 16))
                    .col(string_len_null(ContactRequests::Organisation, 150))
                    .col(string_len(ContactRequests::Reasons, 200))
                    .col(text_null(ContactRequests::Message))
                    .col(boolean(ContactRequests::ConsentToStore))
                    .col(boolean(ContactRequests::PersonInformed))
                    .col(boolean(ContactRequests::FeedbackToReferrer))
                    .col(timestamp_with_time_zone(ContactRequests::CreatedAt))
                    .col(timestamp_with_time_zone(ContactRequests::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contact_requests_team")
                            .from(ContactRequests::Table, ContactRequests::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // A repeated submit (double click, reload) carries the same key and content: the unique
        // index turns it into a no-op that finds the first request. The same key with other
        // content (a cached form page used for someone else) is a new request.
        manager
            .create_index(
                Index::create()
                    .name("ux_contact_requests_team_key")
                    .table(ContactRequests::Table)
                    .col(ContactRequests::TeamId)
                    .col(ContactRequests::IdempotencyKey)
                    .col(ContactRequests::ContentHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The same request sent again soon after (back button, a form reloaded from the server)
        // is found by its content.
        manager
            .create_index(
                Index::create()
                    .name("ix_contact_requests_team_content")
                    .table(ContactRequests::Table)
                    .col(ContactRequests::TeamId)
                    .col(ContactRequests::ContentHash)
                    .col(ContactRequests::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // The inbox lists a team's requests by status, newest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_contact_requests_team_status_created")
                    .table(ContactRequests::Table)
                    .col(ContactRequests::TeamId)
                    .col(ContactRequests::Status)
                    .col(ContactRequests::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ContactRequests::Table).to_owned())
            .await
    }
}
