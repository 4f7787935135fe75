//! Who is calling: sessions, the permission proofs services demand, passwords, two-factor login
//! and the throttle on guessing.
pub mod guard;
pub mod login;
pub mod password;
pub mod proof;
pub mod sessions;
pub mod throttle;
pub mod totp;
pub mod two_factor;
