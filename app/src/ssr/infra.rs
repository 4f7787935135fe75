//! What the rules stand on: the database connection, settings, time, randomness, rate limits and
//! the background writer for public submissions.
pub mod db;
pub mod digest;
pub mod random;
pub mod rate_limit;
pub mod secret;
pub mod settings;
pub mod submission_queue;
pub mod team_cache;
pub mod time;
