//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
//!
//! Hashing is deliberately slow (tens of milliseconds of CPU), so it runs on the blocking pool and
//! at most `permits` hashes run at once: a burst of logins queues here instead of taking every
//! core, and the server keeps answering other requests.
use super::random::random_bytes;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
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

fn hash_now(password: &str) -> Option<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).ok()?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
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
}

impl Passwords {
    /// Allows half the cores (at least one) to hash at once.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_now(&super::random::form_key()).unwrap_or_default();
        Passwords {
            permits: Arc::new(Semaphore::new(cores.div_ceil(2))),
            dummy: dummy.into(),
        }
    }

    /// The PHC string for `password`; `None` only if hashing itself failed.
    pub async fn hash(&self, password: String) -> Option<String> {
        let _permit = self.permits.acquire().await.ok()?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .ok()
            .flatten()
    }

    /// Whether `password` matches `hash`. With no hash (unknown account) a dummy is checked and the
    /// answer is always no.
    pub async fn verify(&self, hash: Option<String>, password: String) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.to_string());
        let ok = tokio::task::spawn_blocking(move || verify_now(&hash, &password))
            .await
            .unwrap_or(false);
        known && ok
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// A temporary password an admin passes on: 4 groups of 4 letters and digits (about 80 bits),
/// without look-alikes such as 0/O and 1/l.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = random_bytes::<16>();
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let p = Passwords::new();
        let h = p.hash("ett långt lösenord".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify(Some(h.clone()), "ett långt lösenord".into()).await);
        assert!(!p.verify(Some(h.clone()), "ett långt lösenorD".into()).await);
        assert!(!p.verify(None, "ett långt lösenord".into()).await);
        assert_ne!(h, p.hash("ett långt lösenord".into()).await.unwrap());
        assert!(!p.verify(Some("not a hash".into()), "x".into()).await);
    }

    #[test]
    fn temporary_passwords_pass_the_rule() {
        let t = temporary_password();
        assert_eq!(t.len(), 19);
        assert_eq!(crate::models::staff::check_password(&t), Ok(()));
        assert_ne!(t, temporary_password());
    }
}
