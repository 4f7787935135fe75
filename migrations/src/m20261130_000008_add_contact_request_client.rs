//! Who sent a contact request, as a fingerprint (never the address): the same content counts as
//! the same request sent again only from the same client.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    ClientHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Nullable: requests stored before have no sender, and no later request repeats them by
        // content (a repeat with the same form key is still found).
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .add_column(string_len_null(ContactRequests::ClientHash, 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .drop_column(ContactRequests::ClientHash)
                    .to_owned(),
            )
            .await
    }
}
