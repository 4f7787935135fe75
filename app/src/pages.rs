//! One page per file.
pub mod public;
pub mod staff;
