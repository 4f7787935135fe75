//! Staff accounts: what admins do on the admin pages and operators do with `halsolots user`.
//! Every change is audited in its own transaction; every read of the list is audited too (staff
//! names and e-mail addresses are personal data).
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::form::FieldErrors;
use crate::models::ids::{StaffId, TeamId};
use crate::models::staff::{field, NewStaff, Role, StaffRow};
use crate::ssr::auth::password::{temporary_password, Passwords};
use crate::ssr::auth::proof::{ManageStaff, Proof};
use crate::ssr::auth::{sessions, throttle, two_factor};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::keys::Keys;
use crate::ssr::infra::secret::Secret;
use crate::ssr::infra::secret::SecretText;
use crate::ssr::infra::time::iso_date;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::staff;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};

fn row(m: staff::Model) -> StaffRow {
    StaffRow {
        role: m.role,
        id: m.id,
        name: m.name,
        email: m.email,
        active: m.active,
        must_change_password: m.must_change_password,
        two_factor: m.totp_secret.is_some(),
        created: iso_date(m.created_at),
    }
}

/// Who did something to an account: a signed-in admin, or the operator at the server's console.
#[derive(Clone, Copy)]
enum By<'a> {
    Admin(&'a Proof<ManageStaff>),
    Console { team_id: TeamId },
}

async fn record(
    txn: &DatabaseTransaction,
    by: By<'_>,
    action: Action,
    subject: Option<StaffId>,
    detail: Option<String>,
) -> Result<(), DbErr> {
    let (team_id, actor, client, detail) = match by {
        By::Admin(who) => (who.team_id(), Some(who.id()), who.client(), detail),
        By::Console { team_id } => {
            let note = detail.map_or("console".into(), |d| format!("console: {d}"));
            (team_id, None, None, Some(note))
        }
    };
    audit::record(
        txn,
        Event {
            team_id: Some(team_id),
            actor,
            subject: subject.map(|id| ("staff", id.to_string())),
            client,
            detail,
            ..Event::new(action)
        },
    )
    .await
    .map(|_| ())
}

/// The caller's team's accounts, by name.
pub async fn list(db: &impl Db, who: &Proof<ManageStaff>) -> Result<Vec<StaffRow>, AppError> {
    let txn = write_txn(db).await?;
    record(&txn, By::Admin(who), Action::StaffRead, None, None).await?;
    let rows = staff::Entity::find()
        .filter(staff::Column::TeamId.eq(who.team_id()))
        .order_by_asc(staff::Column::Name)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(row).collect())
}

/// One account of the caller's team; another team's is "not found".
pub async fn get(
    db: &impl Db,
    who: &Proof<ManageStaff>,
    id: StaffId,
) -> Result<StaffRow, AppError> {
    let txn = write_txn(db).await?;
    let m = in_team(&txn, who, id).await?;
    record(&txn, By::Admin(who), Action::StaffRead, Some(id), None).await?;
    txn.commit().await?;
    Ok(row(m))
}

