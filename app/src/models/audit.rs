//! The audit log as the admin reads it: filters from the page's query, rows to show.
use super::ids::StaffId;
use serde::{Deserialize, Serialize};

/// What the admin filters the log by. Empty fields mean "any"; dates are `yyyy-mm-dd` in
/// Stockholm time, both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub staff: Option<StaffId>,
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
    pub action: Action,
    pub subject: Option<String>,
    pub client: Option<String>,
}

/// A page of the log with what the filter form offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// All matching entries (the page shows the newest `PAGE_SIZE`).
    pub total: u64,
    pub staff: Vec<(StaffId, String)>,
}

pub const PAGE_SIZE: u64 = 200;

/// Every action the log records. Kept in one list so the filter offers each.
/// What an audit entry records. Stored as its name (`as_str`), which never changes: the hash
/// chain covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    PasswordChange,
    StaffRead,
    StaffCreate,
    StaffRole,
    StaffDeactivate,
    StaffActivate,
    StaffPasswordReset,
    TeamUpdate,
    AuditRead,
    ContactRequestCreate,
    TwoFactorEnable,
    TwoFactorDisable,
    StaffTwoFactorReset,
    /// The chain was re-made with the installation key (a database from before keyed links).
    AuditKeyed,
    /// Attempts at one key (a pair, an account, a client) reached its limit: it is locked a while.
    LoginLocked,
    /// An admin lifted an account's login locks.
    StaffLoginUnlock,
    /// A wrong current password when changing the password.
    PasswordChangeFailed,
    /// A wrong password or code when turning two-factor login off.
    TwoFactorDisableFailed,
    /// A team was added to the installation (from the console).
    TeamCreate,
    /// A page of the inbox was read (one entry per page; never the search term).
    InboxRead,
    /// A request was accepted: its participant and case were made.
    CaseCreate,
    /// A request was marked as a duplicate of an existing participant.
    ContactRequestDuplicate,
    /// A case page was read.
    CaseRead,
    /// A case changed step (forward, back, closed); the detail says from and to.
    CaseStage,
    /// A participant's details were changed.
    ParticipantUpdate,
    /// A page of the caseload was read.
    CaseloadRead,
    /// A contact request's page was read.
    ContactRequestRead,
    /// An action on a contact request from the inbox (the detail names which, never data).
    ContactRequestUpdate,
    /// A contact request was erased (the detail is the reason; no data of the request remains).
    ContactRequestErase,
    /// "Vad är viktigt för dig?" was saved.
    CaseMapping,
    /// The planned number of meetings was changed.
    CasePlan,
    /// A goal was added to a case.
    GoalAdd,
    /// A goal's status was changed.
    GoalUpdate,
    /// A meeting was booked.
    MeetingAdd,
    /// A meeting was marked held, cancelled or not attended (the detail says which).
    MeetingUpdate,
    /// A note was added to a case.
    NoteAdd,
    /// A follow-up task was added.
    TaskAdd,
    /// A follow-up task was marked done.
    TaskDone,
    /// A staff member's week (meetings and tasks) was read.
    WeekRead,
    /// A calendar feed's secret address was made (or renewed: the old one stops working).
    CalendarFeedRenew,
    /// A calendar feed was fetched with its secret address.
    CalendarFeedRead,
}

super::ids::stored_name!(Action);

impl Action {
    pub const ALL: [Action; 44] = [
        Action::Login,
        Action::LoginFailed,
        Action::Logout,
        Action::PasswordChange,
        Action::StaffRead,
        Action::StaffCreate,
        Action::StaffRole,
        Action::StaffDeactivate,
        Action::StaffActivate,
        Action::StaffPasswordReset,
        Action::TeamUpdate,
        Action::AuditRead,
        Action::ContactRequestCreate,
        Action::TwoFactorEnable,
        Action::TwoFactorDisable,
        Action::StaffTwoFactorReset,
        Action::AuditKeyed,
        Action::LoginLocked,
        Action::StaffLoginUnlock,
        Action::PasswordChangeFailed,
        Action::TwoFactorDisableFailed,
        Action::TeamCreate,
        Action::InboxRead,
        Action::CaseCreate,
        Action::ContactRequestDuplicate,
        Action::CaseRead,
        Action::CaseStage,
        Action::ParticipantUpdate,
        Action::CaseloadRead,
        Action::ContactRequestRead,
        Action::ContactRequestUpdate,
        Action::ContactRequestErase,
        Action::CaseMapping,
        Action::CasePlan,
        Action::GoalAdd,
        Action::GoalUpdate,
        Action::MeetingAdd,
        Action::MeetingUpdate,
        Action::NoteAdd,
        Action::TaskAdd,
        Action::TaskDone,
        Action::WeekRead,
        Action::CalendarFeedRenew,
        Action::CalendarFeedRead,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login.failed",
            Action::Logout => "logout",
            Action::PasswordChange => "password.change",
            Action::StaffRead => "staff.read",
            Action::StaffCreate => "staff.create",
            Action::StaffRole => "staff.role",
            Action::StaffDeactivate => "staff.deactivate",
            Action::StaffActivate => "staff.activate",
            Action::StaffPasswordReset => "staff.password_reset",
            Action::TeamUpdate => "team.update",
            Action::AuditRead => "audit.read",
            Action::ContactRequestCreate => "contact_request.create",
            Action::TwoFactorEnable => "two_factor.enable",
            Action::TwoFactorDisable => "two_factor.disable",
            Action::StaffTwoFactorReset => "staff.two_factor_reset",
            Action::AuditKeyed => "audit.keyed",
            Action::LoginLocked => "login.locked",
            Action::StaffLoginUnlock => "staff.login_unlock",
            Action::PasswordChangeFailed => "password.change_failed",
            Action::TwoFactorDisableFailed => "two_factor.disable_failed",
            Action::TeamCreate => "team.create",
            Action::InboxRead => "inbox.read",
            Action::CaseCreate => "case.create",
            Action::ContactRequestDuplicate => "contact_request.duplicate",
            Action::CaseRead => "case.read",
            Action::CaseStage => "case.stage",
            Action::ParticipantUpdate => "participant.update",
            Action::CaseloadRead => "caseload.read",
            Action::ContactRequestRead => "contact_request.read",
            Action::ContactRequestUpdate => "contact_request.update",
            Action::ContactRequestErase => "contact_request.erase",
            Action::CaseMapping => "case.mapping",
            Action::CasePlan => "case.plan",
            Action::GoalAdd => "goal.add",
            Action::GoalUpdate => "goal.update",
            Action::MeetingAdd => "meeting.add",
            Action::MeetingUpdate => "meeting.update",
            Action::NoteAdd => "note.add",
            Action::TaskAdd => "task.add",
            Action::TaskDone => "task.done",
            Action::WeekRead => "week.read",
            Action::CalendarFeedRenew => "calendar_feed.renew",
            Action::CalendarFeedRead => "calendar_feed.read",
        }
    }
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
