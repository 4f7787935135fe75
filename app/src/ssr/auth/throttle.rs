//! Slows down guessing of passwords and codes.
//!
//! Every attempt is counted *before* its secret is checked, by one upsert per key, so a burst of
//! requests at once cannot all be checked: the attempt that reaches a key's limit locks the key,
//! and the attempts after it are refused unchecked until the lock ends. A secret that was right
//! takes its own count back (and a completed login forgets the pair), so in the end the counts
//! are of failures.
//!
//! Each attempt counts against three keys:
//! - the pair (e-mail address, client address), `account_failures` (5): the lock people meet. An
//!   attacker's failures from one address do not lock the owner out at another.
//! - the e-mail address from anywhere, `account_wide_failures` (100): against guessing spread over
//!   many addresses. It is the one lock an attacker can put on someone else's account, so it is
//!   high and an admin can lift it (`clear_account`).
//! - the client address, any accounts, `client_failures` (30): against trying many accounts.
//!
//! Unknown e-mail addresses count the same way, so a lock tells nothing about which accounts exist.
//! At a key's limit it is locked for `lock_base`, doubling with each further attempt up to
//! `lock_max`. Counts live in the database, so every app instance sees the same ones. Keys are
//! HMACs under the installation key: no e-mail or address is stored, and a copy of the database
//! alone cannot be searched for one.
//!
//! Besides, [`InFlight`] bounds in memory how many checks per account and per client may wait for
//! argon2 at once: a burst beyond that is refused at once instead of queueing for the hasher.
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::keys::{Keys, Purpose};
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::entities::login_throttle as row;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, InsertStatement, LockBehavior, LockType, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Attempts older than this (counted from a key's last one) are forgotten.
const WINDOW: TimeDelta = TimeDelta::hours(1);
/// Stale rows deleted at most per failure: the table stays small without a long delete.
const PRUNE_BATCH: u64 = 100;

/// Which key an attempt counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// One e-mail address from one client address.
    Pair,
    /// One e-mail address from anywhere.
    Account,
    /// One client address, any e-mail addresses.
    Client,
}

impl Limit {
    fn attempts(self, a: &AccessSettings) -> i32 {
        let n = match self {
            Limit::Pair => a.account_failures,
            Limit::Account => a.account_wide_failures,
            Limit::Client => a.client_failures,
        };
        i32::try_from(n).unwrap_or(i32::MAX).max(1)
    }

    /// The name in the audit log's note.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Pair => "pair",
            Limit::Account => "account",
            Limit::Client => "client",
        }
    }
}

/// The keys one attempt counts against.
#[derive(Clone, Debug)]
pub struct Scopes {
    account: String,
    client: Option<String>,
    /// In the order they are counted (the same for every attempt, so two transactions on
    /// PostgreSQL take the rows' locks in the same order).
    list: Vec<(String, Limit)>,
}

fn mac(keys: &Keys, text: &str) -> String {
    keys.mac_hex(Purpose::Throttle, text.as_bytes())
}

/// The key of an e-mail address (as typed at login, normalised), on every row of its account.
pub fn account_key(keys: &Keys, email: &str) -> String {
    format!("account:{}", mac(keys, &format!("account\n{email}")))
}

/// The keys of an attempt on `email` from `client`.
pub fn scopes(keys: &Keys, email: &str, client: Option<IpAddr>) -> Scopes {
    let account = account_key(keys, email);
    let client = client.map(|ip| format!("client:{}", mac(keys, &format!("client\n{ip}"))));
    // Both parts are fixed-length keys, so no two pairs' texts are the same.
    let pair = format!(
        "pair:{}",
        mac(
            keys,
            &format!(
                "pair\n{account}\n{}",
                client.as_deref().unwrap_or("client:-")
            )
        )
    );
    let mut list = vec![(account.clone(), Limit::Account)];
    if let Some(c) = &client {
        list.push((c.clone(), Limit::Client));
    }
    list.push((pair, Limit::Pair));
    Scopes {
        account,
        client,
        list,
    }
}

/// The lock after the `n`th attempt with limit `limit`: none below it, then `lock_base`, doubling
/// with each further attempt, at most `lock_max`.
pub fn lock_after(n: i32, limit: i32, a: &AccessSettings) -> Option<TimeDelta> {
    if n < limit {
        return None;
    }
    let doublings = u32::try_from(n - limit).unwrap_or(0).min(16);
    let lock = a.lock_base * 2_i32.pow(doublings);
    Some(lock.min(a.lock_max))
}

fn ms(d: TimeDelta) -> i64 {
    d.num_milliseconds()
}

