//! Texts in every language. The catalogues live in `app/locales/*.txt`; `build.rs` turns them
//! into the `Lang` and `K` enums below and refuses to build if a language lacks a text.
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

impl Lang {
    /// `ltr` or `rtl`, for the `dir` attribute on `<html>`.
    pub fn dir(self) -> &'static str {
        text(self, K::lang_dir)
    }

    /// Picks the best supported language from an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn fill(lang: Lang, key: K, args: &[(&str, &str)]) -> String {
    let mut s = text(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// The page's language, provided once at the top of the app.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Shorthand for a text in the page's language.
pub fn t(key: K) -> &'static str {
    text(use_lang(), key)
}

/// A long date for running text, as Digg's guidelines say: "7 oktober 2024".
pub fn long_date(lang: Lang, year: i32, month: u32, day: u32) -> String {
    const MONTHS: [K; 12] = [
        K::month_1,
        K::month_2,
        K::month_3,
        K::month_4,
        K::month_5,
        K::month_6,
        K::month_7,
        K::month_8,
        K::month_9,
        K::month_10,
        K::month_11,
        K::month_12,
    ];
    let name = MONTHS
        .get(month.saturating_sub(1) as usize)
        .map(|k| text(lang, *k))
        .unwrap_or("");
    // Day, month name, year reads naturally in every language we offer.
    format!("{day} {name} {year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_highest_supported() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,sv;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,sv;q=0.5,en;q=0.4"),
            Some(Lang::Sv)
        );
        assert_eq!(Lang::from_accept_language("de-DE,fr"), None);
        assert_eq!(
            Lang::from_accept_language("en;q=0,sv;q=0.1"),
            Some(Lang::Sv)
        );
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn swedish_is_default_and_codes_round_trip() {
        assert_eq!(Lang::default(), Lang::Sv);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(*lang));
            assert!(matches!(lang.dir(), "ltr" | "rtl"));
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(Lang::Sv, K::contact_promise, &[("days", "3")]),
            "Vi hör av oss inom 3 arbetsdagar."
        );
    }

    /// A translation that drops or renames a `{placeholder}` would show a raw brace to the reader.
    #[test]
    fn every_language_has_the_same_placeholders() {
        fn names(text: &str) -> Vec<&str> {
            let mut v: Vec<&str> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
                .collect();
            v.sort_unstable();
            v
        }
        let reference = Lang::Sv.table();
        for lang in Lang::ALL {
            for (i, text) in lang.table().iter().enumerate() {
                assert_eq!(
                    names(text),
                    names(reference[i]),
                    "{} text {i}: {text}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn long_date_in_swedish() {
        assert_eq!(long_date(Lang::Sv, 2024, 10, 7), "7 oktober 2024");
    }
}
