//! The `halsolots` server: configuration, start-up, HTTP routes that are not server functions,
//! and the command line. The binary in `main.rs` is a thin wrapper; tests use this library.
pub mod cli;
pub mod config;
pub mod demo_data;
pub mod middleware;
pub mod render;
pub mod routes;
pub mod security;
pub mod startup;
