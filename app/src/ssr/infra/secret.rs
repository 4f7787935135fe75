//! A value that must never reach a log: passwords, session tokens, TOTP keys. `Debug` prints
//! `Secret([redacted])`, there is no `Display` or `Serialize`, and the value is read only through
//! `expose`, so every place that uses it is easy to find.
use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }
    /// The value itself, for the one place that needs it (hashing, a cookie, a check).
    pub fn expose(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A secret stored as text in the database (a password hash, a TOTP key): a column value whose
/// `Debug` is redacted, so logging a row never prints it.
#[derive(Clone, PartialEq, Eq, sea_orm::DeriveValueType)]
pub struct SecretText(pub String);

impl SecretText {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2hunter2".to_string());
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2hunter2");
        let t = SecretText("JBSWY3DPEHPK3PXP".into());
        assert_eq!(format!("{:?}", Some(&t)), "Some(SecretText([redacted]))");
    }
}
