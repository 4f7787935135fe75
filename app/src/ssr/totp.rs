//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as phone
//! authenticator apps make them, and the QR code that enrols a phone.
use super::random::random_bytes;
use hmac::{Hmac, Mac};
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new secret: 160 random bits, base32 without padding (what authenticator apps expect).
pub fn new_secret() -> String {
    base32_encode(&random_bytes::<20>())
}

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = BASE32.iter().position(|x| *x == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
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
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
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

/// Ten recovery codes such as `k7m4-q2px-9b`: for when the phone is lost. Each works once.
pub fn recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let t = super::password::temporary_password();
            t[..12].to_string()
        })
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
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(base32_encode(&base32_decode(&s).unwrap()), s);
        assert_eq!(base32_decode("not base32!"), None);
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
    fn qr_is_plain_svg() {
        let svg = qr_svg(&otpauth_uri("Hälsolots", "a@b.se", &new_secret()), "QR-kod").unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR-kod\""));
        assert!(!svg.contains("style=") && !svg.contains("<?xml"));
    }
}
