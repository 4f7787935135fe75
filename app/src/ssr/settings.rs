//! Typed settings, parsed once at start-up by the server (from the environment) or built directly
//! by tests.
use crate::models::boot::{AccessibilityStatus, Compliance, PublicTeam};
use crate::models::email::Email;
use crate::models::phone::Phone;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub team: TeamSettings,
    /// Form submissions allowed per client per hour (0 = no limit).
    pub form_rate_limit_per_hour: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you control).
    pub trust_forwarded_for: bool,
}

/// The team this installation serves, as shown on the public pages.
#[derive(Clone, Debug)]
pub struct TeamSettings {
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub phone: Phone,
    pub email: Email,
    pub first_contact_days: u8,
    pub accessibility: AccessibilityStatus,
}

impl TeamSettings {
    pub fn public(&self) -> PublicTeam {
        PublicTeam {
            name: self.name.clone(),
            municipality: self.municipality.clone(),
            phone_display: self.phone.display(),
            phone_e164: self.phone.e164().to_string(),
            email: self.email.as_str().to_string(),
            first_contact_days: self.first_contact_days,
            accessibility: self.accessibility.clone(),
        }
    }

    /// A fictional demo team. The phone number is from the range the Swedish telecom regulator
    /// (PTS) reserves for fiction, so nobody real is called.
    pub fn demo() -> Self {
        TeamSettings {
            slug: "demo".into(),
            name: "Hälsolotsen".into(),
            municipality: "Exempelby kommun".into(),
            phone: Phone::from_e164("+46313900612".into()),
            email: Email::from_stored("halsolots@exempel.se".into()),
            first_contact_days: 3,
            accessibility: AccessibilityStatus {
                compliance: Compliance::Partial,
                assessed: (2026, 11, 23),
                updated: (2026, 11, 23),
            },
        }
    }
}

impl Settings {
    /// Settings for a test or the demo: the demo team, no proxy, a generous rate limit.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Settings {
            database_url: database_url.into(),
            team: TeamSettings::demo(),
            form_rate_limit_per_hour: 1000,
            trust_forwarded_for: false,
        }
    }
}
