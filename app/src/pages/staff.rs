//! The staff workspace under `/lots`. Every page's data comes from a server function that
//! authorises the caller; the pages only decide what to show for each answer.
pub mod admin_log;
pub mod admin_member;
pub mod admin_settings;
pub mod admin_staff;
pub mod case;
pub mod case_work;
pub mod caseload;
pub mod change_password;
pub mod home;
pub mod inbox;
pub mod login;
pub mod login_code;
pub mod password_form;
pub mod request;
pub mod section;
pub mod shell;
pub mod two_factor;
pub mod week;
