//! Staff sessions in the database, so every app instance knows them. The cookie carries a random
//! token; the database holds only its SHA-256, so a copy of the database cannot be used to log in.
use crate::models::ids::StaffId;
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::infra::random::random_bytes;
use crate::ssr::infra::secret::Secret;
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::entities::{staff, staff_session as session};
use chrono::{DateTime, TimeDelta, Utc};
use http::HeaderMap;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// How often `last_seen_at` is written: often enough for the idle timeout, rare enough that
/// reading a page does not write to the database every time.
const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);

/// The cookie's name. Over HTTPS the `__Host-` prefix makes browsers insist on `Secure`, `Path=/`
/// and no `Domain`, so no other site or subdomain can plant or read it.
pub fn cookie_name(access: &AccessSettings) -> &'static str {
    if access.https {
        "__Host-halsolots_sid"
    } else {
        "halsolots_sid"
    }
}

/// `Set-Cookie` for a new session: HttpOnly (scripts cannot read it), SameSite=Lax, Secure over
/// HTTPS. A browser-session cookie (no `Max-Age` or `Expires`): closing the browser on a shared
/// computer forgets it. The server ends the session itself after `session_idle` unused or
/// `session_max` in all, whatever the browser keeps.
pub fn set_cookie(access: &AccessSettings, token: &str) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        cookie_name(access),
        if access.https { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(access: &AccessSettings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(access),
        if access.https { "; Secure" } else { "" }
    )
}

/// The session token the browser sent, if it has the right shape.
pub fn token_from(headers: &HeaderMap, access: &AccessSettings) -> Option<Secret<String>> {
    let name = cookie_name(access);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(Secret::new)
}

/// Starts a session for `staff_id` and returns the token for the cookie. A session with
/// `second_factor_pending` gives no access until the code step completes it.
pub async fn start(
    conn: &impl ConnectionTrait,
    staff_id: StaffId,
    access: &AccessSettings,
    now: DateTime<Utc>,
    second_factor_pending: bool,
) -> Result<Secret<String>, DbErr> {
    let token = hex::encode(random_bytes::<32>()?);
    session::Entity::insert(session::ActiveModel {
        id_hash: Set(sha256_hex(token.as_bytes())),
        staff_id: Set(staff_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + access.session_max),
        second_factor_pending: Set(second_factor_pending),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(Secret::new(token))
}

/// The stored session for a cookie token, with its key.
async fn by_token(
    conn: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(String, session::Model)>, DbErr> {
    let id_hash = sha256_hex(token.as_bytes());
    let found = session::Entity::find_by_id(id_hash.clone())
        .one(conn)
        .await?;
    Ok(found.map(|s| (id_hash, s)))
}

/// A live session and its staff member.
pub struct Found {
    pub staff: staff::Model,
    /// Only the two-factor code step may use this session.
    pub second_factor_pending: bool,
}

/// The active staff member behind `token`: the session exists, has been used within the idle
/// timeout, has not passed its absolute end, and the account is active. Expired sessions are
/// deleted when met.
pub async fn find(
    conn: &impl ConnectionTrait,
    token: &str,
    access: &AccessSettings,
    now: DateTime<Utc>,
) -> Result<Option<Found>, DbErr> {
    let Some((id_hash, s)) = by_token(conn, token).await? else {
        return Ok(None);
    };
    if now >= s.expires_at || now - s.last_seen_at >= access.session_idle {
        session::Entity::delete_by_id(id_hash).exec(conn).await?;
        return Ok(None);
    }
    let Some(member) = staff::Entity::find_by_id(s.staff_id).one(conn).await? else {
        return Ok(None);
    };
    if !member.active {
        return Ok(None);
    }
    if now - s.last_seen_at >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(conn)
            .await?;
    }
    Ok(Some(Found {
        staff: member,
        second_factor_pending: s.second_factor_pending,
    }))
}

/// Ends the session behind `token` (logout). Returns the staff id it belonged to.
pub async fn end(conn: &impl ConnectionTrait, token: &str) -> Result<Option<StaffId>, DbErr> {
    let Some((id_hash, s)) = by_token(conn, token).await? else {
        return Ok(None);
    };
    session::Entity::delete_by_id(id_hash).exec(conn).await?;
    Ok(Some(s.staff_id))
}

/// Ends every session of a staff member (deactivated, password reset or changed).
pub async fn end_all(conn: &impl ConnectionTrait, staff_id: StaffId) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::StaffId.eq(staff_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// After a change of a factor (password, two-factor on or off) by the member: every other session
/// of theirs ends (a thief's among them), and theirs goes on under a new id. Returns its token.
pub async fn renew(
    conn: &impl ConnectionTrait,
    staff_id: StaffId,
    access: &AccessSettings,
    now: DateTime<Utc>,
) -> Result<Secret<String>, DbErr> {
    end_all(conn, staff_id).await?;
    start(conn, staff_id, access, now, false).await
}

/// Ends the session behind `token` if it is still waiting for its second factor. `false` when it
/// is not (any more): another request completed it first, so this one must not.
pub async fn consume_pending(conn: &impl ConnectionTrait, token: &str) -> Result<bool, DbErr> {
    let done = session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(sha256_hex(token.as_bytes())))
        .filter(session::Column::SecondFactorPending.eq(true))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes every session past its absolute end or unused for the idle timeout (what `find` would
/// refuse), so they do not stay in the table when nobody comes back with their cookie. Run by the
/// background job `sessions.prune`. Returns how many were deleted.
pub async fn prune(
    conn: &impl ConnectionTrait,
    access: &AccessSettings,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let done = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - access.session_idle)),
        )
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_locked_down() {
        let mut a = AccessSettings::default();
        let c = set_cookie(&a, "ab");
        assert!(c.starts_with("halsolots_sid=ab; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!c.contains("Secure"));
        // Gone when the browser closes: no lifetime of its own.
        assert!(!c.contains("Max-Age") && !c.contains("Expires"), "{c}");
        a.https = true;
        let c = set_cookie(&a, "ab");
        assert!(c.starts_with("__Host-halsolots_sid=ab;") && c.ends_with("; Secure"));
        assert!(!c.contains("Max-Age") && !c.contains("Expires"), "{c}");
        assert!(clear_cookie(&a).contains("Max-Age=0"));
    }

    #[test]
    fn reads_only_well_formed_tokens() {
        let a = AccessSettings::default();
        let token = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            format!("lang=sv; halsolots_sid={token}").parse().unwrap(),
        );
        assert_eq!(token_from(&h, &a), Some(Secret::new(token)));
        h.insert(http::header::COOKIE, "halsolots_sid=xyz".parse().unwrap());
        assert_eq!(token_from(&h, &a), None);
    }
}
