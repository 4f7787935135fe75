//! The audit log as the admin reads it: filters from the page's query, rows to show.
use serde::{Deserialize, Serialize};

/// What the admin filters the log by. Empty fields mean "any"; dates are `yyyy-mm-dd` in
/// Stockholm time, both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub staff: Option<i64>,
    pub action: Option<String>,
    /// A record, such as `staff:12`.
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One entry as shown: the time in Stockholm, who, what, which record, from where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    /// `2026-11-23 14.30.05`
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    pub client: Option<String>,
}

/// A page of the log with what the filter form offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// All matching entries (the page shows the newest `PAGE_SIZE`).
    pub total: u64,
    pub staff: Vec<(i64, String)>,
}

pub const PAGE_SIZE: u64 = 200;

/// Every action the log records. Kept in one list so the filter offers each.
pub mod action {
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login.failed";
    pub const LOGOUT: &str = "logout";
    pub const PASSWORD_CHANGE: &str = "password.change";
    pub const STAFF_READ: &str = "staff.read";
    pub const STAFF_CREATE: &str = "staff.create";
    pub const STAFF_ROLE: &str = "staff.role";
    pub const STAFF_DEACTIVATE: &str = "staff.deactivate";
    pub const STAFF_ACTIVATE: &str = "staff.activate";
    pub const STAFF_PASSWORD_RESET: &str = "staff.password_reset";
    pub const TEAM_UPDATE: &str = "team.update";
    pub const AUDIT_READ: &str = "audit.read";
    pub const CONTACT_REQUEST_CREATE: &str = "contact_request.create";
    pub const TWO_FACTOR_ENABLE: &str = "two_factor.enable";
    pub const TWO_FACTOR_DISABLE: &str = "two_factor.disable";
    pub const STAFF_TWO_FACTOR_RESET: &str = "staff.two_factor_reset";

    pub const ALL: [&str; 16] = [
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        PASSWORD_CHANGE,
        STAFF_READ,
        STAFF_CREATE,
        STAFF_ROLE,
        STAFF_DEACTIVATE,
        STAFF_ACTIVATE,
        STAFF_PASSWORD_RESET,
        TEAM_UPDATE,
        AUDIT_READ,
        CONTACT_REQUEST_CREATE,
        TWO_FACTOR_ENABLE,
        TWO_FACTOR_DISABLE,
        STAFF_TWO_FACTOR_RESET,
    ];
}

/// A `yyyy-mm-dd` date, or `None`.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d) && (2000..=9999).contains(&y))
        .then_some((y, m, d))
}
