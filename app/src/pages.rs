//! One page per file.
pub mod public;
