//! Pages anyone can see, without logging in. They work without JavaScript.
pub mod accessibility;
pub mod contact_form;
pub mod home;
pub mod not_found;
pub mod privacy;
pub mod receipt;
