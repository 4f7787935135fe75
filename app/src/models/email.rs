//! E-mail addresses.
use super::text::{has_format_chars, nfc};
use serde::{Deserialize, Serialize};

/// An e-mail address that looks deliverable: one `@`, a local part, a domain with a dot, no spaces
/// or markup characters, at most 254 characters. Stored lower-cased in the domain only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    /// Not an address.
    Invalid,
    /// It holds invisible format characters (see `text::is_format_char`), which could make two
    /// addresses look the same.
    Invisible,
}

impl Email {
    pub fn parse(input: &str) -> Option<Email> {
        Email::check(input).ok()
    }

    /// Like `parse`, but says why an address was refused. The server checks it in NFC.
    pub fn check(input: &str) -> Result<Email, EmailProblem> {
        if input.len() > 1024 {
            return Err(EmailProblem::Invalid);
        }
        if has_format_chars(input) {
            return Err(EmailProblem::Invisible);
        }
        Email::parse_nfc(&nfc(input.trim())).ok_or(EmailProblem::Invalid)
    }

    fn parse_nfc(s: &str) -> Option<Email> {
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

    #[test]
    fn invisible_characters_are_named() {
        for c in [
            '\u{200B}', '\u{200D}', '\u{202E}', '\u{2066}', '\u{FEFF}', '\u{061C}',
        ] {
            assert_eq!(
                Email::check(&format!("an{c}na@exempel.se")),
                Err(EmailProblem::Invisible),
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(Email::check("anna@"), Err(EmailProblem::Invalid));
        assert!(Email::check("anna@exempel.se").is_ok());
    }
}
