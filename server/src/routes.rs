//! HTTP routes that are not Leptos pages or server functions.
pub mod cases;
pub mod forms;
pub mod health;
pub mod requests;
pub mod staff;
pub mod week;
