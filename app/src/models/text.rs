//! Cleaning and checking of free text typed by a person.
use crate::i18n::K;

/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest workplace name, in characters.
pub const ORG_MAX: usize = 150;
/// Longest free text, in characters.
pub const TEXT_MAX: usize = 1000;

/// True for a Unicode format character (general category Cf, Unicode 15.1): zero-width spaces
/// and joiners, direction marks, embeddings, overrides and isolates, the byte-order mark, soft
/// hyphen, tag characters. They are invisible, and some reorder what is shown (U+202E makes
/// "fdp.exe" read "exe.pdf"), so typed text that holds one is refused rather than stored.
pub fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// True when the text holds a format character (`is_format_char`).
pub fn has_format_chars(s: &str) -> bool {
    s.chars().any(is_format_char)
}

/// The text in Unicode NFC, so "ä" typed as "a" + U+0308 is checked and stored as the one
/// character "ä". Only on the server: the browser checks what is typed as it is, and the
/// normalisation tables stay out of the wasm; the server checks again after normalising.
#[cfg(feature = "ssr")]
pub fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// In the browser, text is checked as typed (see the server's `nfc`).
#[cfg(not(feature = "ssr"))]
pub fn nfc(s: &str) -> String {
    s.to_string()
}

/// Removes control characters and any format characters left (callers refuse text with those
/// first, see `is_format_char`), turns line breaks into `\n` (kept only when `multiline`), and
/// trims. Tabs become spaces.
pub fn clean(input: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.replace("\r\n", "\n").chars() {
        match c {
            '\n' if multiline => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || is_format_char(c) => {}
            c => out.push(c),
        }
    }
    if multiline {
        out.trim().to_string()
    } else {
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// True when the text came from bytes that were not valid UTF-8 (decoded as U+FFFD).
pub fn is_unreadable(s: &str) -> bool {
    s.contains('\u{FFFD}')
}

/// True when the text looks like markup or script (`<b`, `</`, `<!`, `<?`). Ordinary text such as
/// "<3" or "> 5 år" is allowed.
pub fn looks_like_markup(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// A name: letters (any script), spaces, hyphens, apostrophes and full stops.
pub fn check_name(raw: &str) -> Result<String, NameProblem> {
    // Refuse absurd input before doing any work on it.
    if raw.len() > NAME_MAX * 4 {
        return Err(NameProblem::TooLong);
    }
    if is_unreadable(raw) {
        return Err(NameProblem::Unreadable);
    }
    if has_format_chars(raw) {
        return Err(NameProblem::Invisible);
    }
    let name = clean(&nfc(raw), false);
    if name.is_empty() {
        return Err(NameProblem::Missing);
    }
    if name.chars().count() > NAME_MAX {
        return Err(NameProblem::TooLong);
    }
    if !name.chars().all(|c| {
        c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.' | '\u{0300}'..='\u{036F}')
    }) {
        return Err(NameProblem::Characters);
    }
    Ok(name)
}

/// Why a name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    Missing,
    TooLong,
    Unreadable,
    /// It holds invisible format characters (`is_format_char`).
    Invisible,
    Characters,
}

impl NameProblem {
    /// The message for this problem; `missing` differs between "your name" and "the person's name".
    pub fn key(self, missing: K) -> K {
        match self {
            NameProblem::Missing => missing,
            NameProblem::TooLong => K::err_name_too_long,
            NameProblem::Unreadable => K::err_unreadable,
            NameProblem::Invisible => K::err_invisible,
            NameProblem::Characters => K::err_name_chars,
        }
    }
}

/// Free text of at most `max` characters; `Ok(None)` when empty.
pub fn check_text(
    raw: &str,
    max: usize,
    multiline: bool,
    too_long: K,
) -> Result<Option<String>, K> {
    if raw.len() > max * 4 {
        return Err(too_long);
    }
    if is_unreadable(raw) {
        return Err(K::err_unreadable);
    }
    if has_format_chars(raw) {
        return Err(K::err_invisible);
    }
    let text = clean(&nfc(raw), multiline);
    if text.chars().count() > max {
        return Err(too_long);
    }
    if looks_like_markup(&text) {
        return Err(K::err_text_markup);
    }
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_controls_and_overrides() {
        assert_eq!(clean("  Anna\u{0}\u{7}  Lind\t", false), "Anna Lind");
        assert_eq!(clean("rad 1\r\nrad 2\u{202E}", true), "rad 1\nrad 2");
        assert_eq!(clean("a\u{200B}b\u{2060}c\u{E0041}", false), "abc");
        assert_eq!(clean("rad 1\nrad 2", false), "rad 1 rad 2");
        assert_eq!(clean("\u{0}\u{1b}", false), "");
    }

    #[test]
    fn names() {
        assert_eq!(check_name(" Åsa  Öberg-Lind "), Ok("Åsa Öberg-Lind".into()));
        assert_eq!(check_name("محمد"), Ok("محمد".into()));
        assert_eq!(check_name("O'Brien Jr."), Ok("O'Brien Jr.".into()));
        assert_eq!(check_name(""), Err(NameProblem::Missing));
        assert_eq!(check_name("\u{0}\u{7}"), Err(NameProblem::Missing));
        assert_eq!(
            check_name("<script>alert(1)</script>"),
            Err(NameProblem::Characters)
        );
        assert_eq!(check_name("Anna2"), Err(NameProblem::Characters));
        assert_eq!(check_name(&"a".repeat(101)), Err(NameProblem::TooLong));
        assert_eq!(check_name(&"a".repeat(100_000)), Err(NameProblem::TooLong));
        assert_eq!(check_name("An\u{FFFD}na"), Err(NameProblem::Unreadable));
    }

    /// Every format character the rules name is refused in names and free text, with its own
    /// message; ordinary letters, combining marks and Arabic are not format characters.
    #[test]
    fn invisible_format_characters_are_refused() {
        let named = ('\u{200B}'..='\u{200F}')
            .chain('\u{202A}'..='\u{202E}')
            .chain('\u{2060}'..='\u{2069}')
            .chain(['\u{061C}', '\u{FEFF}', '\u{00AD}', '\u{E0001}']);
        for c in named {
            assert!(is_format_char(c), "U+{:04X}", c as u32);
            let name = format!("An{c}na");
            assert_eq!(
                check_name(&name),
                Err(NameProblem::Invisible),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                NameProblem::Invisible.key(K::err_name_required),
                K::err_invisible
            );
            assert_eq!(
                check_text(&format!("Hej {c}där"), TEXT_MAX, true, K::err_text_too_long),
                Err(K::err_invisible),
                "U+{:04X}",
                c as u32
            );
        }
        for c in ['a', 'ä', '\u{0308}', 'م', '\u{064E}', ' ', '-', '’', '😀'] {
            assert!(!is_format_char(c), "{c:?}");
        }
        assert_eq!(check_name("Anna\u{202E}"), Err(NameProblem::Invisible));
    }

    /// The server checks and stores text in NFC (the browser's build leaves it as typed).
    #[cfg(feature = "ssr")]
    #[test]
    fn text_is_nfc_normalised_on_the_server() {
        assert_eq!(nfc("a\u{0308}"), "ä");
        assert_eq!(
            check_name("A\u{030A}sa La\u{0308}rka"),
            Ok("Åsa Lärka".into())
        );
        assert_eq!(
            check_text("Tra\u{0308}ffa", TEXT_MAX, true, K::err_text_too_long),
            Ok(Some("Träffa".into()))
        );
        // Already composed text is unchanged; Arabic with its marks too.
        assert_eq!(nfc("Åsa مُحَمَّد"), "Åsa مُحَمَّد");
    }

    #[test]
    fn free_text() {
        let long = K::err_text_too_long;
        assert_eq!(check_text("", TEXT_MAX, true, long), Ok(None));
        assert_eq!(
            check_text(" Jag gillar <3 och > 5 km ", TEXT_MAX, true, long),
            Ok(Some("Jag gillar <3 och > 5 km".into()))
        );
        assert_eq!(
            check_text("<img src=x onerror=alert(1)>", TEXT_MAX, true, long),
            Err(K::err_text_markup)
        );
        assert_eq!(
            check_text("hej </b>", TEXT_MAX, true, long),
            Err(K::err_text_markup)
        );
        assert_eq!(
            check_text(&"å".repeat(1000), TEXT_MAX, true, long),
            Ok(Some("å".repeat(1000)))
        );
        assert_eq!(
            check_text(&"å".repeat(1001), TEXT_MAX, true, long),
            Err(long)
        );
        assert_eq!(
            check_text(&"x".repeat(100_000), TEXT_MAX, true, long),
            Err(long)
        );
    }
}
