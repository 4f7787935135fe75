//! Wire types and validation shared by the server and the browser. Everything here compiles to
//! wasm, so the browser checks input with exactly the rules the server enforces.
pub mod audit;
pub mod boot;
pub mod case;
pub mod casework;
pub mod contact;
pub mod email;
pub mod form;
pub mod ids;
pub mod inbox;
pub mod personnummer;
pub mod phone;
pub mod receipt;
pub mod request;
pub mod staff;
pub mod team;
pub mod text;
pub mod two_factor;
pub mod week;
