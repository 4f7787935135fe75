//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as phone
//! authenticator apps make them, and the QR code that enrols a phone.
use crate::ssr::infra::random::{random_bytes, RandomUnavailable};
use crate::ssr::infra::secret::SecretText;
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// A new secret: 160 random bits, base32 without padding (what authenticator apps expect).
pub fn new_secret() -> Result<SecretText, RandomUnavailable> {
    Ok(SecretText(base32_encode(&random_bytes::<20>()?)))
}

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    BASE32_NOPAD.encode(bytes)
}

/// Reads what `base32_encode` wrote (spaces, padding and lower case are forgiven). Strict
/// otherwise: a length no encoding has, or trailing bits that are not zero, is not a secret.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let clean: String = text
        .chars()
        .filter(|c| *c != '=' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    BASE32_NOPAD.decode(clean.as_bytes()).ok()
}

/// The 30-second step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code for `secret` at `step` (HOTP with dynamic truncation, RFC 4226).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    value % 10u32.pow(DIGITS)
}

/// Checks `code` against the current step and one on each side (clock drift), refusing any step
/// at or before `last_used` (a code works once). Returns the step that matched.
pub fn verify(
    secret_base32: &str,
    code: &str,
    unix_seconds: i64,
    last_used: Option<i64>,
) -> Option<i64> {
    let secret = base32_decode(secret_base32)?;
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = digits.parse().ok()?;
    let now = step_at(unix_seconds);
    (now - 1..=now + 1)
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| code_at(&secret, *s) == wanted)
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    /// Everything but letters, digits and `-._@` is percent-encoded.
    const LABEL: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'@');
    let enc = |s: &str| utf8_percent_encode(s, LABEL).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The QR code for `data` as an inline SVG element (no XML declaration, no styles: it passes the
/// Content-Security-Policy), labelled for screen readers.
pub fn qr_svg(data: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    let label: String = label
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '"' | '&'))
        .collect();
    Some(svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\""),
        1,
    ))
}

/// Ten recovery codes such as `k7m4-q2px-9bzt-w3ha`: for when the phone is lost. Each works
/// once. 16 characters of 31 (about 79 bits, as a temporary password): stored keyed, a code
/// cannot be guessed offline, and online guesses are throttled, but a code is also a password
/// that never expires, so it gets a password's strength (10 characters, 50 bits, before).
pub fn recovery_codes() -> Result<Vec<String>, RandomUnavailable> {
    (0..10)
        .map(|_| crate::ssr::auth::password::temporary_password().map(|t| t.expose().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, secret "12345678901234567890", last 6 of the 8 digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, step_at(59)), 287082);
        assert_eq!(code_at(secret, step_at(1111111109)), 81804);
        assert_eq!(code_at(secret, step_at(2000000000)), 279037);
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(
            base32_encode(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        let s = new_secret().unwrap().expose().to_string();
        assert_eq!(s.len(), 32);
        assert_eq!(base32_encode(&base32_decode(&s).unwrap()), s);
        assert_eq!(base32_decode("not base32!"), None);
        assert_eq!(base32_decode("gezd gnbv"), base32_decode("GEZDGNBV"));
    }

    #[test]
    fn base32_refuses_non_canonical_input() {
        // "ME" is "a"; "MF" has the same first 8 bits and a stray 1 in the trailing bits.
        assert_eq!(base32_decode("ME"), Some(b"a".to_vec()));
        assert_eq!(base32_decode("MF"), None);
        // 1, 3 and 6 characters are lengths no encoding has.
        assert_eq!(base32_decode("M"), None);
        assert_eq!(base32_decode("MZX"), None);
    }

    #[test]
    fn codes_allow_drift_and_work_once() {
        let secret = base32_encode(b"12345678901234567890");
        let t = 1_800_000_000;
        let code = format!("{:06}", code_at(b"12345678901234567890", step_at(t)));
        let step = verify(&secret, &code, t, None).unwrap();
        assert_eq!(
            verify(&secret, &code, t + 30, None),
            Some(step),
            "one step late is fine"
        );
        assert_eq!(verify(&secret, &code, t + 90, None), None, "too late");
        assert_eq!(verify(&secret, &code, t, Some(step)), None, "used already");
        assert_eq!(verify(&secret, "12345", t, None), None);
        assert_eq!(verify(&secret, "abcdef", t, None), None);
    }

    #[test]
    fn otpauth_labels_are_percent_encoded() {
        let uri = otpauth_uri("Hälsolots Team", "a.b@c.se", "ABC");
        assert!(uri.starts_with("otpauth://totp/H%C3%A4lsolots%20Team:a.b@c.se?secret=ABC&"));
    }

    #[test]
    fn qr_is_plain_svg() {
        let secret = new_secret().unwrap();
        let svg = qr_svg(
            &otpauth_uri("Hälsolots", "a@b.se", secret.expose()),
            "QR-kod",
        )
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR-kod\""));
        assert!(!svg.contains("style=") && !svg.contains("<?xml"));
    }
}
