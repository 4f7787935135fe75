//! The inbox's work on a request: a version for saves that must not overwrite another's (the
//! second save of the same version is refused), and the request's history (who did what, when).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    Id,
    Version,
}

#[derive(DeriveIden)]
enum ContactRequestEvents {
    Table,
    Id,
    TeamId,
    RequestId,
    At,
    ActorStaffId,
    Kind,
    Outcome,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .add_column(integer(ContactRequests::Version).default(1))
                    .to_owned(),
            )
            .await?;
        // `kind`: what was done (a contact attempt, declined, accepted…); `outcome`: for an
        // attempt, how it went; `detail`: a short note such as a decline reason. Erased with the
        // request (ON DELETE CASCADE).
        manager
            .create_table(
                Table::create()
                    .table(ContactRequestEvents::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ContactRequestEvents::Id))
                    .col(big_integer(ContactRequestEvents::TeamId))
                    .col(big_integer(ContactRequestEvents::RequestId))
                    .col(timestamp_with_time_zone(ContactRequestEvents::At))
                    .col(big_integer_null(ContactRequestEvents::ActorStaffId))
                    .col(string_len(ContactRequestEvents::Kind, 40))
                    .col(string_len_null(ContactRequestEvents::Outcome, 40))
                    .col(text_null(ContactRequestEvents::Detail))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContactRequestEvents::Table, ContactRequestEvents::RequestId)
                            .to(ContactRequests::Table, ContactRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("contact_request_events_by_request")
                    .table(ContactRequestEvents::Table)
                    .col(ContactRequestEvents::TeamId)
                    .col(ContactRequestEvents::RequestId)
                    .col(ContactRequestEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ContactRequestEvents::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .drop_column(ContactRequests::Version)
                    .to_owned(),
            )
            .await
    }
}
