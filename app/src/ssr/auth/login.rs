//! Signing in and out, and changing one's own password. Every check of a secret goes through
//! `guard` first.
use crate::error::AppError;
use crate::models::audit::Action;
use crate::models::staff::login_email;
use crate::ssr::auth::guard::{self, ChangeRefused, Checks, Refused};
use crate::ssr::auth::proof::SignedIn;
use crate::ssr::auth::throttle::{self, Scopes};
use crate::ssr::auth::{sessions, totp, two_factor};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::secret::Secret;
use crate::ssr::infra::secret::SecretText;
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::staff;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set};
use std::net::IpAddr;

/// How a login attempt ended.
#[derive(Debug)]
pub enum Login {
    /// Signed in: the new session's token, and whether a new password must be chosen first.
    Ok {
        token: Secret<String>,
        must_change_password: bool,
    },
    /// Wrong e-mail or password: one answer for both, so nobody learns which accounts exist.
    Failed,
    /// Too many failures: try again after this long. Nothing was checked.
    Locked(TimeDelta),
    /// Too many checks of this account or from this client are running right now. Nothing was
    /// checked or counted.
    Busy,
    /// The password was right; the two-factor code comes next, in the session behind `token`.
    SecondFactor { token: Secret<String> },
}

/// Checks `email` and `password`. `old_token` is the session the browser already had, if any:
/// it is ended, so the session id always changes at login.
pub async fn login(
    db: &impl Db,
    checks: Checks<'_>,
    email: &str,
    password: Secret<String>,
    client: Option<IpAddr>,
    old_token: Option<Secret<String>>,
) -> Result<Login, AppError> {
    let now = checks.now;
    let email = login_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    // Known or not, the same keys, limits and work: nothing tells which accounts exist.
    let scopes = throttle::scopes(checks.keys, &email, client);
    let admitted = match guard::admit(db, &checks, &scopes, now).await? {
        Ok(a) => a,
        Err(Refused::Busy) => return Ok(Login::Busy),
        Err(Refused::Locked(wait)) => return Ok(Login::Locked(wait)),
    };
    let member = staff::Entity::find()
        .filter(staff::Column::Email.eq(email.as_str()))
        .filter(staff::Column::Active.eq(true))
        .one(db)
        .await?;
    let hash = member
        .as_ref()
        .map(|m| m.password_hash.expose().to_string());
    // A failure on a real account goes into that team's log (its admins review it).
    let known = member.as_ref().map(|m| (m.team_id, m.id));
    let ok = checks.passwords.verify(hash, password).await;
    let txn = write_txn(db).await?;
    let outcome = match member.filter(|_| ok) {
        Some(m) if m.totp_secret.is_some() => {
            // The password was right: its attempt is taken back, and the code step counts its own.
            throttle::undo(&txn, &scopes, checks.access).await?;
            if let Some(old) = old_token {
                sessions::end(&txn, old.expose()).await?;
            }
            let token = sessions::start(&txn, m.id, checks.access, now, true).await?;
            Login::SecondFactor { token }
        }
        Some(m) => {
            if let Some(old) = &old_token {
                sessions::end(&txn, old.expose()).await?;
            }
            let token = complete_login(&txn, &m, &scopes, checks.access, client, None, now).await?;
            Login::Ok {
                token,
                must_change_password: m.must_change_password,
            }
        }
        None => {
            // No e-mail in the log: a mistyped address may be someone's password.
            let event = Event {
                team_id: known.map(|k| k.0),
                subject: known.map(|k| ("staff", k.1.to_string())),
                client,
                ..Event::new(Action::LoginFailed)
            };
            guard::record_failure(&txn, &admitted, event, now).await?;
            Login::Failed
        }
    };
    txn.commit().await?;
    drop(admitted);
    tracing::info!(ok = matches!(outcome, Login::Ok { .. }), "login attempt");
    Ok(outcome)
}

