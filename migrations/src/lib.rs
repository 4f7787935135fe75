//! Database history. Append-only: never edit a landed migration, add a new one. Migrations speak
//! sea-query only (never the app's entities), so they run the same on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_teams;
mod m20261123_000002_create_contact_requests;
mod m20261123_000003_create_staff_access;
mod m20261123_000004_add_two_factor;
mod m20261130_000006_rebuild_login_throttle;
mod m20261130_000007_key_secrets_at_rest;
mod m20261130_000008_add_contact_request_client;
mod m20261130_000009_add_contact_request_search;
mod m20261130_000010_create_jobs;
mod m20261130_000011_add_request_history;
mod m20261130_000012_add_friend_consent;
mod m20261130_000013_create_cases;
mod m20261201_000014_create_case_work;
mod m20261201_000017_add_caseload_order_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_teams::Migration),
            Box::new(m20261123_000002_create_contact_requests::Migration),
            Box::new(m20261123_000003_create_staff_access::Migration),
            Box::new(m20261123_000004_add_two_factor::Migration),
            Box::new(m20261130_000006_rebuild_login_throttle::Migration),
            Box::new(m20261130_000007_key_secrets_at_rest::Migration),
            Box::new(m20261130_000008_add_contact_request_client::Migration),
            Box::new(m20261130_000009_add_contact_request_search::Migration),
            Box::new(m20261130_000010_create_jobs::Migration),
            Box::new(m20261130_000011_add_request_history::Migration),
            Box::new(m20261130_000012_add_friend_consent::Migration),
            Box::new(m20261130_000013_create_cases::Migration),
            Box::new(m20261201_000014_create_case_work::Migration),
            Box::new(m20261201_000017_add_caseload_order_index::Migration),
        ]
    }
}
