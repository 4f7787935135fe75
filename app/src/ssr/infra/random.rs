//! Random values from the operating system: session tokens, TOTP secrets, salts, reference codes,
//! idempotency keys and CSP nonces.
//!
//! Fails closed: if the operating system's random source fails, the operation that needed the
//! value fails with it (a 503 for the request, a refused start-up) — there is no fallback, since a
//! guessable token or secret is worse than an error.
use crate::error::AppError;
use crate::models::receipt::CODE_ALPHABET;

/// Where random bytes come from. Production uses [`OS`]; tests pass one that fails.
pub type Source = fn(&mut [u8]) -> Result<(), getrandom::Error>;

/// The operating system's random source.
pub const OS: Source = getrandom::fill;

/// The random source failed; nothing was made from it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomUnavailable(String);

impl From<RandomUnavailable> for AppError {
    fn from(e: RandomUnavailable) -> Self {
        AppError::internal(e)
    }
}

impl From<RandomUnavailable> for sea_orm::DbErr {
    fn from(e: RandomUnavailable) -> Self {
        sea_orm::DbErr::Custom(e.to_string())
    }
}

/// `N` random bytes from `source`.
pub fn bytes_from<const N: usize>(source: Source) -> Result<[u8; N], RandomUnavailable> {
    let mut buf = [0u8; N];
    source(&mut buf).map_err(|e| RandomUnavailable(e.to_string()))?;
    Ok(buf)
}

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], RandomUnavailable> {
    bytes_from(OS)
}

/// A reference code such as `K7M4-Q2PX`: 8 characters of a 30-letter alphabet (≈ 6.6 × 10¹¹).
pub fn reference_code() -> Result<String, RandomUnavailable> {
    reference_code_from(OS)
}

pub fn reference_code_from(source: Source) -> Result<String, RandomUnavailable> {
    let chars: String = bytes_from::<8>(source)?
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &chars[..4], &chars[4..]))
}

/// 128 random bits as hex: idempotency keys, CSP nonces.
pub fn form_key() -> Result<String, RandomUnavailable> {
    form_key_from(OS)
}

pub fn form_key_from(source: Source) -> Result<String, RandomUnavailable> {
    Ok(hex::encode(bytes_from::<16>(source)?))
}

/// Accepts a key sent by a client if it has a sane shape (it is only ever compared, never shown).
pub fn valid_form_key(key: &str) -> Option<String> {
    ((16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| key.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::models::receipt::normalise_code;

    /// A random source that always fails, as a broken `/dev/urandom` or a seccomp filter would.
    pub(crate) fn failing(_: &mut [u8]) -> Result<(), getrandom::Error> {
        Err(getrandom::Error::UNSUPPORTED)
    }

    #[test]
    fn codes_are_well_formed_and_vary() {
        let a = reference_code().unwrap();
        assert_eq!(normalise_code(&a).as_deref(), Some(a.as_str()));
        assert_ne!(a, reference_code().unwrap());
        assert_eq!(form_key().unwrap().len(), 32);
        assert!(valid_form_key(&form_key().unwrap()).is_some());
        assert!(valid_form_key("short").is_none());
        assert!(valid_form_key("<script>alert(1)</script>xxxxxxxx").is_none());
    }

    #[test]
    fn a_failing_random_source_stops_the_operation() {
        // No fallback value: every maker of a secret or code fails with the source.
        assert!(bytes_from::<32>(failing).is_err());
        assert!(reference_code_from(failing).is_err());
        assert!(form_key_from(failing).is_err());
        let e: AppError = reference_code_from(failing).unwrap_err().into();
        assert_eq!(e.status(), 503);
    }
}
