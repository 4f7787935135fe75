//! A navigator's week (`/lots/vecka`): their meetings of one ISO week, day by day, and their
//! follow-ups due by its end. Dates and times arrive formatted by the server (Europe/Stockholm);
//! the page only puts them into words in the reader's language.
use super::casework::{MeetingStatus, Place};
use super::ids::CaseId;
use serde::{Deserialize, Serialize};

/// The query parameter naming the week, e.g. `?vecka=2026-W49`.
pub const PARAM: &str = "vecka";

/// An ISO week as the address writes it: `2026-W49`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsoWeek {
    pub year: i32,
    /// 1–53.
    pub week: u32,
}

impl IsoWeek {
    /// `2026-W49` (or `2026-w49`); anything else is `None` (the page then shows this week). Whether
    /// the year has a week 53 is the server's to check.
    pub fn parse(s: &str) -> Option<IsoWeek> {
        let (year, week) = s.trim().split_once(['W', 'w'])?;
        let year = year.strip_suffix('-')?;
        if year.len() != 4 || week.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let week: u32 = week.parse().ok()?;
        (1..=53).contains(&week).then_some(IsoWeek { year, week })
    }

    /// The page's address for this week.
    pub fn href(self) -> String {
        format!("/lots/vecka?{PARAM}={self}")
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// One meeting in the week: first name only (the full record is on the case page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekMeeting {
    pub case_id: CaseId,
    pub first_name: String,
    /// `14.30`, Stockholm.
    pub time: String,
    /// `15.30`, Stockholm.
    pub ends: String,
    /// RFC 3339, for `<time datetime>`.
    pub starts_at: String,
    pub place: Place,
    pub status: MeetingStatus,
}

/// One day of the week, Monday first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekDay {
    /// `2026-11-30`.
    pub date: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub day: u32,
    pub month: u32,
    pub today: bool,
    pub meetings: Vec<WeekMeeting>,
}

/// A follow-up not done yet, due by the week's end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekTask {
    pub case_id: CaseId,
    pub first_name: String,
    pub title: String,
    /// `2026-12-03`.
    pub due: String,
    /// Due before today.
    pub overdue: bool,
}

/// The week page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    pub week: IsoWeek,
    pub prev: IsoWeek,
    pub next: IsoWeek,
    /// Whether `week` is the current one.
    pub current: bool,
    pub days: Vec<WeekDay>,
    pub tasks: Vec<WeekTask>,
    /// When the caller's calendar link was made (`yyyy-mm-dd`), if they have one.
    pub feed_since: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_read_and_written_as_iso_8601() {
        let w = IsoWeek::parse("2026-W49").unwrap();
        assert_eq!(
            w,
            IsoWeek {
                year: 2026,
                week: 49
            }
        );
        assert_eq!(w.to_string(), "2026-W49");
        assert_eq!(
            IsoWeek {
                year: 2027,
                week: 1
            }
            .href(),
            "/lots/vecka?vecka=2027-W01"
        );
        for bad in [
            "", "2026", "2026-49", "2026-W0", "2026-W54", "26-W10", "2026-W1x",
        ] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
    }
}
