//! The login throttle counts attempts before they are checked, per (account, client) pair, per
//! account and per client, in one upsert per key. Its keys become keyed hashes (HMAC with the
//! installation key), pair and account rows carry the account's key so an admin can unlock it,
//! and times are whole milliseconds so both databases compare them the same way in SQL.
//!
//! The old rows (plain SHA-256 keys, counts of failures) cannot be carried over and expire within
//! the hour anyway: the table is made anew.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    /// `pair:…`, `account:…` or `client:…`, each an HMAC-SHA256 under the throttle subkey.
    Scope,
    /// The account's key (`account:…`) on pair and account rows: what an admin's unlock deletes.
    Account,
    /// Attempts counted in the window (before they were checked; a success takes its own back).
    Attempts,
    /// Unix milliseconds of the last counted attempt: the window runs from here.
    LastAttempt,
    /// Unix milliseconds until which attempts are refused unchecked.
    LockedUntil,
    // The old shape, for `down`.
    Failures,
    LastFailureAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(string_len(LoginThrottle::Scope, 80).primary_key())
                    .col(string_len_null(LoginThrottle::Account, 80))
                    .col(integer(LoginThrottle::Attempts))
                    .col(big_integer(LoginThrottle::LastAttempt))
                    .col(big_integer_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_throttle_account")
                    .table(LoginThrottle::Table)
                    .col(LoginThrottle::Account)
                    .to_owned(),
            )
            .await?;
        // Finding stale rows to delete.
        manager
            .create_index(
                Index::create()
                    .name("ix_login_throttle_last_attempt")
                    .table(LoginThrottle::Table)
                    .col(LoginThrottle::LastAttempt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
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
            .await
    }
}
