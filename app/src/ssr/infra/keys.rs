//! The installation's secret key, kept outside the database: in a file (created on first start,
//! readable by the server's user only) or in an environment variable.
//!
//! A copy of the database alone then reveals nothing it protects: TOTP keys are encrypted with it,
//! and recovery codes, login-throttle keys, client fingerprints and the audit chain are keyed
//! hashes (HMAC-SHA256) that cannot be recomputed or guessed offline without it. Each use has its
//! own subkey (`Purpose`), so a value made for one use never verifies as another.
use crate::ssr::infra::random::{random_bytes, RandomUnavailable};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a subkey is for. The label is part of the derivation: never change one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Links of the audit chain.
    Audit,
    /// Signed audit checkpoints an operator keeps elsewhere.
    Checkpoint,
    /// Keys of the login throttle (e-mail addresses, client addresses).
    Throttle,
    /// Hashes of recovery codes.
    RecoveryCode,
    /// Encryption of TOTP keys.
    TotpKey,
    /// Fingerprints of a client (address group), e.g. to recognise a resubmission.
    Client,
    /// The key's own id, stored with the data it protects to detect a wrong key.
    KeyId,
    /// Encryption of participants' personnummer.
    Personnummer,
    /// The secrets in staff members' calendar feed addresses (only their MAC is stored).
    CalendarFeed,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Audit => "halsolots/audit/v1",
            Purpose::Checkpoint => "halsolots/checkpoint/v1",
            Purpose::Throttle => "halsolots/throttle/v1",
            Purpose::RecoveryCode => "halsolots/recovery-code/v1",
            Purpose::TotpKey => "halsolots/totp-key/v1",
            Purpose::Client => "halsolots/client/v1",
            Purpose::KeyId => "halsolots/key-id/v1",
            Purpose::Personnummer => "halsolots/personnummer/v1",
            Purpose::CalendarFeed => "halsolots/calendar-feed/v1",
        }
    }
}

/// Where the key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// A file holding 64 hex digits; created (mode 0600) if missing.
    File(PathBuf),
    /// 64 hex digits, from `HALSOLOTS_KEY`.
    Hex(String),
    /// The bytes themselves (tests).
    Bytes([u8; 32]),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::File(p) => write!(f, "KeySource::File({})", p.display()),
            KeySource::Hex(_) | KeySource::Bytes(_) => f.write_str("KeySource([redacted])"),
        }
    }
}

/// The key could not be read or made. The server does not start without it.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("HALSOLOTS_KEY_FILE: {0}")]
    File(String),
    #[error("HALSOLOTS_KEY: must be 64 hexadecimal digits (32 bytes)")]
    Malformed,
    #[error(transparent)]
    Random(#[from] RandomUnavailable),
}

/// The installation key and what is derived from it. Cheap to clone.
#[derive(Clone)]
pub struct Keys(Arc<[u8; 32]>);

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

fn parse_hex(text: &str) -> Result<[u8; 32], KeyError> {
    let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed)?;
    bytes.try_into().map_err(|_| KeyError::Malformed)
}

impl Keys {
    pub fn from_bytes(bytes: [u8; 32]) -> Keys {
        Keys(Arc::new(bytes))
    }

    /// Reads (or for a missing file, creates) the key.
    pub fn load(source: &KeySource) -> Result<Keys, KeyError> {
        match source {
            KeySource::Bytes(b) => Ok(Keys::from_bytes(*b)),
            KeySource::Hex(h) => Ok(Keys::from_bytes(parse_hex(h)?)),
            KeySource::File(path) => Ok(Keys::from_bytes(load_or_create(path)?)),
        }
    }

