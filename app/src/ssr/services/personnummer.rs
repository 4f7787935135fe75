//! A participant's personnummer: kept only where the team's settings allow it, stored sealed with
//! the installation key (bound to the participant's row, so a value copied to another row does
//! not open), shown whole only in the case page's edit field and masked everywhere else. Never
//! written to a log or an audit entry. Used by `services::cases` inside its transactions.
use crate::error::AppError;
use crate::i18n::K;
use crate::models::case::{field, PersonnummerField};
use crate::models::form::FieldErrors;
use crate::models::ids::TeamId;
use crate::models::personnummer::Personnummer;
use crate::ssr::infra::keys::{Keys, Purpose};
use crate::ssr::repo::entities::{participant as pt, team};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// What a sealed value is bound to: its participant's row.
fn context(participant: i64) -> Vec<u8> {
    format!("participant:{participant}").into_bytes()
}

/// Whether `team` allows personnummer. Read with a shared lock on the team's row (PostgreSQL;
/// SQLite's write transactions are serial anyway), so an admin turning the setting off — which
/// erases them all — waits for a save that read "allowed" to finish, and then erases that one too.
async fn team_allows(conn: &impl ConnectionTrait, team: TeamId) -> Result<bool, AppError> {
    team::Entity::find_by_id(team)
        .select_only()
        .column(team::Column::PersonnummerAllowed)
        .lock_shared()
        .into_tuple::<bool>()
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a save of the person's details does to the stored personnummer: `None` leaves it as it
/// is, `Some(None)` clears it, `Some(Some(sealed))` stores a new one. A personnummer typed where
/// the team does not allow them is refused at its field (and nothing is saved).
pub async fn to_store(
    conn: &impl ConnectionTrait,
    keys: &Keys,
    team: TeamId,
    participant: i64,
    typed: Option<&Personnummer>,
) -> Result<Option<Option<String>>, AppError> {
    let allowed = team_allows(conn, team).await?;
    match (typed, allowed) {
        (Some(_), false) => {
            let mut errors = FieldErrors::default();
            errors.add(field::PERSONNUMMER, K::err_pnr_not_allowed);
            Err(AppError::Invalid(errors))
        }
        (Some(p), true) => {
            let sealed = keys
                .seal(
                    Purpose::Personnummer,
                    &context(participant),
                    p.as_str().as_bytes(),
                )
                .map_err(|_| AppError::internal("no random source to seal a personnummer"))?;
            Ok(Some(Some(sealed)))
        }
        // The field was on the form and left empty: no personnummer any more.
        (None, true) => Ok(Some(None)),
        // Not allowed, so not on the form: nothing to change (none is kept, see `team::update`).
        (None, false) => Ok(None),
    }
}

/// The case page's personnummer of `participant` (of `team`).
pub async fn for_case_page(
    conn: &impl ConnectionTrait,
    keys: &Keys,
    team: TeamId,
    participant: i64,
) -> Result<PersonnummerField, AppError> {
    let allowed = team::Entity::find_by_id(team)
        .select_only()
        .column(team::Column::PersonnummerAllowed)
        .into_tuple::<bool>()
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let sealed: Option<Option<String>> = pt::Entity::find_by_id(participant)
        .filter(pt::Column::TeamId.eq(team.0))
        .select_only()
        .column(pt::Column::Personnummer)
        .into_tuple()
        .one(conn)
        .await?;
    let stored = match sealed.flatten() {
        None => None,
        Some(s) => Some(open(keys, participant, &s)?),
    };
    Ok(PersonnummerField::of(allowed, stored.as_ref()))
}

/// Opens a stored personnummer. One that does not open (another key, a value moved between rows,
/// damage) is an internal error: the key is checked at start, so this is never routine.
fn open(keys: &Keys, participant: i64, sealed: &str) -> Result<Personnummer, AppError> {
    keys.open(Purpose::Personnummer, &context(participant), sealed)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| Personnummer::from_stored(&s))
        .ok_or_else(|| AppError::internal("a stored personnummer that does not open"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_personnummer_opens_only_on_its_own_row() {
        let keys = Keys::from_bytes([7; 32]);
        let p = Personnummer::from_stored("198112189876").unwrap();
        let sealed = keys
            .seal(Purpose::Personnummer, &context(5), p.as_str().as_bytes())
            .unwrap();
        assert!(!sealed.contains(p.as_str()));
        assert_eq!(open(&keys, 5, &sealed).unwrap(), p);
        assert!(open(&keys, 6, &sealed).is_err(), "moved to another row");
        assert!(
            open(&Keys::from_bytes([8; 32]), 5, &sealed).is_err(),
            "another key"
        );
    }
}
