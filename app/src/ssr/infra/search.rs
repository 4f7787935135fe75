//! What the inbox search compares: text folded the same way in Rust for what is stored and for what
//! is typed, so both databases find the same rows.
//!
//! Folding is done here, not in SQL: SQLite's `lower()` and `LIKE` fold only ASCII ("Å" stays
//! "Å"), PostgreSQL's depend on the database's collation. So each contact request stores a
//! `search_text` column, written when the request is stored (and filled for older rows by the
//! migration that added it), holding the names and e-mail addresses in NFC lower case, the phone
//! numbers as digits in their national form, and the reference code; the search term is folded by
//! the same functions and compared with `LIKE` (case plays no part any more).
use unicode_normalization::UnicodeNormalization;

/// NFC lower case with runs of white space made one space: "  ÅSA\u{0308}  Öberg" and "åsa öberg"
/// fold alike. Lower case by Unicode's rules (Å→å, Ö→ö, É→é), the same on every database.
pub fn fold(s: &str) -> String {
    let lower: String = s.nfc().collect::<String>().to_lowercase();
    // Lower-casing can produce decomposed sequences (İ → i̇); normalise once more.
    let nfc: String = lower.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A phone number as the search compares it: digits only, a Swedish number in its national form
/// with the leading 0 ("+46 70-123 45 67", "0046701234567" and "070-123 45 67" all give
/// "0701234567"), another country's number as its digits with the country code. `None` if `s` is
/// not written like (part of) a phone number.
pub fn phone_digits(s: &str) -> Option<String> {
    let s = s.trim();
    let allowed = |c: char| c.is_ascii_digit() || " -./()+\u{a0}".contains(c);
    if s.is_empty() || !s.chars().all(allowed) {
        return None;
    }
    let plus = s.starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    Some(match international {
        // "+46 (0)70…": drop the trunk 0 the writer kept.
        Some(rest) => match rest.strip_prefix("46") {
            Some(national) => format!("0{}", national.strip_prefix('0').unwrap_or(national)),
            None => rest.to_string(),
        },
        None => digits,
    })
}

/// The stored search text of a request: its reference code folded without its hyphen, its names
/// and e-mail addresses folded, its phone numbers (E.164 as stored) as `phone_digits` — one space
/// between each.
pub fn search_text<'a>(
    code: &str,
    words: impl IntoIterator<Item = &'a str>,
    phones: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut parts = vec![fold(code).replace('-', "")];
    parts.extend(words.into_iter().map(fold).filter(|w| !w.is_empty()));
    parts.extend(phones.into_iter().filter_map(phone_digits));
    parts.join(" ")
}

/// The longest search term looked for (characters).
pub const TERM_MAX: usize = 300;

/// A typed search term as a `LIKE` pattern on `search_text`, with `\` as the escape character:
/// a phone number becomes its digits, a reference code loses its hyphen, anything else is folded. `None` for an empty term.
pub fn like_pattern(term: &str) -> Option<String> {
    // Longer than any name, address or number stored: the rest cannot match anyway.
    let term: String = term.trim().chars().take(TERM_MAX).collect();
    let term = term.as_str();
    if term.is_empty() {
        return None;
    }
    let needle = match phone_digits(term) {
        // Digits only: a phone number, a part of one, or a code of digits only (stored compact).
        Some(d) => d,
        None => {
            let folded = fold(term);
            match folded.split_once('-') {
                // "kxmp-4t7q" → "kxmp4t7q", as the code is stored.
                Some((a, b))
                    if a.len() == 4
                        && b.len() == 4
                        && folded
                            .chars()
                            .all(|c| c == '-' || c.is_ascii_alphanumeric()) =>
                {
                    format!("{a}{b}")
                }
                _ => folded,
            }
        }
    };
    let mut escaped = String::with_capacity(needle.len() + 2);
    escaped.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    Some(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_the_swedish_way() {
        assert_eq!(fold("Åsa Öberg"), "åsa öberg");
        assert_eq!(fold("ÄRLIG  Ängel"), "ärlig ängel");
        // "Å" written as A + combining ring folds like the precomposed letter.
        assert_eq!(fold("A\u{030A}sa"), fold("Åsa"));
        assert_eq!(fold("Émile"), "émile");
    }

    #[test]
    fn a_phone_is_the_same_however_it_is_typed() {
        for typed in [
            "070-123 45 67",
            "+46701234567",
            "0701234567",
            "+46 (0)70 123 45 67",
            "0046 70 123 45 67",
        ] {
            assert_eq!(
                phone_digits(typed).as_deref(),
                Some("0701234567"),
                "{typed}"
            );
        }
        assert_eq!(
            phone_digits("+4915112345678").as_deref(),
            Some("4915112345678")
        );
        assert_eq!(phone_digits("123 45").as_deref(), Some("12345"));
        assert_eq!(phone_digits("Åsa"), None);
        assert_eq!(phone_digits("ABCD-2345"), None);
    }

    #[test]
    fn the_stored_text_and_the_term_meet() {
        let stored = search_text(
            "KXMP-4T7Q",
            ["Åsa Öberg", "asa@exempel.se"],
            ["+46701234567"],
        );
        assert_eq!(stored, "kxmp4t7q åsa öberg asa@exempel.se 0701234567");
        let matches = |term: &str| {
            let p = like_pattern(term).expect("pattern");
            let inner = p.trim_matches('%').replace('\\', "");
            stored.contains(&inner)
        };
        for term in [
            "åsa",
            "ÅSA",
            "Öberg",
            "070-123 45 67",
            "+46701234567",
            "0701234567",
            "kxmp-4t7q",
            "KXMP4T7Q",
            "123 45 67",
        ] {
            assert!(matches(term), "{term}");
        }
        assert!(!matches("Åke"));
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_a").as_deref(), Some("%50\\%\\_a%"));
        assert_eq!(like_pattern("   "), None);
    }
}
