//! HTTP-level tests: the real router, real middleware, a fresh database per test, on SQLite and on
//! PostgreSQL (127.0.0.1:5432). One test binary, so it links once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "http/support.rs"]
mod support;

#[path = "http/abuse.rs"]
mod abuse;
#[path = "http/access.rs"]
mod access;
#[path = "http/attack.rs"]
mod attack;
#[path = "http/audit.rs"]
mod audit;
#[path = "http/authz_matrix.rs"]
mod authz_matrix;
#[path = "http/cases.rs"]
mod cases;
#[path = "http/casework.rs"]
mod casework;
#[path = "http/durability.rs"]
mod durability;
#[path = "http/forms.rs"]
mod forms;
#[path = "http/hosts.rs"]
mod hosts;
#[path = "http/inbox.rs"]
mod inbox;
#[path = "http/jobs.rs"]
mod jobs;
#[path = "http/ops.rs"]
mod ops;
#[path = "http/personnummer.rs"]
mod personnummer;
#[path = "http/requests.rs"]
mod requests;
#[path = "http/resilience.rs"]
mod resilience;
#[path = "http/staff.rs"]
mod staff;
#[path = "http/teams.rs"]
mod teams;
#[path = "http/tls.rs"]
mod tls;
#[path = "http/two_factor.rs"]
mod two_factor;
#[path = "http/week.rs"]
mod week;
#[path = "http/writes.rs"]
mod writes;
