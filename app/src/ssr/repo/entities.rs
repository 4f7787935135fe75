//! Database rows. They never cross the wire: `models` holds what does.
pub mod audit_head;
pub mod audit_log;
pub mod case;
pub mod case_stage_change;
pub mod contact_request;
pub mod contact_request_event;
pub mod erased_request;
pub mod job;
pub mod login_throttle;
pub mod participant;
pub mod recovery_code;
pub mod staff;
pub mod staff_session;
pub mod team;
