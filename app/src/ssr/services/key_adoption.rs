//! Start-up: the installation key takes charge of what it protects in the database, in one
//! transaction, before the first request: the audit chain's key is checked (a wrong key stops the
//! start) or, for a database from before the key, the chain is re-made with it and recovery code
//! hashes are keyed; TOTP keys still stored in plain text are sealed.
use crate::ssr::auth::two_factor::{self, StartUpError};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::keys::Keys;
use crate::ssr::repo::audit::{self, AdoptError, Adopted};
use sea_orm::DbErr;

/// Why the start-up step failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyStartError {
    #[error(transparent)]
    Audit(#[from] AdoptError),
    #[error(transparent)]
    Secrets(#[from] StartUpError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Runs the step; see the module's comment. Idempotent: a second start changes nothing.
pub async fn adopt(db: &impl Db, keys: &Keys) -> Result<Adopted, KeyStartError> {
    let txn = write_txn(db).await?;
    let adopted = audit::adopt_key(&txn, keys).await?;
    if adopted != Adopted::Already {
        let codes = two_factor::rehash_legacy_recovery_codes(&txn, keys).await?;
        if codes > 0 {
            tracing::warn!(
                codes,
                "recovery code hashes keyed with the installation key"
            );
        }
    }
    let sealed = two_factor::seal_legacy_secrets(&txn, keys).await?;
    txn.commit().await?;
    if sealed > 0 {
        tracing::warn!(
            accounts = sealed,
            "TOTP keys sealed with the installation key"
        );
    }
    match adopted {
        Adopted::Rechained { entries } => tracing::warn!(
            entries,
            key_id = %keys.id(),
            "the audit log from before the installation key was checked and re-chained with it"
        ),
        Adopted::Fresh => tracing::info!(key_id = %keys.id(), "the audit log is keyed"),
        Adopted::Already => {}
    }
    Ok(adopted)
}
