//! The caseload's default order as an index: the team, the step (Kartläggning, Genomförande,
//! Avslut, closed) and the date the case entered it, then the id — the very expressions of
//! `repo::cases::caseload_page`'s `Sort::Stage`. Without it both databases read every open case
//! of the team (with its participant, navigator and per-row subqueries) and sort them to show 50:
//! 8–15 ms at 4 700 open cases (bench/workspace), growing with the team. With it they walk the
//! index in order and stop after the page: under 1 ms. Not partial (`WHERE stage <> 'closed'`):
//! the query binds the stage as a parameter, which a partial index's predicate cannot be proved
//! against in a generic plan; closed cases sort last, so the walk for open ones never meets them.
//! The expressions must stay the query's: change one, change the other (in a new migration).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same SQL on SQLite and PostgreSQL (both index expressions in parentheses).
const UP: &str = "CREATE INDEX ix_cases_caseload_stage ON cases (team_id, \
    (CASE stage WHEN 'mapping' THEN 1 WHEN 'implementation' THEN 2 WHEN 'closing' THEN 3 ELSE 4 END), \
    (CASE stage WHEN 'mapping' THEN mapping_since WHEN 'implementation' THEN implementation_since \
     WHEN 'closing' THEN closing_since ELSE closed_at END), \
    id)";

const DOWN: &str = "DROP INDEX ix_cases_caseload_stage";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        conn.execute_unprepared(UP).await?;
        // A SQLite database that has statistics (someone ran ANALYZE) but none for the new index
        // takes it for very selective and counts the team's cases through it, reading every row
        // (25 ms, not 2, at 17 000 cases): give the table's indexes fresh statistics together.
        // One without statistics plans well as it is, and is left so (statistics for one table
        // alone would skew its plans the other way). PostgreSQL: cheap, and plans at once.
        let analyse = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => conn
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Sqlite,
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'",
                ))
                .await?
                .is_some(),
            _ => true,
        };
        if analyse {
            conn.execute_unprepared("ANALYZE cases").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