async fn in_team(
    conn: &impl ConnectionTrait,
    who: &Proof<ManageStaff>,
    id: StaffId,
) -> Result<staff::Model, AppError> {
    staff::Entity::find_by_id(id)
        .filter(staff::Column::TeamId.eq(who.team_id()))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Inserts an account; a taken e-mail address is an error at the field.
async fn insert(
    conn: &impl ConnectionTrait,
    team_id: TeamId,
    new: &NewStaff,
    password_hash: String,
    must_change_password: bool,
) -> Result<StaffId, AppError> {
    let now = Utc::now();
    let result = staff::Entity::insert(staff::ActiveModel {
        team_id: Set(team_id),
        email: Set(new.email.clone()),
        name: Set(new.name.clone()),
        role: Set(new.role),
        password_hash: Set(SecretText(password_hash)),
        active: Set(true),
        must_change_password: Set(must_change_password),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(conn)
    .await;
    match result {
        Ok(r) => Ok(r.last_insert_id),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let mut errors = FieldErrors::default();
            errors.add(field::EMAIL, K::err_staff_email_taken);
            Err(AppError::Invalid(errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// An admin adds an account to their team. Returns its id and a temporary password for the admin
/// to pass on; the person must choose their own at first login.
pub async fn create(
    db: &impl Db,
    passwords: &Passwords,
    who: &Proof<ManageStaff>,
    new: NewStaff,
) -> Result<(StaffId, Secret<String>), AppError> {
    let temporary = temporary_password()?;
    let hash = passwords.hash(temporary.clone()).await?;
    let txn = write_txn(db).await?;
    let id = insert(&txn, who.team_id(), &new, hash, true).await?;
    record(
        &txn,
        By::Admin(who),
        Action::StaffCreate,
        Some(id),
        Some(new.role.as_str().into()),
    )
    .await?;
    txn.commit().await?;
    Ok((id, temporary))
}

/// The operator adds an account from the command line (`halsolots user add`), with a password
/// they chose. Audited without an actor: it came from the server's console.
pub async fn create_from_console(
    db: &impl Db,
    passwords: &Passwords,
    team_id: TeamId,
    new: NewStaff,
    password: Secret<String>,
) -> Result<StaffId, AppError> {
    let hash = passwords.hash(password).await?;
    let txn = write_txn(db).await?;
    let id = insert(&txn, team_id, &new, hash, false).await?;
    record(
        &txn,
        By::Console { team_id },
        Action::StaffCreate,
        Some(id),
        Some(new.role.as_str().into()),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// What an admin can change on an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Role(Role),
    Deactivate,
    Activate,
    /// Returns a temporary password; the person must choose a new one at next login.
    ResetPassword,
    /// Removes the second factor (a lost phone); the person sets it up again.
    ResetTwoFactor,
}

/// Applies `change` to account `id` of the caller's team. Admins cannot lock themselves out
/// (change their own role or deactivate themselves). Returns a temporary password for a reset.
pub async fn change(
    db: &impl Db,
    passwords: &Passwords,
    who: &Proof<ManageStaff>,
    id: StaffId,
    change: Change,
) -> Result<Option<Secret<String>>, AppError> {
    if id == who.id() && matches!(change, Change::Role(_) | Change::Deactivate) {
        let mut errors = FieldErrors::default();
        errors.add(field::FORM, K::err_not_yourself);
        return Err(AppError::Invalid(errors));
    }
    let temporary = match change {
        Change::ResetPassword => Some(temporary_password()?),
        Change::Role(_) | Change::Deactivate | Change::Activate | Change::ResetTwoFactor => None,
    };
    let hash = match &temporary {
        Some(t) => Some(passwords.hash(t.clone()).await?),
        None => None,
    };
    let txn = write_txn(db).await?;
    in_team(&txn, who, id).await?;
    let (action, detail) = apply(&txn, id, change, hash, true).await?;
    record(&txn, By::Admin(who), action, Some(id), detail).await?;
    txn.commit().await?;
    Ok(temporary)
}

/// An admin lifts every login lock of account `id` of their team (its own and every pair of it
/// with a client address), so the person can try again at once. Audited, with how many keys were
/// locked. Counts from client addresses (any accounts) stay: they are not this account's.
pub async fn unlock_login(
    db: &impl Db,
    keys: &Keys,
    who: &Proof<ManageStaff>,
    id: StaffId,
) -> Result<(), AppError> {
    let txn = write_txn(db).await?;
    let m = in_team(&txn, who, id).await?;
    let locked = throttle::clear_account(&txn, keys, &m.email, Utc::now()).await?;
    let detail = Some(format!("{locked} locked"));
    record(
        &txn,
        By::Admin(who),
        Action::StaffLoginUnlock,
        Some(id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Writes `change` to account `id`: the row, its second factor, its sessions. `password_hash` is
/// the new password for a reset and `temporary` whether it must be changed at next login. Returns
/// the audit action and note.
async fn apply(
    txn: &DatabaseTransaction,
    id: StaffId,
    change: Change,
    password_hash: Option<String>,
    temporary: bool,
) -> Result<(Action, Option<String>), DbErr> {
    let mut m = staff::ActiveModel {
        id: Set(id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    let done = match change {
        Change::Role(r) => {
            m.role = Set(r);
            (Action::StaffRole, Some(r.as_str().to_string()))
        }
        Change::Deactivate => {
            m.active = Set(false);
            (Action::StaffDeactivate, None)
        }
        Change::Activate => {
            m.active = Set(true);
            (Action::StaffActivate, None)
        }
        Change::ResetPassword => {
            let hash =
                password_hash.ok_or_else(|| DbErr::Custom("reset without a password".into()))?;
            m.password_hash = Set(SecretText(hash));
            m.must_change_password = Set(temporary);
            (Action::StaffPasswordReset, None)
        }
        Change::ResetTwoFactor => (Action::StaffTwoFactorReset, None),
    };
    staff::Entity::update(m).exec(txn).await?;
    if change == Change::ResetTwoFactor {
        two_factor::clear(txn, id).await?;
    }
    if change != Change::Activate {
        // A changed role, a lost password or phone must not live on in open sessions.
        sessions::end_all(txn, id).await?;
    }
    Ok(done)
}

/// The operator's `halsolots user deactivate` / `reset-password`: by e-mail, in any team.
pub async fn change_from_console(
    db: &impl Db,
    passwords: &Passwords,
    email: &str,
    change: Change,
    password: Option<Secret<String>>,
) -> Result<(), AppError> {
    let email = crate::models::staff::login_email(email).ok_or(AppError::NotFound)?;
    let m = staff::Entity::find()
        .filter(staff::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let hash = match password {
        Some(p) => Some(passwords.hash(p).await?),
        None => None,
    };
    let txn = write_txn(db).await?;
    let (action, detail) = apply(&txn, m.id, change, hash, false).await?;
    record(
        &txn,
        By::Console { team_id: m.team_id },
        action,
        Some(m.id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
