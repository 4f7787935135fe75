//! Telephone numbers: typed the way people write them, stored as E.164, shown grouped.
use serde::{Deserialize, Serialize};

/// A telephone number in E.164 form (`+46701234567`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Accepts Swedish numbers with or without the leading 0 trunk prefix, `+46` or `0046`, with
    /// spaces, hyphens, dots, slashes or parentheses; and other countries' numbers that start with
    /// `+` or `00`.
    pub fn parse(input: &str) -> Option<Phone> {
        if input.len() > 40 {
            return None;
        }
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}'))
            .collect();
        let (international, digits) = if let Some(rest) = compact.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix("00") {
            (true, rest)
        } else {
            (false, compact.as_str())
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let national = if international {
            match digits.strip_prefix("46") {
                // "+46 (0)70…" is a common way of writing; drop the trunk 0.
                Some(n) => n.strip_prefix('0').unwrap_or(n),
                None => {
                    // Another country: E.164 allows at most 15 digits, country code included.
                    return (8..=15)
                        .contains(&digits.len())
                        .then(|| Phone(format!("+{digits}")));
                }
            }
        } else {
            digits.strip_prefix('0')?
        };
        // Swedish national numbers (without the 0) have 7 to 9 digits; mobile numbers exactly 9.
        let ok = match national.as_bytes().first() {
            Some(b'7') => national.len() == 9,
            Some(b'1'..=b'9') => (7..=9).contains(&national.len()),
            _ => false,
        };
        ok.then(|| Phone(format!("+46{national}")))
    }

    /// The stored E.164 form.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// Rebuilds a phone from a stored E.164 value (trusted, from our own database or settings).
    pub fn from_e164(stored: String) -> Phone {
        Phone(stored)
    }

    /// The number as Swedes write it: `070-123 45 67`, `08-123 456 78`, `010-356 51 25`.
    /// Numbers from other countries keep their international form.
    pub fn display(&self) -> String {
        let Some(national) = self.0.strip_prefix("+46") else {
            return self.0.clone();
        };
        let area_len = area_code_len(national);
        let (area, subscriber) = national.split_at(area_len.min(national.len()));
        format!("0{area}-{}", group_subscriber(subscriber))
    }

    /// A `tel:` link target.
    pub fn tel_href(&self) -> String {
        format!("tel:{}", self.0)
    }
}

/// Length of the area code (without the 0): 1 for Stockholm, 2 for mobile, 010 and the larger
/// towns, otherwise 3 (the Swedish numbering plan).
fn area_code_len(national: &str) -> usize {
    const TWO: [&str; 21] = [
        "10", "11", "13", "16", "18", "19", "20", "21", "23", "26", "31", "33", "35", "36", "40",
        "42", "44", "46", "54", "60", "90",
    ];
    if national.starts_with('8') {
        1
    } else if national.starts_with('7') || TWO.iter().any(|p| national.starts_with(p)) {
        2
    } else {
        3
    }
}

/// Groups a subscriber number in pairs from the end, with a leading group of three for odd
/// lengths: `1234567` → `123 45 67`, `12345678` → `123 456 78`.
fn group_subscriber(s: &str) -> String {
    match s.len() {
        8 => format!("{} {} {}", &s[..3], &s[3..6], &s[6..]),
        n if n > 4 => {
            let head = if n % 2 == 1 { 3 } else { 2 };
            let mut parts = vec![&s[..head]];
            let mut i = head;
            while i < n {
                parts.push(&s[i..i + 2]);
                i += 2;
            }
            parts.join(" ")
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(s: &str) -> Option<String> {
        Phone::parse(s).map(|p| p.e164().to_string())
    }

    #[test]
    fn accepts_swedish_formats() {
        assert_eq!(e164("070-123 45 67").as_deref(), Some("+46701234567"));
        assert_eq!(e164("0701234567").as_deref(), Some("+46701234567"));
        assert_eq!(e164("+46 70 123 45 67").as_deref(), Some("+46701234567"));
        assert_eq!(e164("+46 (0)70-123 45 67").as_deref(), Some("+46701234567"));
        assert_eq!(e164("0046701234567").as_deref(), Some("+46701234567"));
        assert_eq!(e164("08-123 456 78").as_deref(), Some("+46812345678"));
        assert_eq!(e164("010-356 51 25").as_deref(), Some("+46103565125"));
        assert_eq!(e164("0491-123 45").as_deref(), Some("+4649112345"));
    }

    #[test]
    fn accepts_other_countries_with_plus() {
        assert_eq!(e164("+358 40 123 4567").as_deref(), Some("+358401234567"));
        assert_eq!(e164("+1").as_deref(), None);
    }

    #[test]
    fn refuses_wrong_numbers() {
        for bad in [
            "",
            "abc",
            "070-123 45",
            "070-123 45 678",
            "12345",
            "0",
            "+46",
            "070 123 45 6x",
            "07O-1234567",
            "<script>",
            &"1".repeat(1000),
        ] {
            assert_eq!(e164(bad), None, "{bad:?} should be refused");
        }
    }

    #[test]
    fn shows_grouped() {
        let show = |s: &str| Phone::parse(s).map(|p| p.display());
        assert_eq!(show("0701234567").as_deref(), Some("070-123 45 67"));
        assert_eq!(show("0812345678").as_deref(), Some("08-123 456 78"));
        assert_eq!(show("0103565125").as_deref(), Some("010-356 51 25"));
        assert_eq!(show("049112345").as_deref(), Some("0491-123 45"));
        assert_eq!(show("+358401234567").as_deref(), Some("+358401234567"));
    }
}
