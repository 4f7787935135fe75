//! Setting up and removing two-factor login, and recovery codes.
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::form::FieldErrors;
use crate::models::ids::StaffId;
use crate::models::two_factor::{field, Enrolment, TwoFactorView};
use crate::ssr::auth::guard::{self, ChangeRefused, Checks};
use crate::ssr::auth::proof::{SignedIn, Staff};
use crate::ssr::auth::{sessions, throttle, totp};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::infra::keys::{Keys, Purpose, SEALED_PREFIX};
use crate::ssr::infra::random::RandomUnavailable;
use crate::ssr::infra::secret::{Secret, SecretText};
use crate::ssr::infra::settings::AccessSettings;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::{recovery_code, staff, team};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

fn normalise(code: &str) -> String {
    code.trim().to_lowercase()
}

/// What binds a sealed TOTP key to its row: a value copied to another account does not open.
fn context(staff_id: StaffId) -> Vec<u8> {
    format!("staff:{staff_id}").into_bytes()
}

/// Seals a TOTP key for the account `staff_id` before it is stored (`Purpose::TotpKey`).
pub fn seal_secret(
    keys: &Keys,
    staff_id: StaffId,
    secret: &SecretText,
) -> Result<SecretText, RandomUnavailable> {
    keys.seal(
        Purpose::TotpKey,
        &context(staff_id),
        secret.expose().as_bytes(),
    )
    .map(SecretText)
}

/// The TOTP key `seal_secret` stored for `staff_id`. Anything else is no key: a plain value
/// written into the database would let whoever can write there choose someone's second factor.
pub fn open_secret(keys: &Keys, staff_id: StaffId, stored: &SecretText) -> Option<SecretText> {
    let plain = keys.open(Purpose::TotpKey, &context(staff_id), stored.expose())?;
    String::from_utf8(plain).ok().map(SecretText)
}

/// A recovery code as stored: HMAC (`Purpose::RecoveryCode`) over the SHA-256 that was stored
/// before the key, so `rehash_legacy_recovery_codes` can bring older rows to this form without
/// knowing the codes, and no unkeyed hash is accepted afterwards.
fn recovery_hash(keys: &Keys, code: &str) -> String {
    let unkeyed = sha256_hex(normalise(code).as_bytes());
    keys.mac_hex(Purpose::RecoveryCode, unkeyed.as_bytes())
}

fn invalid(key: K) -> AppError {
    let mut e = FieldErrors::default();
    e.add(field::CODE, key);
    AppError::Invalid(e)
}