/// One attempt on one key, in one statement: a new key starts at 1; a key whose window has passed
/// starts again at 1; otherwise its count goes up by one and, at the limit, the key is locked
/// (the lock for the new count, written out as a `CASE` so both databases compute it the same).
/// A key that is locked is left alone: no row comes back, and the attempt is refused.
fn upsert(
    scope: &str,
    account: Option<String>,
    limit: i32,
    a: &AccessSettings,
    now_ms: i64,
) -> InsertStatement {
    // Here only: it gives every value `min`, `max`, `eq`… and clashes with `Ord` elsewhere.
    use row::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let col = |c: C| Expr::col((row::Entity, c));
    let lock_at = |n: i32| lock_after(n, limit, a).map(|l| now_ms + ms(l));
    let expired = col(C::LastAttempt).lt(now_ms - ms(WINDOW));
    let next = col(C::Attempts).add(1);
    let mut lock = Expr::case(expired.clone(), Expr::val(lock_at(1)))
        .case(next.clone().lt(limit), Expr::val(None::<i64>));
    let mut n = limit;
    // Each step until the lock stops growing (capped), then that lock for every count above.
    while lock_at(n) != lock_at(n.saturating_add(1)) && n - limit < 20 {
        lock = lock.case(next.clone().eq(n), Expr::val(lock_at(n)));
        n += 1;
    }
    let lock = lock.finally(Expr::val(lock_at(n)));
    // Not `NOT (locked_until > now)`: with no lock that is NULL, and NULL is not true.
    let open = col(C::LockedUntil)
        .is_null()
        .or(col(C::LockedUntil).lte(now_ms));
    Query::insert()
        .into_table(row::Entity)
        .columns([
            C::Scope,
            C::Account,
            C::Attempts,
            C::LastAttempt,
            C::LockedUntil,
        ])
        .values_panic([
            scope.into(),
            account.into(),
            1_i32.into(),
            now_ms.into(),
            lock_at(1).into(),
        ])
        .on_conflict(
            OnConflict::column(C::Scope)
                .values([
                    (C::Attempts, Expr::case(expired, 1_i32).finally(next).into()),
                    (C::LastAttempt, Expr::val(now_ms)),
                    (C::LockedUntil, lock.into()),
                ])
                .action_and_where(open)
                .to_owned(),
        )
        .returning(Query::returning().columns([C::Attempts, C::LockedUntil]))
        .to_owned()
}

/// An attempt that was counted and may now be checked.
#[derive(Debug)]
pub struct Counted {
    /// The keys this attempt locked (at their limit). If the secret is wrong they stay locked and
    /// the lock is audited; if it is right, `succeed` or `undo` lifts them again.
    pub locks: Vec<Limit>,
}

/// Counts one attempt against every key of `scopes`, before the secret is checked. `Err(wait)`:
/// a key is locked for `wait` more; the attempt is refused unchecked and counted nowhere (so
/// hammering a locked pair does not lock the account for everyone).
pub async fn attempt(
    db: &impl Db,
    scopes: &Scopes,
    a: &AccessSettings,
    now: DateTime<Utc>,
) -> Result<Result<Counted, TimeDelta>, DbErr> {
    let now_ms = now.timestamp_millis();
    let txn = write_txn(db).await?;
    let mut locks = Vec::new();
    for (scope, limit) in &scopes.list {
        let account = (*limit != Limit::Client).then(|| scopes.account.clone());
        let stmt = upsert(scope, account, limit.attempts(a), a, now_ms);
        match txn.query_one(&stmt).await? {
            Some(r) => {
                if r.try_get::<Option<i64>>("", "locked_until")?.is_some() {
                    locks.push(*limit);
                }
            }
            None => {
                txn.rollback().await?;
                let wait = locked_for(db, scopes, now).await?;
                return Ok(Err(wait.unwrap_or(TimeDelta::seconds(1))));
            }
        }
    }
    txn.commit().await?;
    Ok(Ok(Counted { locks }))
}

/// How long until the longest lock among `scopes` ends, if any is locked.
pub async fn locked_for(
    conn: &impl ConnectionTrait,
    scopes: &Scopes,
    now: DateTime<Utc>,
) -> Result<Option<TimeDelta>, DbErr> {
    let keys = scopes.list.iter().map(|(s, _)| s.clone());
    let rows = row::Entity::find()
        .filter(row::Column::Scope.is_in(keys))
        .all(conn)
        .await?;
    let now_ms = now.timestamp_millis();
    Ok(rows
        .iter()
        .filter_map(|r| r.locked_until.filter(|u| *u > now_ms))
        .max()
        .map(|until| TimeDelta::milliseconds(until - now_ms)))
}

