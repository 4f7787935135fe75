//! Reusable pieces of UI.
pub mod form;
pub mod layout;
pub mod urgent_help;
