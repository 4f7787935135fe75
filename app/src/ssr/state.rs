//! What every request handler and server function can reach. Handlers take what a service needs
//! from here and pass it on; services never take the whole state.
use crate::models::ids::TeamId;
use crate::ssr::auth::password::{HashFailed, Passwords};
use crate::ssr::auth::throttle::InFlight;
use crate::ssr::infra::clock::Clock;
use crate::ssr::infra::keys::Keys;
use crate::ssr::infra::rate_limit::RateLimiter;
use crate::ssr::infra::settings::Settings;
use crate::ssr::services::submission_queue::SubmissionQueue;
use crate::ssr::services::team_cache::TeamCache;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Calendar feed fetches a client may make per hour: calendar apps poll every few minutes at
/// most, while 256-bit secrets cannot be guessed anyway; the limit keeps a flood cheap.
pub const FEED_FETCHES_PER_HOUR: u32 = 240;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The installation's default team (made from the settings): the console's default, and the
    /// team of any public host no team claims. Public code never reads it: it asks
    /// `host::public_team`, which picks the team by the request's host.
    pub team_id: TeamId,
    pub queue: SubmissionQueue,
    pub limiter: Arc<RateLimiter>,
    /// Calendar feed fetches per client (calendar apps poll; a guesser is slowed down).
    pub feed_limiter: Arc<RateLimiter>,
    pub passwords: Passwords,
    /// Checks of passwords and codes running now, per account and client (bounded).
    pub logins: InFlight,
    /// The installation key (secrets at rest, keyed hashes, the audit chain).
    pub keys: Keys,
    /// Every team's public details and host name, as the public pages show them.
    pub teams: TeamCache,
    pub leptos: LeptosOptions,
    /// Now: real time, unless a test set it (shared by every clone of the state).
    pub clock: Clock,
    /// This app instance among those on one database: who holds a background job's claim.
    pub instance_id: Arc<str>,
}

impl AppState {
    /// Starts the submission writer and makes the password hasher; fails (and the server does not
    /// start) if the hasher cannot be made.
    pub fn new(
        db: DatabaseConnection,
        settings: Settings,
        team_id: TeamId,
        leptos: LeptosOptions,
        keys: Keys,
    ) -> Result<Self, HashFailed> {
        let clock = Clock::real();
        Ok(AppState {
            keys,
            passwords: Passwords::new()?,
            logins: InFlight::default(),
            queue: SubmissionQueue::start(db.clone(), clock.clone()),
            limiter: Arc::new(RateLimiter::new(settings.form_rate_limit_per_hour)),
            feed_limiter: Arc::new(RateLimiter::new(FEED_FETCHES_PER_HOUR)),
            teams: TeamCache::new(team_id, settings.team.clone()),
            settings: Arc::new(settings),
            db,
            team_id,
            leptos,
            clock,
            instance_id: instance_id().into(),
        })
    }
}

/// A name for this instance, unique among those on one database (random; not a secret).
fn instance_id() -> String {
    match crate::ssr::infra::random::random_bytes::<8>() {
        Ok(b) => hex::encode(b),
        // Not a secret, so the random source failing need not stop the start.
        Err(_) => format!(
            "p{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ),
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