/// Takes this attempt back from key `scope` (its secret was right): one less, and no lock if that
/// brings the key below its limit.
async fn take_back(
    conn: &impl ConnectionTrait,
    scope: &str,
    limit: Limit,
    a: &AccessSettings,
) -> Result<(), DbErr> {
    // Here only: it gives every value `min`, `max`, `eq`… and clashes with `Ord` elsewhere.
    use row::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let left = Expr::col(C::Attempts).sub(1);
    row::Entity::update_many()
        .col_expr(C::Attempts, left.clone())
        .col_expr(
            C::LockedUntil,
            Expr::case(left.lt(limit.attempts(a)), Expr::val(None::<i64>))
                .finally(Expr::col(C::LockedUntil))
                .into(),
        )
        .filter(C::Scope.eq(scope))
        .filter(C::Attempts.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The secret was right but the login is not complete yet (the code step comes next): the
/// attempt is taken back from every key.
pub async fn undo(
    conn: &impl ConnectionTrait,
    scopes: &Scopes,
    a: &AccessSettings,
) -> Result<(), DbErr> {
    for (scope, limit) in &scopes.list {
        take_back(conn, scope, *limit, a).await?;
    }
    Ok(())
}

/// The secret was right and the step is done: the pair's count is forgotten; the account's and
/// the client's lose this attempt only (one good password does not open a new round of guesses
/// at other accounts, or at this one from elsewhere). Keys are written in the order `attempt`
/// writes them, so two transactions on PostgreSQL cannot wait for each other in a ring.
pub async fn succeed(
    conn: &impl ConnectionTrait,
    scopes: &Scopes,
    a: &AccessSettings,
) -> Result<(), DbErr> {
    for (scope, limit) in &scopes.list {
        if *limit == Limit::Pair {
            row::Entity::delete_by_id(scope.clone()).exec(conn).await?;
        } else {
            take_back(conn, scope, *limit, a).await?;
        }
    }
    Ok(())
}

/// An admin's unlock: forgets every count and lock of the account behind `email` (its own and
/// every pair with it), wherever the attempts came from. Returns how many keys were locked.
pub async fn clear_account(
    conn: &impl ConnectionTrait,
    keys: &Keys,
    email: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let account = account_key(keys, email);
    let locked = row::Entity::find()
        .filter(row::Column::Account.eq(account.as_str()))
        .filter(row::Column::LockedUntil.gt(now.timestamp_millis()))
        .all(conn)
        .await?
        .len();
    row::Entity::delete_many()
        .filter(row::Column::Account.eq(account))
        .exec(conn)
        .await?;
    Ok(u64::try_from(locked).unwrap_or(u64::MAX))
}

/// Deletes up to `PRUNE_BATCH` rows that no longer count (window over, not locked), so the table
/// does not grow with every address that ever tried. Called on each failure: whoever makes rows
/// also clears old ones. On PostgreSQL rows another transaction is counting on are skipped, not
/// waited for, and the conditions are checked again on the row deleted (SQLite ignores the lock
/// clause: it writes one transaction at a time anyway).
pub async fn prune(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    // Here only: it gives every value `min`, `max`, `eq`… and clashes with `Ord` elsewhere.
    use row::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let now_ms = now.timestamp_millis();
    let stale = || {
        Expr::col(C::LastAttempt).lt(now_ms - ms(WINDOW)).and(
            Expr::col(C::LockedUntil)
                .is_null()
                .or(Expr::col(C::LockedUntil).lte(now_ms)),
        )
    };
    let batch = Query::select()
        .column(C::Scope)
        .from(row::Entity)
        .and_where(stale())
        .limit(PRUNE_BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let done = row::Entity::delete_many()
        .filter(C::Scope.in_subquery(batch))
        .filter(stale())
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

/// Deletes every row that no longer counts, a batch at a time (the background job
/// `login_throttle.prune`, so the table is cleaned even when nobody fails a login). Returns how
/// many were deleted.
pub async fn prune_all(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let mut total = 0;
    // Bounded: a table that keeps filling as fast as it is emptied is left for the next run.
    for _ in 0..1000 {
        let n = prune(conn, now).await?;
        total += n;
        if n < PRUNE_BATCH {
            break;
        }
    }
    Ok(total)
}

/// Checks per account that may wait for the password hasher at once (a person tries twice at
/// most; more at the same moment is a script).
const IN_FLIGHT_PER_ACCOUNT: u32 = 2;
/// Checks per client address at once (an office behind one address logs in a few at a time).
const IN_FLIGHT_PER_CLIENT: u32 = 4;
/// Keys followed at once: a flood from very many addresses cannot grow the map without bound.
const IN_FLIGHT_KEYS: usize = 10_000;

/// How many checks per account and per client are running, in memory (per app instance).
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<HashMap<String, u32>>>);

/// A place among the checks in flight; dropping it gives the place back.
#[must_use]
pub struct Slot {
    map: Arc<Mutex<HashMap<String, u32>>>,
    keys: Vec<String>,
}

impl InFlight {
    /// A place for one check on `scopes`' account from its client, or `None` when either already
    /// has its most (or too many keys are followed): then refuse at once.
    pub fn enter(&self, scopes: &Scopes) -> Option<Slot> {
        let wanted: Vec<(&str, u32)> =
            std::iter::once((scopes.account.as_str(), IN_FLIGHT_PER_ACCOUNT))
                .chain(scopes.client.as_deref().map(|c| (c, IN_FLIGHT_PER_CLIENT)))
                .collect();
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if wanted
            .iter()
            .any(|(k, most)| map.get(*k).is_some_and(|n| n >= most))
        {
            return None;
        }
        let new = wanted.iter().filter(|(k, _)| !map.contains_key(*k)).count();
        if map.len() + new > IN_FLIGHT_KEYS {
            return None;
        }
        for (k, _) in &wanted {
            *map.entry((*k).to_string()).or_insert(0) += 1;
        }
        Some(Slot {
            map: self.0.clone(),
            keys: wanted.into_iter().map(|(k, _)| k.to_string()).collect(),
        })
    }

    /// Keys followed now (tests).
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether no check is in flight (tests).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        for k in &self.keys {
            if let Some(n) = map.get_mut(k) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_bytes([7; 32])
    }

    #[test]
    fn locks_grow_and_are_capped() {
        let a = AccessSettings::default();
        assert_eq!(lock_after(4, 5, &a), None);
        assert_eq!(lock_after(5, 5, &a), Some(TimeDelta::minutes(1)));
        assert_eq!(lock_after(6, 5, &a), Some(TimeDelta::minutes(2)));
        assert_eq!(lock_after(8, 5, &a), Some(TimeDelta::minutes(8)));
        assert_eq!(lock_after(40, 5, &a), Some(TimeDelta::minutes(15)));
    }

    #[test]
    fn scopes_hold_no_personal_data_and_depend_on_the_key() {
        let s = scopes(&keys(), "sara@exempel.se", "10.0.0.1".parse().ok());
        assert_eq!(s.list.len(), 3);
        assert!(s
            .list
            .iter()
            .all(|(k, _)| !k.contains("sara") && !k.contains("10.0") && k.len() <= 80));
        // Not a plain hash: another installation's key gives other keys.
        let other = scopes(
            &Keys::from_bytes([8; 32]),
            "sara@exempel.se",
            "10.0.0.1".parse().ok(),
        );
        assert!(s.list.iter().zip(&other.list).all(|(a, b)| a.0 != b.0));
        assert!(!s.list[0]
            .0
            .contains(&crate::ssr::infra::digest::sha256_hex(b"sara@exempel.se")));
        // The same account from another address: another pair, the same account key.
        let elsewhere = scopes(&keys(), "sara@exempel.se", "10.0.0.2".parse().ok());
        assert_eq!(s.list[0], elsewhere.list[0]);
        assert_ne!(s.list[2], elsewhere.list[2]);
        assert_eq!(s.account, account_key(&keys(), "sara@exempel.se"));
    }

    #[test]
    fn in_flight_is_bounded_per_account_and_client_and_given_back() {
        let gate = InFlight::default();
        let ip = "10.0.0.1".parse().ok();
        let sara = scopes(&keys(), "sara@exempel.se", ip);
        let first = gate.enter(&sara).expect("first");
        let second = gate.enter(&sara).expect("second");
        assert!(gate.enter(&sara).is_none(), "two per account at most");
        // Other accounts from the same client: up to the client's limit.
        let a = gate.enter(&scopes(&keys(), "a@exempel.se", ip)).expect("a");
        let b = gate.enter(&scopes(&keys(), "b@exempel.se", ip)).expect("b");
        assert!(gate.enter(&scopes(&keys(), "c@exempel.se", ip)).is_none());
        // Sara from elsewhere is still refused (the account's limit), others from elsewhere not.
        let away = "10.0.0.9".parse().ok();
        assert!(gate
            .enter(&scopes(&keys(), "sara@exempel.se", away))
            .is_none());
        let c = gate
            .enter(&scopes(&keys(), "c@exempel.se", away))
            .expect("c");
        drop((first, second, a, b, c));
        assert!(gate.is_empty(), "every place given back");
        assert!(gate.enter(&sara).is_some());
    }
}
