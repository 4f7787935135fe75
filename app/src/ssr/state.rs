//! What every request handler and server function can reach.
use super::password::Passwords;
use super::rate_limit::RateLimiter;
use super::settings::Settings;
use super::submission_queue::SubmissionQueue;
use super::team_admin::TeamCache;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The id of the team this installation serves (row in `teams`).
    pub team_id: i64,
    pub queue: SubmissionQueue,
    pub limiter: Arc<RateLimiter>,
    pub passwords: Passwords,
    /// The team's public details as the pages show them.
    pub team: TeamCache,
    pub leptos: LeptosOptions,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        settings: Settings,
        team_id: i64,
        leptos: LeptosOptions,
    ) -> Self {
        AppState {
            queue: SubmissionQueue::start(db.clone()),
            limiter: Arc::new(RateLimiter::new(settings.form_rate_limit_per_hour)),
            passwords: Passwords::new(),
            team: TeamCache::new(team_id, settings.team.clone()),
            settings: Arc::new(settings),
            db,
            team_id,
            leptos,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
