//! What a receipt page shows: nothing personal, only the code, the channel and when it was sent.
use super::contact::Channel;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The reference code, e.g. `K7M4-Q2PX`.
    pub code: String,
    pub channel: Channel,
    /// When it was sent, formatted on the server in Europe/Stockholm and the reader's language.
    pub sent_at: String,
}

/// The alphabet of reference codes: no 0/O, 1/I/L or U, so a code read aloud on the phone is
/// unambiguous.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Normalises a code typed or read by a person: upper case, O→0 is not needed since the alphabet
/// has neither; spaces removed, hyphen put back. `None` when it cannot be a code.
pub fn normalise_code(input: &str) -> Option<String> {
    let chars: Vec<u8> = input
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'-'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    (chars.len() == 8 && chars.iter().all(|b| CODE_ALPHABET.contains(b))).then(|| {
        format!(
            "{}-{}",
            String::from_utf8_lossy(&chars[..4]),
            String::from_utf8_lossy(&chars[4..])
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise() {
        assert_eq!(normalise_code("k7m4 q2px").as_deref(), Some("K7M4-Q2PX"));
        assert_eq!(normalise_code("K7M4-Q2PX").as_deref(), Some("K7M4-Q2PX"));
        assert_eq!(normalise_code("K7M4-Q2P"), None);
        assert_eq!(normalise_code("K7M4-Q2P0"), None);
        assert_eq!(normalise_code("<script>"), None);
    }
}
