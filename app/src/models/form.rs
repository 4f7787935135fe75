//! A submitted form as name/value pairs, and the per-field errors found in it.
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// The fields of a submitted form in document order; a name may repeat (checkbox groups).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawForm(pub Vec<(String, String)>);

/// The most name/value pairs read from a submitted form. The longest form has about twenty
/// (checkbox groups included); a body with more is refused before more are even decoded.
pub const MAX_PAIRS: usize = 64;

impl RawForm {
    /// Like `from_urlencoded`, but decodes at most `MAX_PAIRS` pairs: `Err` holds those first
    /// pairs when the body has more.
    pub fn from_urlencoded_capped(body: &[u8]) -> Result<Self, Self> {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
            .take(MAX_PAIRS + 1)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.len() > MAX_PAIRS {
            pairs.truncate(MAX_PAIRS);
            Err(RawForm(pairs))
        } else {
            Ok(RawForm(pairs))
        }
    }

    /// True when the form has more pairs than a real form sends (`MAX_PAIRS`).
    pub fn has_too_many_pairs(&self) -> bool {
        self.0.len() > MAX_PAIRS
    }

    /// Parses an `application/x-www-form-urlencoded` body (the WHATWG algorithm, by the
    /// `form_urlencoded` crate, which the router already brings into the wasm bundle). Invalid UTF-8
    /// becomes U+FFFD, which the field checks then reject with a clear message.
    pub fn from_urlencoded(body: &[u8]) -> Self {
        RawForm(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// A form from name/value pairs (tests, the console, demo data).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        RawForm(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The first value for `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value for `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// True when a checkbox or radio `name` has the value `value`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
}

/// One problem with one field, as a text key so each side can show it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: K,
}

/// The problems found in a form, in the order of its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error for `field`, if any.
    pub fn get(&self, field: &str) -> Option<K> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }

    /// Records an error unless the field already has one (the first problem is the one to fix).
    pub fn add(&mut self, field: &str, key: K) {
        if self.get(field).is_none() {
            self.0.push(FieldError {
                field: field.to_string(),
                key,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_urlencoded_with_repeats_and_bad_utf8() {
        let f = RawForm::from_urlencoded(
            b"name=Anna+Lind&ct=morning&ct=afternoon&x=%C3%A5%FF&y=%zz&z=a%2",
        );
        assert_eq!(f.get("name"), "Anna Lind");
        assert_eq!(f.all("ct"), vec!["morning", "afternoon"]);
        assert_eq!(f.get("x"), "å\u{FFFD}");
        assert_eq!(f.get("y"), "%zz");
        assert_eq!(f.get("z"), "a%2");
        assert_eq!(f.get("missing"), "");
        assert!(f.has("ct", "afternoon"));
    }

    #[test]
    fn parsing_stops_at_the_pair_cap() {
        let ok = "a=1&".repeat(MAX_PAIRS);
        assert_eq!(
            RawForm::from_urlencoded_capped(ok.as_bytes()).map(|f| f.0.len()),
            Ok(MAX_PAIRS)
        );
        let many = "a=1&".repeat(300_000);
        let err = RawForm::from_urlencoded_capped(many.as_bytes()).expect_err("too many");
        assert_eq!(err.0.len(), MAX_PAIRS);
        assert!(RawForm(vec![Default::default(); MAX_PAIRS + 1]).has_too_many_pairs());
        assert!(!RawForm(vec![Default::default(); MAX_PAIRS]).has_too_many_pairs());
    }

    #[test]
    fn keeps_first_error_per_field() {
        let mut e = FieldErrors::default();
        e.add("name", K::err_name_required);
        e.add("name", K::err_name_too_long);
        assert_eq!(e.get("name"), Some(K::err_name_required));
        assert_eq!(e.0.len(), 1);
    }
}
