//! The guard around every check of a secret (a password, a code): a place among the checks in
//! flight (else refused at once), the attempt counted (else refused while its key is locked), and
//! only then the check; a failure is audited with the lock it set, a success takes its count back.
//! Login, the password change and turning two-factor off all go through it. See `throttle` for
//! the keys and limits.
use crate::models::audit::Action;
use crate::ssr::auth::password::Passwords;
use crate::ssr::auth::throttle::{self, Counted, InFlight, Scopes, Slot};
use crate::ssr::infra::db::Db;
use crate::ssr::infra::keys::Keys;
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::audit::{self, Event};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{DatabaseTransaction, DbErr};

/// What checking a secret needs besides the database. Handlers take each part from the app state.
#[derive(Clone, Copy)]
pub struct Checks<'a> {
    pub passwords: &'a Passwords,
    pub in_flight: &'a InFlight,
    pub keys: &'a Keys,
    pub access: &'a AccessSettings,
    /// Now, by the app's clock (sessions start and throttle windows run from it).
    pub now: DateTime<Utc>,
}

/// A check refused before it was made.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Busy,
    Locked(TimeDelta),
}

/// A check that may go ahead: its attempt is counted and it holds a place in flight until dropped.
pub(crate) struct Admitted {
    counted: Counted,
    _slot: Slot,
}

/// Admits one check of a secret on `scopes`' keys, or refuses it unchecked.
pub(crate) async fn admit(
    db: &impl Db,
    checks: &Checks<'_>,
    scopes: &Scopes,
    now: DateTime<Utc>,
) -> Result<Result<Admitted, Refused>, DbErr> {
    let Some(slot) = checks.in_flight.enter(scopes) else {
        return Ok(Err(Refused::Busy));
    };
    Ok(
        match throttle::attempt(db, scopes, checks.access, now).await? {
            Ok(counted) => Ok(Admitted {
                counted,
                _slot: slot,
            }),
            Err(wait) => Err(Refused::Locked(wait)),
        },
    )
}

/// A wrong secret: `event` goes into the log, and so does the lock this attempt set, if any.
/// Throttle rows that no longer count are cleared on the way.
pub(crate) async fn record_failure(
    txn: &DatabaseTransaction,
    admitted: &Admitted,
    event: Event,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    throttle::prune(txn, now).await?;
    let locks = &admitted.counted.locks;
    let locked = (!locks.is_empty()).then(|| Event {
        action: Action::LoginLocked,
        detail: Some(
            locks
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ),
        ..event.clone()
    });
    audit::record(txn, event).await?;
    if let Some(e) = locked {
        audit::record(txn, e).await?;
    }
    Ok(())
}

/// Why a change that needs the current password (and for two-factor off, a code) was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    /// The current password (or the code) is wrong.
    WrongCurrent,
    SameAsBefore,
    /// Too many checks of this account or from this client at once.
    Busy,
    /// Too many failures: locked for this long.
    Locked(TimeDelta),
}

impl From<Refused> for ChangeRefused {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Busy => ChangeRefused::Busy,
            Refused::Locked(wait) => ChangeRefused::Locked(wait),
        }
    }
}
