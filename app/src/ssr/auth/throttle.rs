//! Slows down password guessing. Failures are counted per e-mail address (whether or not an account
//! has it, so a lock tells nothing about which accounts exist) and per client address. At the
//! limit the key is locked for `lock_base`, doubling with each further failure up to `lock_max`.
//! Counts live in the database, so every app instance sees the same ones.
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::entities::login_throttle as row;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use std::net::IpAddr;

/// Failures older than this are forgotten when the next one comes.
const WINDOW: TimeDelta = TimeDelta::hours(1);

/// The keys a login attempt counts against (hashed: no e-mail or address is stored).
pub fn scopes(email: &str, client: Option<IpAddr>) -> Vec<(String, Limit)> {
    let mut v = vec![(
        format!("account:{}", sha256_hex(email.as_bytes())),
        Limit::Account,
    )];
    if let Some(ip) = client {
        v.push((
            format!("client:{}", sha256_hex(ip.to_string().as_bytes())),
            Limit::Client,
        ));
    }
    v
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Account,
    Client,
}

impl Limit {
    fn failures(self, a: &AccessSettings) -> i32 {
        let n = match self {
            Limit::Account => a.account_failures,
            Limit::Client => a.client_failures,
        };
        i32::try_from(n).unwrap_or(i32::MAX)
    }
}

/// How long until the longest lock among `scopes` ends, if any is locked.
pub async fn locked_for(
    conn: &impl ConnectionTrait,
    scopes: &[(String, Limit)],
    now: DateTime<Utc>,
) -> Result<Option<TimeDelta>, DbErr> {
    let mut longest = None;
    for (scope, _) in scopes {
        if let Some(r) = row::Entity::find_by_id(scope.clone()).one(conn).await? {
            if let Some(until) = r.locked_until.filter(|u| *u > now) {
                longest = longest.max(Some(until - now));
            }
        }
    }
    Ok(longest)
}

/// The lock after `failures` failures with limit `limit`.
pub fn lock_after(failures: i32, limit: i32, a: &AccessSettings) -> Option<TimeDelta> {
    if failures < limit {
        return None;
    }
    let doublings = u32::try_from(failures - limit).unwrap_or(0).min(16);
    let lock = a.lock_base * 2_i32.pow(doublings);
    Some(lock.min(a.lock_max))
}

/// Counts one failure against each scope and locks those at their limit.
pub async fn fail(
    conn: &impl ConnectionTrait,
    scopes: &[(String, Limit)],
    a: &AccessSettings,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for (scope, limit) in scopes {
        let old = row::Entity::find_by_id(scope.clone()).one(conn).await?;
        let failures = match &old {
            Some(r) if now - r.last_failure_at < WINDOW => r.failures.saturating_add(1),
            _ => 1,
        };
        let model = row::ActiveModel {
            scope: Set(scope.clone()),
            failures: Set(failures),
            last_failure_at: Set(now),
            locked_until: Set(lock_after(failures, limit.failures(a), a).map(|l| now + l)),
        };
        if old.is_some() {
            row::Entity::update(model).exec(conn).await?;
        } else {
            row::Entity::insert(model)
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(())
}

/// Forgets the failures of the account after a successful login (the client's count stays, so
/// one good password does not open a new round of guesses at other accounts).
pub async fn succeed(conn: &impl ConnectionTrait, scopes: &[(String, Limit)]) -> Result<(), DbErr> {
    for (scope, limit) in scopes {
        if *limit == Limit::Account {
            row::Entity::delete_by_id(scope.clone()).exec(conn).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn scopes_hold_no_personal_data() {
        let s = scopes("sara@exempel.se", "10.0.0.1".parse().ok());
        assert_eq!(s.len(), 2);
        assert!(s
            .iter()
            .all(|(k, _)| !k.contains("sara") && !k.contains("10.0")));
    }
}
