//! Setting up and removing two-factor login, and recovery codes.
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::form::FieldErrors;
use crate::models::ids::StaffId;
use crate::models::two_factor::{field, Enrolment, TwoFactorView};
use crate::ssr::auth::proof::{SignedIn, Staff};
use crate::ssr::auth::totp;
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::digest::sha256_hex;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::{recovery_code, staff, team};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

fn normalise(code: &str) -> String {
    code.trim().to_lowercase()
}

fn invalid(key: K) -> AppError {
    let mut e = FieldErrors::default();
    e.add(field::CODE, key);
    AppError::Invalid(e)
}

/// Uses one of the member's recovery codes, if `code` is one that is still unused.
pub async fn use_recovery_code(
    txn: &DatabaseTransaction,
    staff_id: StaffId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::StaffId.eq(staff_id))
        .filter(recovery_code::Column::CodeHash.eq(sha256_hex(normalise(code).as_bytes())))
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
            Expr::value(totp::new_secret()?),
        )
        .filter(staff::Column::Id.eq(m.id))
        .filter(staff::Column::TotpPendingSecret.is_null())
        .exec(db)
        .await?;
    let secret = member(db, who)
        .await?
        .totp_pending_secret
        .ok_or_else(|| AppError::internal("pending two-factor secret gone after it was set"))?;
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
/// once (only their hashes are stored).
pub async fn confirm(db: &impl Db, who: &SignedIn, code: &str) -> Result<Vec<String>, AppError> {
    let txn = write_txn(db).await?;
    let m = member(&txn, who).await?;
    let pending = m.totp_pending_secret.ok_or_else(|| invalid(K::err_code))?;
    let step = totp::verify(pending.expose(), code, Utc::now().timestamp(), None)
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
        code_hash: Set(sha256_hex(normalise(c).as_bytes())),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, event(who, Action::TwoFactorEnable)).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns two-factor login off (not allowed where the team requires it); needs a current code.
pub async fn disable(db: &impl Db, who: &SignedIn, code: &str) -> Result<(), AppError> {
    let txn = write_txn(db).await?;
    if required(&txn, who).await? {
        let mut e = FieldErrors::default();
        e.add(
            crate::models::staff::field::FORM,
            K::err_two_factor_required,
        );
        return Err(AppError::Invalid(e));
    }
    let m = member(&txn, who).await?;
    let secret = m.totp_secret.ok_or_else(|| invalid(K::err_code))?;
    totp::verify(
        secret.expose(),
        code,
        Utc::now().timestamp(),
        m.totp_last_step,
    )
    .ok_or_else(|| invalid(K::err_code))?;
    clear(&txn, m.id).await?;
    audit::record(&txn, event(who, Action::TwoFactorDisable)).await?;
    txn.commit().await?;
    Ok(())
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
