//! The database as tables: sea-orm entities and the queries more than one service needs.
pub mod audit;
pub mod cases;
pub mod contact_requests;
pub mod entities;
pub mod jobs;
pub mod staff_names;
pub mod teams;
pub mod week;