/// The second step of a two-factor login: `code` from the authenticator app, or a recovery code.
/// On success the waiting session is replaced by a full one (a new id) and its token returned.
///
/// Two requests at once cannot both succeed with one code, or with one waiting session: the
/// code's step is spent by a conditional update and the waiting session by a delete that must
/// find it, in the same transaction as the new session.
pub async fn second_factor(
    db: &impl Db,
    checks: Checks<'_>,
    token: &Secret<String>,
    code: &str,
    client: Option<IpAddr>,
) -> Result<Login, AppError> {
    let now = checks.now;
    let found = sessions::find(db, token.expose(), checks.access, now).await?;
    let Some(m) = found.filter(|f| f.second_factor_pending).map(|f| f.staff) else {
        return Err(AppError::Unauthorized);
    };
    let scopes = throttle::scopes(checks.keys, &m.email, client);
    let admitted = match guard::admit(db, &checks, &scopes, now).await? {
        Ok(a) => a,
        Err(Refused::Busy) => return Ok(Login::Busy),
        Err(Refused::Locked(wait)) => return Ok(Login::Locked(wait)),
    };
    let txn = write_txn(db).await?;
    let step = m
        .totp_secret
        .as_ref()
        .and_then(|sealed| two_factor::open_secret(checks.keys, m.id, sealed))
        .and_then(|secret| {
            // The authenticator on the phone follows real time, whatever a test set the clock to.
            totp::verify(
                secret.expose(),
                code,
                Utc::now().timestamp(),
                m.totp_last_step,
            )
        });
    let how = match step {
        Some(step) => two_factor::spend_step(&txn, m.id, step)
            .await?
            .then_some("two-factor code"),
        None => two_factor::use_recovery_code(&txn, checks.keys, m.id, code, now)
            .await?
            .then_some("recovery code"),
    };
    let Some(how) = how else {
        let event = Event {
            team_id: Some(m.team_id),
            actor: Some(m.id),
            client,
            detail: Some("two-factor code".into()),
            ..Event::new(Action::LoginFailed)
        };
        guard::record_failure(&txn, &admitted, event, now).await?;
        txn.commit().await?;
        return Ok(Login::Failed);
    };
    if !sessions::consume_pending(&txn, token.expose()).await? {
        // Another request completed this waiting session first: undo the code's use too.
        txn.rollback().await?;
        return Err(AppError::Unauthorized);
    }
    let token = complete_login(&txn, &m, &scopes, checks.access, client, Some(how), now).await?;
    txn.commit().await?;
    drop(admitted);
    Ok(Login::Ok {
        token,
        must_change_password: m.must_change_password,
    })
}

/// The end of every successful login: the pair's failures are forgotten, a new session starts
/// (a new id), and the login is audited. Returns the token.
async fn complete_login(
    txn: &DatabaseTransaction,
    m: &staff::Model,
    scopes: &Scopes,
    access: &AccessSettings,
    client: Option<IpAddr>,
    how: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Secret<String>, DbErr> {
    throttle::succeed(txn, scopes, access).await?;
    let token = sessions::start(txn, m.id, access, now, false).await?;
    audit::record(
        txn,
        Event {
            team_id: Some(m.team_id),
            actor: Some(m.id),
            client,
            detail: how.map(str::to_string),
            ..Event::new(Action::Login)
        },
    )
    .await?;
    Ok(token)
}

/// Ends the session behind `token`.
pub async fn logout(
    db: &impl Db,
    token: &Secret<String>,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    let txn = write_txn(db).await?;
    if let Some(staff_id) = sessions::end(&txn, token.expose()).await? {
        let team_id = staff::Entity::find_by_id(staff_id)
            .one(&txn)
            .await?
            .map(|m| m.team_id);
        audit::record(
            &txn,
            Event {
                team_id,
                actor: Some(staff_id),
                client,
                ..Event::new(Action::Logout)
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Replaces the caller's password. The current password is throttled like a login (the same
/// keys: a stolen session cannot guess it faster than the login page could). Every other session
/// of theirs ends and theirs goes on under a new id: the token is returned for the cookie.
pub async fn change_password(
    db: &impl Db,
    checks: Checks<'_>,
    who: &SignedIn,
    current: Secret<String>,
    new: Secret<String>,
) -> Result<Result<Secret<String>, ChangeRefused>, AppError> {
    if current == new {
        return Ok(Err(ChangeRefused::SameAsBefore));
    }
    let member = staff::Entity::find_by_id(who.id())
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let now = checks.now;
    let scopes = throttle::scopes(checks.keys, &member.email, who.client());
    let admitted = match guard::admit(db, &checks, &scopes, now).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r.into())),
    };
    let right = checks
        .passwords
        .verify(Some(member.password_hash.expose().to_string()), current)
        .await;
    if !right {
        let txn = write_txn(db).await?;
        let event = Event {
            subject: Some(("staff", who.id().to_string())),
            ..who.event(Action::PasswordChangeFailed)
        };
        guard::record_failure(&txn, &admitted, event, now).await?;
        txn.commit().await?;
        return Ok(Err(ChangeRefused::WrongCurrent));
    }
    let hash = checks.passwords.hash(new).await?;
    let txn = write_txn(db).await?;
    staff::Entity::update(staff::ActiveModel {
        id: Set(member.id),
        password_hash: Set(SecretText(hash)),
        must_change_password: Set(false),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    throttle::succeed(&txn, &scopes, checks.access).await?;
    let token = sessions::renew(&txn, member.id, checks.access, now).await?;
    audit::record(
        &txn,
        Event {
            subject: Some(("staff", who.id().to_string())),
            ..who.event(Action::PasswordChange)
        },
    )
    .await?;
    txn.commit().await?;
    drop(admitted);
    Ok(Ok(token))
}
