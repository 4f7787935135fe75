//! Database rows. They never cross the wire: `models` holds what does.
pub mod contact_request;
pub mod team;
