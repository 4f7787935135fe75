//! E-mail addresses.
use serde::{Deserialize, Serialize};

/// An e-mail address that looks deliverable: one `@`, a local part, a domain with a dot, no spaces
/// or markup characters, at most 254 characters. Stored lower-cased in the domain only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Option<Email> {
        let s = input.trim();
        if s.is_empty() || s.len() > 254 {
            return None;
        }
        let (local, domain) = s.rsplit_once('@')?;
        let bad = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\' | '@'
                )
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty()
            || local.len() > 64
            || local.chars().any(bad)
            || domain.chars().any(bad)
            || !domain_ok
        {
            return None;
        }
        Some(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// Rebuilds an address from a stored value (trusted: from our database or settings).
    pub fn from_stored(stored: String) -> Email {
        Email(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            Email::parse(" Anna.Lind@Hogsby.SE ").map(|e| e.0),
            Some("Anna.Lind@hogsby.se".into())
        );
        assert!(Email::parse("a+b@sub.exempel.se").is_some());
        assert!(Email::parse("åsa@exempel.se").is_some());
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@exempel.se",
            "anna@exempel",
            "anna@.se",
            "anna@exempel..se",
            "an na@exempel.se",
            "<a>@b.se",
            "a@b@c.se",
            "anna@-x.se",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad:?} should be refused");
        }
        assert!(Email::parse(&format!("{}@exempel.se", "a".repeat(300))).is_none());
    }
}