/// Uses one of the member's recovery codes, if `code` is one that is still unused.
pub async fn use_recovery_code(
    txn: &DatabaseTransaction,
    keys: &Keys,
    staff_id: StaffId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::StaffId.eq(staff_id))
        .filter(recovery_code::Column::CodeHash.eq(recovery_hash(keys, code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

async fn member(conn: &impl ConnectionTrait, who: &Staff) -> Result<staff::Model, AppError> {
    staff::Entity::find_by_id(who.id())
        .one(conn)
        .await?
        .ok_or(AppError::Unauthorized)
}

async fn required(conn: &impl ConnectionTrait, who: &Staff) -> Result<bool, AppError> {
    Ok(team::Entity::find_by_id(who.team_id())
        .one(conn)
        .await?
        .is_some_and(|t| t.require_two_factor))
}

/// The caller's two-factor state; while it is off, a secret to enrol (kept until confirmed, so a
/// reload shows the same QR code).
/// `team_name` names the account in the authenticator app ("Hälsolots <team>").
pub async fn status(
    db: &impl Db,
    keys: &Keys,
    team_name: &str,
    who: &SignedIn,
) -> Result<TwoFactorView, AppError> {
    let m = member(db, who).await?;
    let required = required(db, who).await?;
    if m.totp_secret.is_some() {
        let left = recovery_code::Entity::find()
            .filter(recovery_code::Column::StaffId.eq(m.id))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(db)
            .await?;
        return Ok(TwoFactorView {
            enabled: true,
            required,
            recovery_codes_left: u32::try_from(left).unwrap_or(0),
            enrol: None,
        });
    }
    // Set only where none is waiting, then read back: two requests at once (a page rendering
    // while the browser fetches it again) agree on one secret.
    staff::Entity::update_many()
        .col_expr(
            staff::Column::TotpPendingSecret,
            Expr::value(seal_secret(keys, m.id, &totp::new_secret()?)?),
        )
        .filter(staff::Column::Id.eq(m.id))
        .filter(staff::Column::TotpPendingSecret.is_null())
        .exec(db)
        .await?;
    let sealed = member(db, who)
        .await?
        .totp_pending_secret
        .ok_or_else(|| AppError::internal("pending two-factor secret gone after it was set"))?;
    let secret = open_secret(keys, m.id, &sealed)
        .ok_or_else(|| AppError::internal("the pending two-factor secret does not open"))?;
    let uri = totp::otpauth_uri(&format!("Hälsolots {team_name}"), &m.email, secret.expose());
    let qr_svg = totp::qr_svg(&uri, "QR")
        .ok_or_else(|| AppError::internal("the enrolment QR code could not be drawn"))?;
    let grouped = secret
        .expose()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(TwoFactorView {
        enabled: false,
        required,
        recovery_codes_left: 0,
        enrol: Some(Enrolment {
            qr_svg,
            secret: grouped,
        }),
    })
}

/// Confirms enrolment with the first code from the app. Returns new recovery codes, to be shown
/// once (only their hashes are stored), and the token of the caller's session under a new id:
/// a new factor ends every other session.
pub async fn confirm(
    db: &impl Db,
    keys: &Keys,
    access: &AccessSettings,
    who: &SignedIn,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Secret<String>), AppError> {
    let txn = write_txn(db).await?;
    let m = member(&txn, who).await?;
    let pending = m.totp_pending_secret.ok_or_else(|| invalid(K::err_code))?;
    let plain = open_secret(keys, m.id, &pending).ok_or_else(|| invalid(K::err_code))?;
    let step = totp::verify(plain.expose(), code, Utc::now().timestamp(), None)
        .ok_or_else(|| invalid(K::err_code))?;
    staff::Entity::update(staff::ActiveModel {
        id: Set(m.id),
        totp_secret: Set(Some(pending)),
        totp_pending_secret: Set(None),
        totp_last_step: Set(Some(step)),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let codes = totp::recovery_codes()?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::StaffId.eq(m.id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::insert_many(codes.iter().map(|c| recovery_code::ActiveModel {
        staff_id: Set(m.id),
        code_hash: Set(recovery_hash(keys, c)),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(&txn)
    .await?;
    let token = sessions::renew(&txn, m.id, access, now).await?;
    audit::record(&txn, event(who, Action::TwoFactorEnable)).await?;
    txn.commit().await?;
    Ok((codes, token))
}

/// Turns two-factor login off (not allowed where the team requires it). Needs the current
/// password and a current code: a session left open is not enough to remove a factor. Both are
/// throttled like a login (the same keys) and a failure is audited; one answer for either wrong.
/// Every other session ends and the caller's goes on under a new id, whose token is returned.
pub async fn disable(
    db: &impl Db,
    checks: Checks<'_>,
    who: &SignedIn,
    password: Secret<String>,
    code: &str,
) -> Result<Result<Secret<String>, ChangeRefused>, AppError> {
    if required(db, who).await? {
        let mut e = FieldErrors::default();
        e.add(
            crate::models::staff::field::FORM,
            K::err_two_factor_required,
        );
        return Err(AppError::Invalid(e));
    }
    let m = member(db, who).await?;
    let secret = m
        .totp_secret
        .as_ref()
        .and_then(|s| open_secret(checks.keys, m.id, s))
        .ok_or_else(|| invalid(K::err_code))?;
    let now = checks.now;
    let scopes = throttle::scopes(checks.keys, &m.email, who.client());
    let admitted = match guard::admit(db, &checks, &scopes, now).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r.into())),
    };
    let password_right = checks
        .passwords
        .verify(Some(m.password_hash.expose().to_string()), password)
        .await;
    let txn = write_txn(db).await?;
    // The code is spent only with the right password (and only once, as at login).
    // The authenticator on the phone follows real time, whatever a test set the clock to.
    let step = totp::verify(
        secret.expose(),
        code,
        Utc::now().timestamp(),
        m.totp_last_step,
    );
    let both_right = match step {
        Some(step) if password_right => spend_step(&txn, m.id, step).await?,
        _ => false,
    };
    if !both_right {
        let failed = event(who, Action::TwoFactorDisableFailed);
        guard::record_failure(&txn, &admitted, failed, now).await?;
        txn.commit().await?;
        return Ok(Err(ChangeRefused::WrongCurrent));
    }
    throttle::succeed(&txn, &scopes, checks.access).await?;
    clear(&txn, m.id).await?;
    let token = sessions::renew(&txn, m.id, checks.access, now).await?;
    audit::record(&txn, event(who, Action::TwoFactorDisable)).await?;
    txn.commit().await?;
    drop(admitted);
    Ok(Ok(token))
}

/// Spends TOTP step `step` of the member: stores it as the last one used, only if it is later
/// than the one stored. Of two requests with one code at the same moment exactly one gets `true`
/// (on PostgreSQL the second waits for the first's row lock, then finds the step taken; SQLite
/// runs write transactions one at a time).
pub async fn spend_step(
    txn: &DatabaseTransaction,
    staff_id: StaffId,
    step: i64,
) -> Result<bool, DbErr> {
    let done = staff::Entity::update_many()
        .col_expr(staff::Column::TotpLastStep, Expr::value(step))
        .filter(staff::Column::Id.eq(staff_id))
        .filter(
            Condition::any()
                .add(staff::Column::TotpLastStep.is_null())
                .add(staff::Column::TotpLastStep.lt(step)),
        )
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Removes an account's second factor and recovery codes (turned off, or reset by an admin).
pub async fn clear(txn: &DatabaseTransaction, staff_id: StaffId) -> Result<(), DbErr> {
    staff::Entity::update(staff::ActiveModel {
        id: Set(staff_id),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_last_step: Set(None),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::StaffId.eq(staff_id))
        .exec(txn)
        .await?;
    Ok(())
}

fn event(who: &Staff, action: Action) -> Event {
    Event {
        subject: Some(("staff", who.id().to_string())),
        ..who.event(action)
    }
}

/// Start-up: seals TOTP keys stored before they were encrypted (values without the `k1:` prefix).
/// Idempotent: sealed values are left as they are. Returns how many were sealed.
pub async fn seal_legacy_secrets(
    txn: &DatabaseTransaction,
    keys: &Keys,
) -> Result<u64, StartUpError> {
    let sealed = |c: staff::Column| {
        sea_orm::Condition::all()
            .add(c.is_not_null())
            .add(c.not_like(format!("{SEALED_PREFIX}%")))
    };
    let legacy = staff::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(sealed(staff::Column::TotpSecret))
                .add(sealed(staff::Column::TotpPendingSecret)),
        )
        .all(txn)
        .await?;
    let seal = |id, v: Option<SecretText>| -> Result<Option<SecretText>, RandomUnavailable> {
        match v {
            Some(s) if !s.expose().starts_with(SEALED_PREFIX) => {
                seal_secret(keys, id, &s).map(Some)
            }
            other => Ok(other),
        }
    };
    let count = legacy.len() as u64;
    for m in legacy {
        staff::Entity::update(staff::ActiveModel {
            id: Set(m.id),
            totp_secret: Set(seal(m.id, m.totp_secret)?),
            totp_pending_secret: Set(seal(m.id, m.totp_pending_secret)?),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
    Ok(count)
}

/// Start-up, once (when the installation key is first adopted, in the same transaction): every
/// recovery code hash from before the key (plain SHA-256) becomes the keyed form.
pub async fn rehash_legacy_recovery_codes(
    txn: &DatabaseTransaction,
    keys: &Keys,
) -> Result<u64, DbErr> {
    let rows = recovery_code::Entity::find().all(txn).await?;
    let count = rows.len() as u64;
    for r in rows {
        recovery_code::Entity::update(recovery_code::ActiveModel {
            id: Set(r.id),
            code_hash: Set(keys.mac_hex(Purpose::RecoveryCode, r.code_hash.as_bytes())),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
    Ok(count)
}

/// A start-up step that could not finish.
#[derive(Debug, thiserror::Error)]
pub enum StartUpError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Random(#[from] RandomUnavailable),
}
