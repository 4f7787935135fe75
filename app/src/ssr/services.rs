//! The rules: one function per thing a person does, one transaction each, audited inside it.
//! A service that reads or changes personal data takes the proof of the permission it needs
//! (`auth::proof::Proof<P>`), which only the permission check can build.
pub mod audit_log;
pub mod cases;
pub mod casework;
pub mod contact;
pub mod inbox;
pub mod key_adoption;
pub mod personnummer;
pub mod requests;
pub mod staff;
pub mod submission_queue;
pub mod team;
pub mod team_cache;
pub mod week;
