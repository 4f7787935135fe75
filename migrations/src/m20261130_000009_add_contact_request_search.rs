//! The inbox: a search column and an index for its list.
//!
//! - `search_text`: names and e-mail addresses in NFC lower case, phone numbers as national digits,
//!   the reference code without its hyphen (`app::ssr::infra::search`). Folded in Rust because
//!   SQLite's `lower()` folds only ASCII: "åsa" must find "Åsa Öberg" on both databases. Filled by
//!   the app when a request is stored; rows stored before are filled here, by the same rules (a
//!   copy: a migration is history and must not change when the app's code does).
//! - `(team_id, created_at, id)`: the inbox lists a team's requests newest first, a page at a time
//!   from a `(created_at, id)` cursor, and this index gives those rows in that order.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use unicode_normalization::UnicodeNormalization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContactRequests {
    Table,
    Id,
    TeamId,
    CreatedAt,
    ReferenceCode,
    PersonName,
    PersonPhone,
    PersonEmail,
    RequesterName,
    RequesterPhone,
    RequesterEmail,
    SearchText,
}

const INDEX: &str = "contact_requests_team_received";

/// Rows read and rewritten at a time while filling the column.
const BATCH: u64 = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .add_column(
                        ColumnDef::new(ContactRequests::SearchText)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(ContactRequests::Table)
                    .col(ContactRequests::TeamId)
                    .col(ContactRequests::CreatedAt)
                    .col(ContactRequests::Id)
                    .to_owned(),
            )
            .await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(ContactRequests::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContactRequests::Table)
                    .drop_column(ContactRequests::SearchText)
                    .to_owned(),
            )
            .await
    }
}

/// Fills `search_text` for the rows stored before, a batch at a time in id order.
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let mut after: i64 = 0;
    loop {
        let select = Query::select()
            .columns([
                ContactRequests::Id,
                ContactRequests::ReferenceCode,
                ContactRequests::PersonName,
                ContactRequests::PersonEmail,
                ContactRequests::RequesterName,
                ContactRequests::RequesterEmail,
                ContactRequests::PersonPhone,
                ContactRequests::RequesterPhone,
            ])
            .from(ContactRequests::Table)
            .and_where(Expr::col(ContactRequests::Id).gt(after))
            .order_by(ContactRequests::Id, Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = conn.query_all(&select).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let code: String = row.try_get("", "reference_code")?;
            let words: Vec<Option<String>> = vec![
                Some(row.try_get("", "person_name")?),
                row.try_get("", "person_email")?,
                row.try_get("", "requester_name")?,
                row.try_get("", "requester_email")?,
            ];
            let phones: Vec<Option<String>> = vec![
                row.try_get("", "person_phone")?,
                row.try_get("", "requester_phone")?,
            ];
            let text = search_text(&code, &words, &phones);
            let update = Query::update()
                .table(ContactRequests::Table)
                .value(ContactRequests::SearchText, text)
                .and_where(Expr::col(ContactRequests::Id).eq(id))
                .to_owned();
            conn.execute(&update).await?;
            after = id;
        }
    }
}

fn fold(s: &str) -> String {
    let lower = s.nfc().collect::<String>().to_lowercase();
    let nfc: String = lower.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Stored phones are E.164 (`+46701234567`): a Swedish one becomes `0701234567`, another
/// country's its digits.
fn phone_digits(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("46") {
        Some(national) if e164.starts_with('+') => format!("0{national}"),
        _ => digits,
    }
}

fn search_text(code: &str, words: &[Option<String>], phones: &[Option<String>]) -> String {
    let mut parts = vec![fold(code).replace('-', "")];
    parts.extend(
        words
            .iter()
            .flatten()
            .map(|w| fold(w))
            .filter(|w| !w.is_empty()),
    );
    parts.extend(
        phones
            .iter()
            .flatten()
            .map(|p| phone_digits(p))
            .filter(|p| !p.is_empty()),
    );
    parts.join(" ")
}
