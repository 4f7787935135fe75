//! Which language a request gets: `?lang=` (then remembered in a cookie), the cookie, the
//! browser's Accept-Language, else Swedish.
use crate::i18n::Lang;

/// The cookie that remembers a chosen language.
pub const COOKIE: &str = "lang";

/// Decides the language from the request's parts.
pub fn resolve(
    query: Option<&str>,
    cookie_header: Option<&str>,
    accept_language: Option<&str>,
) -> (Lang, bool) {
    if let Some(lang) = query.and_then(query_lang) {
        return (lang, true);
    }
    let from_cookie = cookie_header.and_then(|h| {
        h.split(';')
            .find_map(|c| c.trim().strip_prefix("lang="))
            .and_then(Lang::from_code)
    });
    let lang = from_cookie
        .or_else(|| accept_language.and_then(Lang::from_accept_language))
        .unwrap_or_default();
    (lang, false)
}

/// The `lang` query parameter, if it names a language we offer.
pub fn query_lang(query: &str) -> Option<Lang> {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))
        .and_then(Lang::from_code)
}

/// The language chosen for this request by the middleware (Swedish if it did not run).
pub fn from_parts(parts: &http::request::Parts) -> Lang {
    parts.extensions.get::<Lang>().copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_cookie_beats_header() {
        assert_eq!(
            resolve(Some("lang=en"), Some("lang=sv"), Some("sv")),
            (Lang::En, true)
        );
        assert_eq!(
            resolve(None, Some("a=b; lang=en"), Some("sv")),
            (Lang::En, false)
        );
        assert_eq!(
            resolve(None, None, Some("en-US,en;q=0.9")),
            (Lang::En, false)
        );
        assert_eq!(
            resolve(Some("lang=xx"), Some("lang=zz"), Some("de")),
            (Lang::Sv, false)
        );
        assert_eq!(resolve(None, None, None), (Lang::Sv, false));
    }
}
