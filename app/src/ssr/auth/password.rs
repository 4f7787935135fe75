//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
//!
//! Hashing is deliberately slow (tens of milliseconds of CPU), so it runs on the blocking pool and
//! at most `permits` hashes run at once: a burst of logins queues here instead of taking every
//! core, and the server keeps answering other requests.
use crate::error::AppError;
use crate::ssr::infra::random::{bytes_from, form_key_from, RandomUnavailable, Source, OS};
use crate::ssr::infra::secret::Secret;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The constants are valid parameters; `Params::DEFAULT` is only a fallback that cannot happen.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password could not be hashed: no salt (the random source failed) or argon2 refused.
#[derive(Debug, thiserror::Error)]
pub enum HashFailed {
    #[error(transparent)]
    Random(#[from] RandomUnavailable),
    #[error("argon2: {0}")]
    Argon2(String),
}

fn hash_now(password: &str, source: Source) -> Result<String, HashFailed> {
    let salt = SaltString::encode_b64(&bytes_from::<16>(source)?)
        .map_err(|e| HashFailed::Argon2(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashFailed::Argon2(e.to_string()))
}

fn verify_now(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Hashes and verifies passwords off the async runtime, a few at a time.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of a random password: checked when the e-mail is unknown, so a wrong e-mail takes as
    /// long as a wrong password and timing does not tell which accounts exist.
    dummy: Arc<str>,
    source: Source,
    /// Passwords checked so far (tests count how many attempts reached argon2).
    verified: Arc<AtomicU64>,
}

impl Passwords {
    /// Allows half the cores (at least one) to hash at once. Fails if the dummy hash cannot be
    /// made: without it unknown e-mail addresses would answer faster, so the server must not start.
    pub fn new() -> Result<Self, HashFailed> {
        Self::with_source(OS)
    }

    /// As `new`, with salts and the dummy from `source`.
    pub fn with_source(source: Source) -> Result<Self, HashFailed> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_now(&form_key_from(source)?, source)?;
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(cores.div_ceil(2))),
            dummy: dummy.into(),
            source,
            verified: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The PHC string for `password`. A failure (no salt, no worker) is an internal error.
    pub async fn hash(&self, password: Secret<String>) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let source = self.source;
        tokio::task::spawn_blocking(move || hash_now(password.expose(), source))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }

    /// Whether `password` matches `hash`. With no hash (unknown account) a dummy is checked and the
    /// answer is always no.
    pub async fn verify(&self, hash: Option<String>, password: Secret<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        self.verified.fetch_add(1, Ordering::Relaxed);
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.to_string());
        let ok = tokio::task::spawn_blocking(move || verify_now(&hash, password.expose()))
            .await
            .unwrap_or(false);
        known && ok
    }
}

impl Passwords {
    /// How many passwords have been checked since start (every `verify`, known account or not).
    pub fn verifications(&self) -> u64 {
        self.verified.load(Ordering::Relaxed)
    }
}

/// A temporary password an admin passes on: 4 groups of 4 letters and digits (about 80 bits),
/// without look-alikes such as 0/O and 1/l.
pub fn temporary_password() -> Result<Secret<String>, RandomUnavailable> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = bytes_from::<16>(OS)?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(Secret::new(
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let p = Passwords::new().unwrap();
        let s = |t: &str| Secret::new(t.to_string());
        let h = p.hash(s("ett långt lösenord")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify(Some(h.clone()), s("ett långt lösenord")).await);
        assert!(!p.verify(Some(h.clone()), s("ett långt lösenorD")).await);
        assert!(!p.verify(None, s("ett långt lösenord")).await);
        assert_ne!(h, p.hash(s("ett långt lösenord")).await.unwrap());
        assert!(!p.verify(Some("not a hash".into()), s("x")).await);
    }

    #[test]
    fn no_random_source_no_start() {
        // The dummy hash needs a salt: without one the server must not start at all.
        let failing = crate::ssr::infra::random::tests::failing;
        assert!(matches!(
            Passwords::with_source(failing),
            Err(HashFailed::Random(_))
        ));
        assert!(hash_now("ett långt lösenord", failing).is_err());
    }

    #[test]
    fn temporary_passwords_pass_the_rule() {
        let t = temporary_password().unwrap();
        assert_eq!(t.expose().len(), 19);
        assert_eq!(crate::models::staff::check_password(t.expose()), Ok(()));
        assert_ne!(t, temporary_password().unwrap());
    }
}
