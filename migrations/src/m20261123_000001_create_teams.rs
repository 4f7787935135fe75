//! Teams: one municipality's hälsolots service. Every row of personal data belongs to a team.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Teams {
    Table,
    Id,
    Slug,
    Name,
    Municipality,
    Phone,
    Email,
    FirstContactDays,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Teams::Table)
                    .col(big_pk_auto(Teams::Id))
                    .col(string_len_uniq(Teams::Slug, 64))
                    .col(string_len(Teams::Name, 200))
                    .col(string_len(Teams::Municipality, 200))
                    .col(string_len(Teams::Phone, 20))
                    .col(string_len(Teams::Email, 254))
                    .col(small_integer(Teams::FirstContactDays))
                    .col(timestamp_with_time_zone(Teams::CreatedAt))
                    .col(timestamp_with_time_zone(Teams::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Teams::Table).to_owned())
            .await
    }
}
