//! What everything stands on, knowing nothing of the layers above: the database connection,
//! settings, the clock, time formats, randomness, secrets, rate limits.
pub mod clock;
pub mod db;
pub mod digest;
pub mod ical;
pub mod keys;
pub mod net;
pub mod random;
pub mod rate_limit;
pub mod search;
pub mod secret;
pub mod settings;
pub mod time;
pub mod working_days;
