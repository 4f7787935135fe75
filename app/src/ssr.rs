//! Server-only code, gated once in `lib.rs`. The folders follow a request's way in:
//!
//! - `state`, `ctx`, `client`, `host`, `lang`, `shell`: what a handler or server function starts
//!   from (`host`: which team a public request is for);
//!   `jobs`: the background jobs, which start from the state too.
//! - `auth/`: who is calling — sessions, permission proofs, passwords, two-factor login, throttling.
//! - `services/`: the rules. Each takes `&impl ConnectionTrait` (or `&impl Db` to open one
//!   transaction on), the proof of the permission it needs and what else it needs — never the whole
//!   `AppState` — and writes its audit entry in the same transaction. The team cache and the
//!   writer that stores public submissions in batches live here too.
//! - `repo/`: the sea-orm entities and the queries shared by services.
//! - `infra/`: the database, settings, the clock, time formats, randomness, secrets, rate limits.
//!
//! Imports go down this list, never up (`scripts/check-module-cycles` keeps it so).
pub mod auth;
pub mod client;
pub mod ctx;
pub mod host;
pub mod infra;
pub mod jobs;
pub mod lang;
pub mod repo;
pub mod services;
pub mod shell;
pub mod state;
