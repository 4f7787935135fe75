//! One contact request as its page shows it (`/lots/inkorg/{id}`), and the inbox's actions on it:
//! the form fields, the outcomes of a contact attempt and the reasons for declining.
use super::contact::Channel;
use super::inbox::RequestStatus;
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// The request page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i64,
    /// The version a save starts from (a form carries it; a stale one is refused).
    pub version: i32,
    pub code: String,
    pub channel: Channel,
    pub status: Option<RequestStatus>,
    pub person_name: String,
    /// Grouped for reading: "070-123 45 67".
    pub person_phone: Option<String>,
    pub person_email: Option<String>,
    /// Codes as stored, comma-separated (self-referral).
    pub call_times: String,
    pub interests: String,
    /// What the person or the sender wrote.
    pub help_text: Option<String>,
    pub message: Option<String>,
    pub sender_name: Option<String>,
    pub sender_phone: Option<String>,
    pub sender_email: Option<String>,
    pub relation: Option<String>,
    pub organisation: Option<String>,
    pub reasons: String,
    /// `2026-11-23 kl. 14.30` (Stockholm).
    pub received: String,
    /// The last day of the first-contact promise: `2026-11-25`.
    pub due: Option<String>,
    pub overdue: bool,
    /// A friend request: the person themself said yes (`None` for other channels).
    pub consented: Option<bool>,
    pub history: Vec<HistoryRow>,
    /// Now in Stockholm, the contact attempt's default: `2026-11-23`, `14.30`.
    pub now_date: String,
    pub now_time: String,
}

impl RequestView {
    /// Still waiting for a decision: the actions apply.
    pub fn open(&self) -> bool {
        matches!(
            self.status,
            Some(RequestStatus::New | RequestStatus::Contacted)
        )
    }

    /// May be accepted: open, and a friend's request only with the person's own consent.
    pub fn acceptable(&self) -> bool {
        self.open() && self.consented != Some(false)
    }
}

/// One thing done to the request, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// `2026-11-23 kl. 14.30` (Stockholm).
    pub at: String,
    /// The staff member's name; `None` for the system.
    pub who: Option<String>,
    pub kind: String,
    pub outcome: Option<String>,
    pub detail: Option<String>,
}

/// The form fields of the request page's actions.
pub mod field {
    pub const VERSION: &str = "version";
    /// Which action a post to the request's page is: `contact_attempt`, `unreachable`,
    /// `decline` or `consent`.
    pub const ACTION: &str = "action";
    pub const DATE: &str = "datum";
    pub const TIME: &str = "tid";
    pub const OUTCOME: &str = "utfall";
    pub const REASON: &str = "skal";
    pub const NOTE: &str = "anteckning";
    /// Consent: `yes` or `no`.
    pub const ANSWER: &str = "svar";
    pub const PARTICIPANT: &str = "participant";
}

/// How a contact attempt went (stored by these names).
pub const OUTCOMES: [(&str, K); 4] = [
    ("reached", K::req_outcome_reached),
    ("no_answer", K::req_outcome_no_answer),
    ("left_message", K::req_outcome_left_message),
    ("wrong_number", K::req_outcome_wrong_number),
];

/// Why a request is declined (stored by these names).
pub const DECLINE_REASONS: [(&str, K); 4] = [
    ("not_wanted", K::req_reason_not_wanted),
    ("not_eligible", K::req_reason_not_eligible),
    ("other_support", K::req_reason_other_support),
    ("other", K::req_reason_other),
];

/// The longest note on a decline.
pub const NOTE_MAX: usize = 500;

/// The words for an event kind in the history.
pub fn event_label(kind: &str) -> K {
    match kind {
        "contact_attempt" => K::req_event_contact_attempt,
        "unreachable" => K::req_event_unreachable,
        "declined" => K::req_event_declined,
        "duplicate" => K::req_event_duplicate,
        "accepted" => K::req_event_accepted,
        "consent_given" => K::req_event_consent,
        _ => K::req_event_other,
    }
}

/// The words for a stored outcome or decline reason.
pub fn choice_label(code: &str) -> Option<K> {
    OUTCOMES
        .iter()
        .chain(DECLINE_REASONS.iter())
        .find(|(c, _)| *c == code)
        .map(|(_, k)| *k)
}
