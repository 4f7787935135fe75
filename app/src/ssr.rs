//! Server-only code: settings, database, services, the page shell. Gated once, in `lib.rs`.
pub mod client;
pub mod contact_requests;
pub mod db;
pub mod entities;
pub mod lang;
pub mod random;
pub mod rate_limit;
pub mod settings;
pub mod shell;
pub mod state;
pub mod submission_queue;
pub mod time;
