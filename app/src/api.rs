//! Server functions, one file per area. Each is a public POST endpoint: public ones say so in
//! their doc; every other one authorises on its first line.
pub mod cases;
pub mod contact;
pub mod inbox;
pub mod staff;
pub mod week;
