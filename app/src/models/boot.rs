//! What the server tells the page at start: language, the team's public details, the form key and,
//! after a failed plain-HTML submit, the submitted values with their errors. The server renders it
//! into the page as JSON so the browser hydrates from exactly the same data.
use super::contact::Channel;
use super::form::{FieldErrors, RawForm};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Boot {
    pub lang: Lang,
    pub team: PublicTeam,
    /// The idempotency key for forms on this page view.
    pub form_key: String,
    /// Present when a plain-HTML submit failed and the page is shown again.
    pub echo: Option<FormEcho>,
    /// Present when a staff form was posted and its page is shown again (see `StaffEcho`).
    #[serde(default)]
    pub staff_echo: Option<StaffEcho>,
}

/// A staff form shown again after a post: what was typed (never passwords), what to fix, and a
/// one-time secret to show, such as a temporary password the admin must pass on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffEcho {
    /// The page it belongs to: after the browser moves on to another page it no longer applies.
    pub path: String,
    pub values: RawForm,
    pub errors: FieldErrors,
    pub secret: Option<String>,
    /// After too many failed logins: minutes to wait.
    pub wait_minutes: Option<i64>,
}

/// A form shown again with what the person typed and what to fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormEcho {
    pub channel: Channel,
    pub values: RawForm,
    pub errors: FieldErrors,
}

/// The team's details that anyone may see.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicTeam {
    pub name: String,
    pub municipality: String,
    /// Grouped for reading, e.g. "010-356 51 25".
    pub phone_display: String,
    /// E.164, for `tel:` links.
    pub phone_e164: String,
    pub email: String,
    /// Working days within which first contact is promised.
    pub first_contact_days: u8,
    pub accessibility: AccessibilityStatus,
}

/// The fields of the accessibility statement that a team sets (DOS-lagen).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessibilityStatus {
    pub compliance: Compliance,
    /// (year, month, day)
    pub assessed: (i32, u32, u32),
    pub updated: (i32, u32, u32),
}

/// The three levels of compliance in the words the law's statement uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compliance {
    Full,
    #[default]
    Partial,
    None,
}

impl Compliance {
    pub fn parse(s: &str) -> Option<Compliance> {
        match s {
            "full" | "helt" => Some(Compliance::Full),
            "partial" | "delvis" => Some(Compliance::Partial),
            "none" | "inte" => Some(Compliance::None),
            _ => None,
        }
    }
}

impl Boot {
    /// In the browser: reads the JSON the server put in `<script id="boot">`.
    #[cfg(target_arch = "wasm32")]
    pub fn from_document() -> Boot {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot"))
            .and_then(|el| el.text_content())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// On the server there is no document: the shell always provides `Boot`, except while the
    /// route list is generated, when defaults do.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_document() -> Boot {
        Boot::default()
    }

    /// Serialises for the page, safe inside `<script>` (no `<` can close the element).
    pub fn to_script_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_default()
            .replace('<', "\\u003c")
    }
}
