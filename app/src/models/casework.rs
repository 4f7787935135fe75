//! The daily work on a case, as the case page shows and posts it: "Vad är viktigt för dig?"
//! (interests, wishes, needs, what gets in the way), goals, meetings, notes and follow-up tasks.
//! The `parse_*` functions check what a form posts; the server and any hydrated form share them.
use super::audit::parse_date;
use super::form::{FieldErrors, RawForm};
use super::ids::StaffId;
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// What gets in the way of taking part (the Högsby method's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Barrier {
    Transport,
    Mobility,
    Language,
    Money,
    Confidence,
    Health,
    Time,
}

super::ids::stored_name!(Barrier);

impl Barrier {
    pub const ALL: [Barrier; 7] = [
        Barrier::Transport,
        Barrier::Mobility,
        Barrier::Language,
        Barrier::Money,
        Barrier::Confidence,
        Barrier::Health,
        Barrier::Time,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Barrier::Transport => "transport",
            Barrier::Mobility => "mobility",
            Barrier::Language => "language",
            Barrier::Money => "money",
            Barrier::Confidence => "confidence",
            Barrier::Health => "health",
            Barrier::Time => "time",
        }
    }

    pub fn label(self) -> K {
        match self {
            Barrier::Transport => K::barrier_transport,
            Barrier::Mobility => K::barrier_mobility,
            Barrier::Language => K::barrier_language,
            Barrier::Money => K::barrier_money,
            Barrier::Confidence => K::barrier_confidence,
            Barrier::Health => K::barrier_health,
            Barrier::Time => K::barrier_time,
        }
    }
}

/// Where a goal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum GoalStatus {
    Active,
    Achieved,
    Partly,
    Dropped,
}

super::ids::stored_name!(GoalStatus);

impl GoalStatus {
    pub const ALL: [GoalStatus; 4] = [
        GoalStatus::Active,
        GoalStatus::Achieved,
        GoalStatus::Partly,
        GoalStatus::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Partly => "partly",
            GoalStatus::Dropped => "dropped",
        }
    }

    pub fn label(self) -> K {
        match self {
            GoalStatus::Active => K::goal_active,
            GoalStatus::Achieved => K::goal_achieved,
            GoalStatus::Partly => K::goal_partly,
            GoalStatus::Dropped => K::goal_dropped,
        }
    }
}

/// Where a meeting takes place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum Place {
    Office,
    Library,
    Outdoors,
    Phone,
    Video,
    Home,
    Other,
}

super::ids::stored_name!(Place);

impl Place {
    pub const ALL: [Place; 7] = [
        Place::Office,
        Place::Library,
        Place::Outdoors,
        Place::Phone,
        Place::Video,
        Place::Home,
        Place::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Place::Office => "office",
            Place::Library => "library",
            Place::Outdoors => "outdoors",
            Place::Phone => "phone",
            Place::Video => "video",
            Place::Home => "home",
            Place::Other => "other",
        }
    }

    pub fn label(self) -> K {
        match self {
            Place::Office => K::place_office,
            Place::Library => K::place_library,
            Place::Outdoors => K::place_outdoors,
            Place::Phone => K::place_phone,
            Place::Video => K::place_video,
            Place::Home => K::place_home,
            Place::Other => K::place_other,
        }
    }
}

/// How a meeting went (or that it is still to come).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum MeetingStatus {
    Planned,
    Held,
    Cancelled,
    /// The person did not come.
    NoShow,
}

super::ids::stored_name!(MeetingStatus);

impl MeetingStatus {
    pub const ALL: [MeetingStatus; 4] = [
        MeetingStatus::Planned,
        MeetingStatus::Held,
        MeetingStatus::Cancelled,
        MeetingStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
            MeetingStatus::Cancelled => "cancelled",
            MeetingStatus::NoShow => "no_show",
        }
    }

    pub fn label(self) -> K {
        match self {
            MeetingStatus::Planned => K::meeting_planned,
            MeetingStatus::Held => K::meeting_held,
            MeetingStatus::Cancelled => K::meeting_cancelled,
            MeetingStatus::NoShow => K::meeting_no_show,
        }
    }
}

