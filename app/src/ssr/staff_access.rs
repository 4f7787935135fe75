//! Signing in and out, and changing one's own password.
use super::audit::{self, Event};
use super::authz::Staff;
use super::entities::staff;
use super::login_throttle as throttle;
use super::sessions;
use super::state::AppState;
use super::totp;
use super::two_factor;
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::staff::login_email;
use chrono::{TimeDelta, Utc};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set};
use std::net::IpAddr;

/// How a login attempt ended.
#[derive(Debug)]
pub enum Login {
    /// Signed in: the new session's token, and whether a new password must be chosen first.
    Ok {
        token: String,
        must_change_password: bool,
    },
    /// Wrong e-mail or password: one answer for both, so nobody learns which accounts exist.
    Failed,
    /// Too many failures: try again after this long.
    Locked(TimeDelta),
    /// The password was right; the two-factor code comes next, in the session behind `token`.
    SecondFactor { token: String },
}

/// Checks `email` and `password`. `old_token` is the session the browser already had, if any:
/// it is ended, so the session id always changes at login.
pub async fn login(
    state: &AppState,
    email: &str,
    password: String,
    client: Option<IpAddr>,
    old_token: Option<String>,
) -> Result<Login, AppError> {
    let now = Utc::now();
    let access = &state.settings.access;
    let email = login_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    let scopes = throttle::scopes(&email, client);
    if let Some(wait) = throttle::locked_for(&state.db, &scopes, now).await? {
        return Ok(Login::Locked(wait));
    }
    let member = staff::Entity::find()
        .filter(staff::Column::Email.eq(email.as_str()))
        .filter(staff::Column::Active.eq(true))
        .one(&state.db)
        .await?;
    let hash = member.as_ref().map(|m| m.password_hash.clone());
    // A failure on a real account goes into that team's log (its admins review it).
    let known = member.as_ref().map(|m| (m.team_id, m.id));
    let ok = state.passwords.verify(hash, password).await;
    let txn = super::db::write_txn(&state.db).await?;
    let outcome = match member.filter(|_| ok) {
        Some(m) if m.totp_secret.is_some() => {
            if let Some(old) = old_token {
                sessions::end(&txn, &old).await?;
            }
            let token = sessions::start(&txn, m.id, access, now, true).await?;
            Login::SecondFactor { token }
        }
        Some(m) => {
            let token =
                complete_login(&txn, &m, &scopes, old_token.as_deref(), state, client, None)
                    .await?;
            Login::Ok {
                token,
                must_change_password: m.must_change_password,
            }
        }
        None => {
            throttle::fail(&txn, &scopes, access, now).await?;
            // No e-mail in the log: a mistyped address may be someone's password.
            audit::record(
                &txn,
                Event {
                    team_id: known.map(|k| k.0),
                    action: action::LOGIN_FAILED,
                    subject: known.map(|k| ("staff", k.1.to_string())),
                    client,
                    ..Default::default()
                },
            )
            .await?;
            Login::Failed
        }
    };
    txn.commit().await?;
    tracing::info!(ok = matches!(outcome, Login::Ok { .. }), "login attempt");
    Ok(outcome)
}

