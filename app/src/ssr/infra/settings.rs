//! Typed settings, parsed once at start-up by the server (from the environment) or built directly
//! by tests.
use crate::models::boot::{AccessibilityStatus, Compliance, PublicTeam};
use crate::models::email::Email;
use crate::models::phone::Phone;
use crate::ssr::infra::net::TrustedProxies;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub team: TeamSettings,
    /// Form submissions allowed per client per hour (0 = no limit).
    pub form_rate_limit_per_hour: u32,
    /// The proxies in front of us: only their `X-Forwarded-For` is read (see `TrustedProxies`).
    pub trusted_proxies: TrustedProxies,
    pub access: AccessSettings,
    /// Where the installation key comes from (`keys.rs`): it protects secrets at rest and the
    /// audit chain, and is kept apart from the database.
    pub key: crate::ssr::infra::keys::KeySource,
    /// A request still unanswered after this long gets 503 and its work is dropped, so a render
    /// that never finishes cannot hold a connection (or a shutdown) forever.
    pub request_timeout: std::time::Duration,
    /// After SIGTERM, requests in flight get this long to finish; then the server stops anyway.
    pub shutdown_grace: std::time::Duration,
    /// A public form's body must have arrived this long after the request began to be read, so
    /// a client that sends it a byte at a time cannot hold a connection and a task for the whole
    /// request timeout.
    pub body_timeout: std::time::Duration,
    /// A connection must have sent a request's headers within this long, or it is closed.
    pub header_timeout: std::time::Duration,
}

/// Staff sign-in: cookies, session lifetimes and login throttling.
#[derive(Clone, Debug)]
pub struct AccessSettings {
    /// The site is served over HTTPS: cookies get `Secure` (and the `__Host-` prefix), and
    /// responses carry HSTS.
    pub https: bool,
    /// A session unused this long ends.
    pub session_idle: chrono::TimeDelta,
    /// A session ends this long after login, however active.
    pub session_max: chrono::TimeDelta,
    /// Failed logins for one e-mail address from one client address before that pair is locked
    /// for a while. Only the pair: an attacker's failures do not lock the owner out elsewhere.
    pub account_failures: u32,
    /// Failed logins for one e-mail address from all clients together before the account is
    /// locked for everyone. Much higher than `account_failures`: it only stops guessing spread
    /// over many addresses, and an admin can unlock the account (see the README).
    pub account_wide_failures: u32,
    /// Failed logins from one client address (any accounts) before it is locked for a while.
    pub client_failures: u32,
    /// The first lock; each further failure doubles it, up to `lock_max`.
    pub lock_base: chrono::TimeDelta,
    pub lock_max: chrono::TimeDelta,
}

impl Default for AccessSettings {
    /// Idle 30 minutes and 10 hours at most (a working day), 5 tries per account and client
    /// address, 100 per account from anywhere, 30 per client address (an office behind one
    /// address), locks from 1 minute up to 15.
    fn default() -> Self {
        AccessSettings {
            https: false,
            session_idle: chrono::TimeDelta::minutes(30),
            session_max: chrono::TimeDelta::hours(10),
            account_failures: 5,
            account_wide_failures: 100,
            client_failures: 30,
            lock_base: chrono::TimeDelta::minutes(1),
            lock_max: chrono::TimeDelta::minutes(15),
        }
    }
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
        let url: String = database_url.into();
        Settings {
            database_url: url.clone(),
            team: TeamSettings::demo(),
            form_rate_limit_per_hour: 1000,
            trusted_proxies: TrustedProxies::default(),
            access: AccessSettings::default(),
            // Tests and tools: a key derived from the database's address, so every app instance
            // on one test database shares it. Servers read theirs from the environment.
            key: crate::ssr::infra::keys::KeySource::Bytes(crate::ssr::infra::digest::sha256(
                url.as_bytes(),
            )),
            request_timeout: std::time::Duration::from_secs(30),
            shutdown_grace: std::time::Duration::from_secs(35),
            body_timeout: std::time::Duration::from_secs(10),
            header_timeout: std::time::Duration::from_secs(10),
        }
    }
}
