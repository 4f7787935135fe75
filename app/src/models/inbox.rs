//! The inbox as the hälsolots reads it: the filter from the page's address, the rows to show.
use super::contact::Channel;
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// Requests on one page of the inbox.
pub const PAGE_SIZE: u64 = 50;

/// Where a contact request is on its way from the inbox. Stored as its name (`as_str`). Only
/// `New` is set today; the others come with the inbox's actions (a contact attempt, unreachable,
/// declined, a duplicate, accepted into a case), so the filter already offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestStatus {
    New,
    Contacted,
    Unreachable,
    Declined,
    Duplicate,
    Accepted,
}

super::ids::stored_name!(RequestStatus);

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::New,
        RequestStatus::Contacted,
        RequestStatus::Unreachable,
        RequestStatus::Declined,
        RequestStatus::Duplicate,
        RequestStatus::Accepted,
    ];

    /// The stored value (`contact_requests.status`).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::New => "new",
            RequestStatus::Contacted => "contacted",
            RequestStatus::Unreachable => "unreachable",
            RequestStatus::Declined => "declined",
            RequestStatus::Duplicate => "duplicate",
            RequestStatus::Accepted => "accepted",
        }
    }

    pub fn label(self) -> K {
        match self {
            RequestStatus::New => K::status_new,
            RequestStatus::Contacted => K::status_contacted,
            RequestStatus::Unreachable => K::status_unreachable,
            RequestStatus::Declined => K::status_declined,
            RequestStatus::Duplicate => K::status_duplicate,
            RequestStatus::Accepted => K::status_accepted,
        }
    }
}

/// The words for a channel in the inbox.
pub fn channel_label(c: Channel) -> K {
    match c {
        Channel::SelfReferral => K::inbox_channel_self,
        Channel::Friend => K::inbox_channel_friend,
        Channel::Professional => K::inbox_channel_professional,
    }
}

/// The inbox's filter, as the page's address holds it (`?kanal=…&status=…&sok=…&före=…`). Unknown
/// values mean "any"; `before` is a cursor from `InboxPage::next`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub channel: Option<String>,
    pub status: Option<String>,
    /// A name, phone number or reference code.
    pub search: Option<String>,
    pub before: Option<String>,
}

/// The query parameters' names.
pub mod param {
    pub const CHANNEL: &str = "kanal";
    pub const STATUS: &str = "status";
    pub const SEARCH: &str = "sok";
    pub const BEFORE: &str = "före";
}

impl InboxFilter {
    /// The page's address for this filter, from `before` (`None`: the first page).
    pub fn href(&self, before: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(c) = self.channel.as_deref() {
            pairs.push((param::CHANNEL, c));
        }
        if let Some(s) = self.status.as_deref() {
            pairs.push((param::STATUS, s));
        }
        if let Some(q) = self.search.as_deref() {
            pairs.push((param::SEARCH, q));
        }
        if let Some(b) = before {
            pairs.push((param::BEFORE, b));
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        if query.is_empty() {
            "/lots/inkorg".to_string()
        } else {
            format!("/lots/inkorg?{}", query.join("&"))
        }
    }
}

/// Percent-encoding for a query component (everything but unreserved characters).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How long ago a request came, in Stockholm calendar days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Age {
    /// "i dag kl. 14.30": the time, `14.30`.
    Today(String),
    /// "i går kl. 09.05".
    Yesterday(String),
    /// "3 dagar sedan" (2 to 6 days).
    DaysAgo(u64),
    /// Longer ago: the date, `2026-11-10`.
    On(String),
}

/// Who asked for contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sender {
    /// The person themself.
    Themself,
    /// A friend or relative.
    Friend,
    /// A professional, with their organisation if they gave it.
    Professional(Option<String>),
}

/// One request in the inbox: only what a list needs (the first name, not the whole record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    /// The request's id: its page is `/lots/inkorg/{id}`.
    pub id: i64,
    pub code: String,
    pub channel: Channel,
    pub status: Option<RequestStatus>,
    pub first_name: String,
    pub sender: Sender,
    /// When it came, for the `<time datetime>` attribute: RFC 3339 in UTC, `2026-11-23T13:30:00Z`.
    pub received: String,
    pub age: Age,
    /// The promised first contact has passed without one.
    pub overdue: bool,
    /// The day the first contact is due by: `2026-11-25`.
    pub due: Option<String>,
}

/// A page of the inbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// The cursor of the next (older) page, if there is one.
    pub next: Option<String>,
    /// The team's promise, in working days.
    pub first_contact_days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_makes_its_own_address() {
        let f = InboxFilter {
            channel: Some("self".into()),
            status: None,
            search: Some("åsa ö".into()),
            before: Some("ignored".into()),
        };
        assert_eq!(
            f.href(Some("1764-12")),
            "/lots/inkorg?kanal=self&sok=%C3%A5sa%20%C3%B6&f%C3%B6re=1764-12"
        );
        assert_eq!(InboxFilter::default().href(None), "/lots/inkorg");
    }

    #[test]
    fn statuses_read_back() {
        for s in RequestStatus::ALL {
            assert_eq!(s.as_str().parse::<RequestStatus>(), Ok(s));
        }
    }
}