    fn subkey(&self, purpose: Purpose) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(purpose.label().as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 of `data` under `purpose`'s subkey, as lower-case hex.
    pub fn mac_hex(&self, purpose: Purpose, data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.subkey(purpose))
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// A short public id of this key (not secret): stored beside data the key protects, so a
    /// server started with another key says so instead of misreading everything.
    pub fn id(&self) -> String {
        self.mac_hex(Purpose::KeyId, b"")[..16].to_string()
    }

    /// Encrypts `plaintext` (XChaCha20-Poly1305, random 192-bit nonce). `context` is bound to
    /// the ciphertext without being stored in it (such as the row's id), so a value moved to
    /// another row does not open. The result is text: `k1:` and hex of nonce and ciphertext.
    pub fn seal(
        &self,
        purpose: Purpose,
        context: &[u8],
        plaintext: &[u8],
    ) -> Result<String, RandomUnavailable> {
        let cipher = XChaCha20Poly1305::new(&self.subkey(purpose).into());
        let nonce = random_bytes::<24>()?;
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            // Encryption fails only for messages of 256 GiB and more.
            .unwrap_or_else(|_| unreachable!("a stored secret is far below the AEAD's limit"));
        Ok(format!(
            "{SEALED_PREFIX}{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        ))
    }

    /// Decrypts what `seal` made with the same purpose and context; `None` if anything differs.
    pub fn open(&self, purpose: Purpose, context: &[u8], sealed: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() < 24 + 16 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        XChaCha20Poly1305::new(&self.subkey(purpose).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .ok()
    }
}

/// How a sealed value starts (a stored value without it was written before encryption).
pub const SEALED_PREFIX: &str = "k1:";

/// HMAC-SHA256 takes keys of any length, so making one cannot fail.
fn unreachable_hmac() -> Hmac<Sha256> {
    unreachable!("HMAC-SHA256 accepts any key length")
}

/// Reads the key file, refusing one that others can read; creates it (0600) if it is missing.
fn load_or_create(path: &Path) -> Result<[u8; 32], KeyError> {
    let shown = path.display();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            parse_hex(&text).map_err(|_| {
                KeyError::File(format!(
                    "{shown} must hold 64 hexadecimal digits (32 bytes)"
                ))
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_bytes::<32>()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| KeyError::File(format!("cannot create {}: {e}", dir.display())))?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(format!("{}\n", hex::encode(key)).as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(|e| KeyError::File(format!("cannot write {shown}: {e}")))?;
                    tracing::warn!(
                        path = %shown,
                        "created a new installation key: back it up apart from the database; \
                         without it, two-factor logins and the audit log cannot be read"
                    );
                    Ok(key)
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
                Err(e) => Err(KeyError::File(format!("cannot create {shown}: {e}"))),
            }
        }
        Err(e) => Err(KeyError::File(format!("cannot read {shown}: {e}"))),
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| KeyError::File(format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::File(format!(
            "{} can be read by other users (mode {:o}); run: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(b: u8) -> Keys {
        Keys::from_bytes([b; 32])
    }

    #[test]
    fn macs_depend_on_key_and_purpose() {
        let k = keys(1);
        let a = k.mac_hex(Purpose::Throttle, b"sara@exempel.se");
        assert_eq!(a.len(), 64);
        assert_eq!(a, k.mac_hex(Purpose::Throttle, b"sara@exempel.se"));
        assert_ne!(a, k.mac_hex(Purpose::RecoveryCode, b"sara@exempel.se"));
        assert_ne!(a, keys(2).mac_hex(Purpose::Throttle, b"sara@exempel.se"));
        assert_ne!(k.id(), keys(2).id());
    }

    #[test]
    fn sealed_values_open_only_with_key_purpose_and_context() {
        let k = keys(1);
        let s = k
            .seal(Purpose::TotpKey, b"staff:1", b"JBSWY3DPEHPK3PXP")
            .unwrap();
        assert!(s.starts_with(SEALED_PREFIX) && !s.contains("JBSWY3DP"));
        assert_ne!(
            s,
            k.seal(Purpose::TotpKey, b"staff:1", b"JBSWY3DPEHPK3PXP")
                .unwrap()
        );
        assert_eq!(
            k.open(Purpose::TotpKey, b"staff:1", &s).as_deref(),
            Some(&b"JBSWY3DPEHPK3PXP"[..])
        );
        assert_eq!(k.open(Purpose::TotpKey, b"staff:2", &s), None);
        assert_eq!(k.open(Purpose::Audit, b"staff:1", &s), None);
        assert_eq!(keys(2).open(Purpose::TotpKey, b"staff:1", &s), None);
        assert_eq!(k.open(Purpose::TotpKey, b"staff:1", "k1:00"), None);
        assert_eq!(
            k.open(Purpose::TotpKey, b"staff:1", "JBSWY3DPEHPK3PXP"),
            None
        );
    }

    #[test]
    fn key_file_is_created_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!(
            "halsolots_key_{}",
            hex::encode(random_bytes::<6>().unwrap())
        ));
        let path = dir.join("sub").join("halsolots.key");
        let made = Keys::load(&KeySource::File(path.clone())).unwrap();
        let again = Keys::load(&KeySource::File(path.clone())).unwrap();
        assert_eq!(made.id(), again.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = Keys::load(&KeySource::File(path.clone())).unwrap_err();
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        std::fs::write(&path, "not a key").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(Keys::load(&KeySource::File(path)).is_err());
        assert!(matches!(
            Keys::load(&KeySource::Hex("abc".into())),
            Err(KeyError::Malformed)
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}
