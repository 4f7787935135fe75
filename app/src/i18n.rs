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

/// A CLDR plural category: which form of a text a number takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

/// The CLDR plural category of the whole number `n` in `lang` (unicode.org/cldr, plural rules).
/// Adding a language does not compile until it has its rule here.
pub fn plural_category(lang: Lang, n: u64) -> Plural {
    match lang {
        Lang::Sv | Lang::En => match n {
            1 => Plural::One,
            _ => Plural::Other,
        },
        Lang::Ar => match (n, n % 100) {
            (0, _) => Plural::Zero,
            (1, _) => Plural::One,
            (2, _) => Plural::Two,
            (_, 3..=10) => Plural::Few,
            (_, 11..=99) => Plural::Many,
            _ => Plural::Other,
        },
    }
}

/// The text for plural key `key` in the form `n` takes, with `{count}` and `args` filled in.
pub fn fill_count(lang: Lang, key: K, n: u64, args: &[(&str, &str)]) -> String {
    let form = plural_text(lang, key, plural_category(lang, n)).unwrap_or(text(lang, key));
    let mut s = form.replace("{count}", &n.to_string());
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

/// A month's name: "oktober" for 10 in Swedish.
pub fn month_name(lang: Lang, month: u32) -> &'static str {
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
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .map(|k| text(lang, *k))
        .unwrap_or("")
}

/// A long date for running text, as Digg's guidelines say: "7 oktober 2024".
pub fn long_date(lang: Lang, year: i32, month: u32, day: u32) -> String {
    // Day, month name, year reads naturally in every language we offer.
    format!("{day} {} {year}", month_name(lang, month))
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
    fn plural_categories_follow_cldr() {
        use Plural::*;
        let cats = |lang| [0, 1, 2, 3, 11, 100].map(|n| plural_category(lang, n));
        assert_eq!(cats(Lang::Sv), [Other, One, Other, Other, Other, Other]);
        assert_eq!(cats(Lang::En), [Other, One, Other, Other, Other, Other]);
        assert_eq!(cats(Lang::Ar), [Zero, One, Two, Few, Many, Other]);
        // Arabic looks at the last two digits: 103 is few, 111 many, 101 and 102 other.
        assert_eq!(plural_category(Lang::Ar, 103), Few);
        assert_eq!(plural_category(Lang::Ar, 111), Many);
        assert_eq!(plural_category(Lang::Ar, 101), Other);
        assert_eq!(plural_category(Lang::Ar, 102), Other);
    }

    #[test]
    fn recovery_codes_left_in_every_form() {
        let say = |lang, n| fill_count(lang, K::tf_codes_left, n, &[]);
        assert_eq!(say(Lang::Sv, 0), "Du har 0 oanvända reservkoder.");
        assert_eq!(say(Lang::Sv, 1), "Du har 1 oanvänd reservkod.");
        for n in [2, 3, 11, 100] {
            assert_eq!(
                say(Lang::Sv, n),
                format!("Du har {n} oanvända reservkoder.")
            );
        }
        assert_eq!(say(Lang::En, 1), "You have 1 unused recovery code.");
        for n in [0, 2, 3, 11, 100] {
            assert_eq!(
                say(Lang::En, n),
                format!("You have {n} unused recovery codes.")
            );
        }
        assert_eq!(say(Lang::Ar, 0), "ليس لديك أي رمز احتياطي غير مستخدم.");
        assert_eq!(say(Lang::Ar, 1), "لديك رمز احتياطي واحد غير مستخدم.");
        assert_eq!(say(Lang::Ar, 2), "لديك رمزان احتياطيان غير مستخدمين.");
        assert_eq!(say(Lang::Ar, 3), "لديك 3 رموز احتياطية غير مستخدمة.");
        assert_eq!(say(Lang::Ar, 11), "لديك 11 رمزًا احتياطيًا غير مستخدم.");
        assert_eq!(say(Lang::Ar, 100), "لديك 100 رمز احتياطي غير مستخدم.");
    }

    #[test]
    fn log_count_agrees_with_the_total() {
        let say = |lang, shown: u64, total| {
            fill_count(
                lang,
                K::log_count,
                total,
                &[("shown", &shown.to_string()), ("total", &total.to_string())],
            )
        };
        assert_eq!(say(Lang::Sv, 1, 1), "Visar 1 av 1 händelse.");
        assert_eq!(say(Lang::Sv, 2, 2), "Visar 2 av 2 händelser.");
        assert_eq!(say(Lang::En, 1, 1), "Showing 1 of 1 event.");
        assert_eq!(say(Lang::En, 3, 3), "Showing 3 of 3 events.");
        assert_eq!(say(Lang::Ar, 2, 2), "عرض 2 من 2 حدثين.");
        assert_eq!(say(Lang::Ar, 11, 11), "عرض 11 من 11 حدثًا.");
    }

    /// Every plural form keeps the placeholders of the Swedish general form (a form may leave out
    /// `{count}` where the word says the number, as Arabic does for one and two).
    #[test]
    fn plural_forms_have_no_unknown_placeholders() {
        for lang in Lang::ALL {
            for key in [K::tf_codes_left, K::log_count] {
                for n in [0, 1, 2, 3, 11, 100] {
                    let s = fill_count(*lang, key, n, &[("shown", "1"), ("total", "1")]);
                    assert!(!s.contains('{'), "{} {key:?} {n}: {s}", lang.code());
                }
            }
        }
    }

    #[test]
    fn long_date_in_swedish() {
        assert_eq!(long_date(Lang::Sv, 2024, 10, 7), "7 oktober 2024");
    }
}