/// The second step of a two-factor login: `code` from the authenticator app, or a recovery code.
/// On success the waiting session is replaced by a full one (a new id) and its token returned.
pub async fn second_factor(
    state: &AppState,
    token: &str,
    code: &str,
    client: Option<IpAddr>,
) -> Result<Login, AppError> {
    let now = Utc::now();
    let access = &state.settings.access;
    let found = sessions::find(&state.db, token, access, now).await?;
    let Some(m) = found.filter(|f| f.second_factor_pending).map(|f| f.staff) else {
        return Err(AppError::Unauthorized);
    };
    let scopes = throttle::scopes(&m.email, client);
    if let Some(wait) = throttle::locked_for(&state.db, &scopes, now).await? {
        return Ok(Login::Locked(wait));
    }
    let txn = super::db::write_txn(&state.db).await?;
    let step = m
        .totp_secret
        .as_deref()
        .and_then(|secret| totp::verify(secret, code, now.timestamp(), m.totp_last_step));
    let how = match step {
        Some(step) => {
            staff::Entity::update(staff::ActiveModel {
                id: Set(m.id),
                totp_last_step: Set(Some(step)),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            Some("two-factor code")
        }
        None => two_factor::use_recovery_code(&txn, m.id, code, now)
            .await?
            .then_some("recovery code"),
    };
    let Some(how) = how else {
        throttle::fail(&txn, &scopes, access, now).await?;
        audit::record(
            &txn,
            Event {
                team_id: Some(m.team_id),
                actor: Some(m.id),
                action: action::LOGIN_FAILED,
                client,
                detail: Some("two-factor code".into()),
                ..Default::default()
            },
        )
        .await?;
        txn.commit().await?;
        return Ok(Login::Failed);
    };
    let token = complete_login(&txn, &m, &scopes, Some(token), state, client, Some(how)).await?;
    txn.commit().await?;
    Ok(Login::Ok {
        token,
        must_change_password: m.must_change_password,
    })
}

/// The end of every successful login: the account's failures are forgotten, the browser's old
/// session ends and a new one starts (a new id), and the login is audited. Returns the token.
async fn complete_login(
    txn: &DatabaseTransaction,
    m: &staff::Model,
    scopes: &[(String, throttle::Limit)],
    old_token: Option<&str>,
    state: &AppState,
    client: Option<IpAddr>,
    how: Option<&str>,
) -> Result<String, DbErr> {
    throttle::succeed(txn, scopes).await?;
    if let Some(old) = old_token {
        sessions::end(txn, old).await?;
    }
    let token = sessions::start(txn, m.id, &state.settings.access, Utc::now(), false).await?;
    audit::record(
        txn,
        Event {
            team_id: Some(m.team_id),
            actor: Some(m.id),
            action: action::LOGIN,
            client,
            detail: how.map(str::to_string),
            ..Default::default()
        },
    )
    .await?;
    Ok(token)
}

/// Ends the session behind `token`.
pub async fn logout(state: &AppState, token: &str, client: Option<IpAddr>) -> Result<(), AppError> {
    let txn = super::db::write_txn(&state.db).await?;
    if let Some(staff_id) = sessions::end(&txn, token).await? {
        let team_id = staff::Entity::find_by_id(staff_id)
            .one(&txn)
            .await?
            .map(|m| m.team_id);
        audit::record(
            &txn,
            Event {
                team_id,
                actor: Some(staff_id),
                action: action::LOGOUT,
                client,
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Why a password change was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    WrongCurrent,
    SameAsBefore,
}

/// Replaces the caller's password. Every session of theirs ends and a new one starts: the token
/// is returned for the cookie.
pub async fn change_password(
    state: &AppState,
    who: &Staff,
    current: String,
    new: String,
) -> Result<Result<String, ChangeRefused>, AppError> {
    let member = staff::Entity::find_by_id(who.id())
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !state
        .passwords
        .verify(Some(member.password_hash.clone()), current.clone())
        .await
    {
        return Ok(Err(ChangeRefused::WrongCurrent));
    }
    if current == new {
        return Ok(Err(ChangeRefused::SameAsBefore));
    }
    let hash = state.passwords.hash(new).await.ok_or(AppError::Internal)?;
    let now = Utc::now();
    let txn = super::db::write_txn(&state.db).await?;
    staff::Entity::update(staff::ActiveModel {
        id: Set(member.id),
        password_hash: Set(hash),
        must_change_password: Set(false),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    sessions::end_all(&txn, member.id).await?;
    let token = sessions::start(&txn, member.id, &state.settings.access, now, false).await?;
    audit::record(
        &txn,
        Event {
            team_id: Some(who.team_id()),
            actor: Some(who.id()),
            action: action::PASSWORD_CHANGE,
            subject: Some(("staff", who.id().to_string())),
            client: who.client(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(token))
}
