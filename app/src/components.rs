//! Reusable pieces of UI.
pub mod form;
pub mod layout;
pub mod staff_form;
pub mod urgent_help;
