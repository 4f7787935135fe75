//! Cleaning and checking of free text typed by a person.
use crate::i18n::K;

/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest workplace name, in characters.
pub const ORG_MAX: usize = 150;
/// Longest free text, in characters.
pub const TEXT_MAX: usize = 1000;

/// Removes control characters and invisible direction overrides (which can disguise text), turns
/// line breaks into `\n` (kept only when `multiline`), and trims. Tabs become spaces.
pub fn clean(input: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.replace("\r\n", "\n").chars() {
        match c {
            '\n' if multiline => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' => {}
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
    let name = clean(raw, false);
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
    Characters,
}

impl NameProblem {
    /// The message for this problem; `missing` differs between "your name" and "the person's name".
    pub fn key(self, missing: K) -> K {
        match self {
            NameProblem::Missing => missing,
            NameProblem::TooLong => K::err_name_too_long,
            NameProblem::Unreadable => K::err_unreadable,
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
    let text = clean(raw, multiline);
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
