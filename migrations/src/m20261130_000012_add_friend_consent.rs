//! Consent first for friend requests: when the person themself agreed (`consented_at`), how many
//! days a team keeps an unanswered friend request (`teams.friend_erase_days`, default 14), and the
//! anonymous counts that remain of erased requests (`erased_requests`: team, channel, reason,
//! month, count — no person, no request id).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    ConsentedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    FriendEraseDays,
}

#[derive(DeriveIden)]
enum ErasedRequests {
    Table,
    Id,
    TeamId,
    Channel,
    Reason,
    Month,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .add_column(timestamp_with_time_zone_null(ContactRequests::ConsentedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .add_column(small_integer(Teams::FriendEraseDays).default(14))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ErasedRequests::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ErasedRequests::Id))
                    .col(big_integer(ErasedRequests::TeamId))
                    .col(string_len(ErasedRequests::Channel, 20))
                    .col(string_len(ErasedRequests::Reason, 40))
                    // `2026-11`, the month of the erasure in Stockholm.
                    .col(string_len(ErasedRequests::Month, 7))
                    .col(big_integer(ErasedRequests::Count).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("erased_requests_key")
                    .table(ErasedRequests::Table)
                    .col(ErasedRequests::TeamId)
                    .col(ErasedRequests::Channel)
                    .col(ErasedRequests::Reason)
                    .col(ErasedRequests::Month)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ErasedRequests::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .drop_column(Teams::FriendEraseDays)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .drop_column(ContactRequests::ConsentedAt)
                    .to_owned(),
            )
            .await
    }
}
