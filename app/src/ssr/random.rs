//! Random values from the operating system: reference codes and idempotency keys.
use crate::models::receipt::CODE_ALPHABET;

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS random source failing is unrecoverable and vanishingly rare; fall back to the clock
    // mixed with a counter rather than failing a resident's request.
    if getrandom::fill(&mut buf).is_err() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (seed.rotate_left((i * 8) as u32) & 0xff) as u8;
        }
    }
    buf
}

/// A reference code such as `K7M4-Q2PX`: 8 characters of a 30-letter alphabet (≈ 6.6 × 10¹¹).
pub fn reference_code() -> String {
    let bytes = random_bytes::<8>();
    let chars: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A fresh idempotency key: 128 random bits as hex.
pub fn form_key() -> String {
    random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Accepts a key sent by a client if it has a sane shape (it is only ever compared, never shown).
pub fn valid_form_key(key: &str) -> Option<String> {
    ((16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::receipt::normalise_code;

    #[test]
    fn codes_are_well_formed_and_vary() {
        let a = reference_code();
        assert_eq!(normalise_code(&a).as_deref(), Some(a.as_str()));
        assert_ne!(a, reference_code());
        assert_eq!(form_key().len(), 32);
        assert!(valid_form_key(&form_key()).is_some());
        assert!(valid_form_key("short").is_none());
        assert!(valid_form_key("<script>alert(1)</script>xxxxxxxx").is_none());
    }
}