/// The fields' names in the case work's forms (beside `case::field`'s `action` and `version`).
pub mod field {
    pub const ITEM: &str = "item";
    pub const INTERESTS: &str = "interests";
    pub const WISHES: &str = "wishes";
    pub const NEEDS: &str = "needs";
    pub const BARRIERS: &str = "barriers";
    pub const BARRIERS_NOTE: &str = "barriers_note";
    pub const GOAL: &str = "goal";
    pub const GOAL_STATUS: &str = "goal_status";
    pub const MEETING_DATE: &str = "meeting_date";
    pub const MEETING_TIME: &str = "meeting_time";
    pub const PLACE: &str = "place";
    pub const MEETING_STATUS: &str = "meeting_status";
    pub const MEETING_NOTE: &str = "meeting_note";
    pub const PLANNED: &str = "planned";
    pub const NOTE: &str = "note";
    pub const TASK_TITLE: &str = "task_title";
    pub const TASK_DUE: &str = "task_due";
    pub const TASK_ASSIGNEE: &str = "task_assignee";
}

/// The longest free text a case work field keeps (characters).
pub const TEXT_MAX: usize = 4000;

/// A change of the daily work on a case, checked. Each names the version of what it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseWorkChange {
    Mapping(MappingEdit),
    AddGoal {
        text: String,
    },
    GoalStatus {
        goal: i64,
        status: GoalStatus,
    },
    AddMeeting(NewMeeting),
    UpdateMeeting {
        meeting: i64,
        status: MeetingStatus,
        note: String,
    },
    Planned(i32),
    AddNote {
        text: String,
    },
    AddTask(NewTask),
    TaskDone {
        task: i64,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingEdit {
    pub interests: String,
    pub wishes: String,
    pub needs: String,
    pub barriers: Vec<Barrier>,
    pub barriers_note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeeting {
    /// Stockholm local date and time.
    pub date: (i32, u32, u32),
    pub time: (u32, u32),
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTask {
    pub title: String,
    pub due: (i32, u32, u32),
    pub assignee: Option<StaffId>,
}

/// The `action` values of the case work's forms.
pub const ACTIONS: [&str; 9] = [
    "mapping",
    "goal_add",
    "goal_status",
    "meeting_add",
    "meeting_update",
    "planned",
    "note_add",
    "task_add",
    "task_done",
];

fn text(form: &RawForm, name: &str, max: usize) -> String {
    form.get(name).trim().chars().take(max).collect()
}

/// `14:30` or `14.30` (or `1430`), 24-hour.
pub fn parse_time(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    let (h, m) = match s.split_once([':', '.']) {
        Some((h, m)) => (h, m),
        None if s.len() == 4 => s.split_at(2),
        None => return None,
    };
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.get(..2).unwrap_or(m).parse().ok()?;
    (h < 24 && m < 60).then_some((h, m))
}

fn item(form: &RawForm, errors: &mut FieldErrors) -> i64 {
    match form.get(field::ITEM).trim().parse::<i64>() {
        Ok(id) if id > 0 => id,
        _ => {
            errors.add(super::case::field::FORM, K::err_server);
            0
        }
    }
}

/// The case work change a form posts (`action` one of `ACTIONS`), or what to fix.
pub fn parse_change(form: &RawForm) -> Result<CaseWorkChange, FieldErrors> {
    let mut errors = FieldErrors::default();
    let change = match form.get(super::case::field::ACTION) {
        "mapping" => {
            let barriers = form
                .all(field::BARRIERS)
                .into_iter()
                .filter_map(|b| b.parse::<Barrier>().ok())
                .collect::<Vec<_>>();
            let mut unique = Vec::new();
            for b in barriers {
                if !unique.contains(&b) {
                    unique.push(b);
                }
            }
            Some(CaseWorkChange::Mapping(MappingEdit {
                interests: text(form, field::INTERESTS, TEXT_MAX),
                wishes: text(form, field::WISHES, TEXT_MAX),
                needs: text(form, field::NEEDS, TEXT_MAX),
                barriers: unique,
                barriers_note: text(form, field::BARRIERS_NOTE, TEXT_MAX),
            }))
        }
        "goal_add" => {
            let t = text(form, field::GOAL, 1000);
            if t.is_empty() {
                errors.add(field::GOAL, K::goal_err_text);
            }
            Some(CaseWorkChange::AddGoal { text: t })
        }
        "goal_status" => {
            let goal = item(form, &mut errors);
            match form.get(field::GOAL_STATUS).parse::<GoalStatus>() {
                Ok(status) => Some(CaseWorkChange::GoalStatus { goal, status }),
                Err(_) => {
                    errors.add(field::GOAL_STATUS, K::goal_err_status);
                    None
                }
            }
        }
        "meeting_add" => {
            let date = parse_date(form.get(field::MEETING_DATE));
            let time = parse_time(form.get(field::MEETING_TIME));
            let place = form.get(field::PLACE).parse::<Place>().ok();
            if date.is_none() {
                errors.add(field::MEETING_DATE, K::meeting_err_date);
            }
            if time.is_none() {
                errors.add(field::MEETING_TIME, K::meeting_err_time);
            }
            if place.is_none() {
                errors.add(field::PLACE, K::meeting_err_place);
            }
            match (date, time, place) {
                (Some(date), Some(time), Some(place)) => {
                    Some(CaseWorkChange::AddMeeting(NewMeeting { date, time, place }))
                }
                _ => None,
            }
        }
        "meeting_update" => {
            let meeting = item(form, &mut errors);
            match form.get(field::MEETING_STATUS).parse::<MeetingStatus>() {
                Ok(status) => Some(CaseWorkChange::UpdateMeeting {
                    meeting,
                    status,
                    note: text(form, field::MEETING_NOTE, 1000),
                }),
                Err(_) => {
                    errors.add(field::MEETING_STATUS, K::meeting_err_status);
                    None
                }
            }
        }
        "planned" => match form.get(field::PLANNED).trim().parse::<i32>() {
            Ok(n) if (1..=50).contains(&n) => Some(CaseWorkChange::Planned(n)),
            _ => {
                errors.add(field::PLANNED, K::meeting_err_planned);
                None
            }
        },
        "note_add" => {
            let t = text(form, field::NOTE, TEXT_MAX);
            if t.is_empty() {
                errors.add(field::NOTE, K::note_err_text);
            }
            Some(CaseWorkChange::AddNote { text: t })
        }
        "task_add" => {
            let title = text(form, field::TASK_TITLE, 300);
            let due = parse_date(form.get(field::TASK_DUE));
            if title.is_empty() {
                errors.add(field::TASK_TITLE, K::task_err_title);
            }
            if due.is_none() {
                errors.add(field::TASK_DUE, K::task_err_due);
            }
            let assignee = match form.get(field::TASK_ASSIGNEE).trim() {
                "" => None,
                s => match s.parse::<StaffId>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.add(field::TASK_ASSIGNEE, K::task_err_assignee);
                        None
                    }
                },
            };
            due.map(|due| {
                CaseWorkChange::AddTask(NewTask {
                    title,
                    due,
                    assignee,
                })
            })
        }
        "task_done" => Some(CaseWorkChange::TaskDone {
            task: item(form, &mut errors),
        }),
        _ => {
            errors.add(super::case::field::FORM, K::err_server);
            None
        }
    };
    match change {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(errors),
    }
}

/// "Vad är viktigt för dig?" as the case page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    pub version: i32,
    pub interests: String,
    pub wishes: String,
    pub needs: String,
    pub barriers: Vec<Barrier>,
    pub barriers_note: String,
    /// `2026-11-23 kl. 14.30` and by whom, once saved.
    pub updated: Option<(String, Option<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalRow {
    pub id: i64,
    pub version: i32,
    pub text: String,
    pub status: GoalStatus,
    /// `yyyy-mm-dd`.
    pub added: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRow {
    pub id: i64,
    pub version: i32,
    /// `2026-11-23 kl. 14.30`, Stockholm.
    pub when: String,
    /// RFC 3339, for `<time datetime>`.
    pub when_iso: String,
    pub place: Place,
    pub status: MeetingStatus,
    pub note: String,
    pub with: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRow {
    pub at: String,
    pub author: Option<String>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub version: i32,
    pub title: String,
    /// `yyyy-mm-dd`.
    pub due: String,
    pub assignee: Option<String>,
    /// Past its due date and not done.
    pub overdue: bool,
    /// When it was marked done (`2026-11-23 kl. 14.30`).
    pub done: Option<String>,
}

/// The daily work on a case, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseWorkView {
    pub mapping: MappingView,
    pub goals: Vec<GoalRow>,
    /// Oldest first.
    pub meetings: Vec<MeetingRow>,
    pub held: u32,
    /// Newest first.
    pub notes: Vec<NoteRow>,
    /// Open ones first by due date, then the done ones.
    pub tasks: Vec<TaskRow>,
    /// Whom a task may be given to: the team's active staff who do case work.
    pub assignees: Vec<(StaffId, String)>,
    /// The reader: a new task is theirs unless they choose someone else.
    pub me: StaffId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: &[(&str, &str)]) -> Result<CaseWorkChange, FieldErrors> {
        parse_change(&RawForm::from_pairs(p))
    }

    #[test]
    fn times_are_read_as_swedes_write_them() {
        assert_eq!(parse_time("14:30"), Some((14, 30)));
        assert_eq!(parse_time("14.30"), Some((14, 30)));
        assert_eq!(parse_time("0905"), Some((9, 5)));
        assert_eq!(parse_time("9:05"), Some((9, 5)));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("12:60"), None);
        assert_eq!(parse_time("kl"), None);
    }

    #[test]
    fn a_meeting_needs_date_time_and_place() {
        let e = f(&[("action", "meeting_add")]).unwrap_err();
        assert_eq!(e.get(field::MEETING_DATE), Some(K::meeting_err_date));
        assert_eq!(e.get(field::MEETING_TIME), Some(K::meeting_err_time));
        assert_eq!(e.get(field::PLACE), Some(K::meeting_err_place));
        assert_eq!(
            f(&[
                ("action", "meeting_add"),
                ("meeting_date", "2026-12-03"),
                ("meeting_time", "10:00"),
                ("place", "library"),
            ]),
            Ok(CaseWorkChange::AddMeeting(NewMeeting {
                date: (2026, 12, 3),
                time: (10, 0),
                place: Place::Library
            }))
        );
    }

    #[test]
    fn mapping_keeps_known_barriers_once() {
        let Ok(CaseWorkChange::Mapping(m)) = f(&[
            ("action", "mapping"),
            ("interests", " Körsång "),
            ("barriers", "transport"),
            ("barriers", "bogus"),
            ("barriers", "transport"),
            ("barriers", "money"),
        ]) else {
            panic!("mapping refused")
        };
        assert_eq!(m.interests, "Körsång");
        assert_eq!(m.barriers, vec![Barrier::Transport, Barrier::Money]);
    }

    #[test]
    fn empty_or_unknown_posts_are_refused() {
        assert_eq!(
            f(&[("action", "goal_add"), ("goal", " ")])
                .unwrap_err()
                .get(field::GOAL),
            Some(K::goal_err_text)
        );
        assert_eq!(
            f(&[("action", "planned"), ("planned", "0")])
                .unwrap_err()
                .get(field::PLANNED),
            Some(K::meeting_err_planned)
        );
        assert!(f(&[
            ("action", "goal_status"),
            ("item", "x"),
            ("goal_status", "achieved")
        ])
        .is_err());
        assert!(f(&[("action", "nonsense")]).is_err());
        let e = f(&[
            ("action", "task_add"),
            ("task_title", "Ring"),
            ("task_due", "igår"),
        ])
        .unwrap_err();
        assert_eq!(e.get(field::TASK_DUE), Some(K::task_err_due));
        for s in MeetingStatus::ALL {
            assert_eq!(s.as_str().parse::<MeetingStatus>(), Ok(s));
        }
        for p in Place::ALL {
            assert_eq!(p.as_str().parse::<Place>(), Ok(p));
        }
    }
}
