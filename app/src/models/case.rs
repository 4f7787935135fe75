//! Participants and their cases as the hälsolots works with them: the stages of the method, the
//! closing reasons, the case page's data, the caseload's filter and rows, and the checks of what a
//! case page form posts (`parse_*`, shared by the server and any hydrated form).
use super::contact::Channel;
use super::email::Email;
use super::form::{FieldErrors, RawForm};
use super::ids::{CaseId, ParticipantId};
use super::personnummer::{Personnummer, Ymd};
use super::phone::Phone;
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// Cases on one page of the caseload.
pub const PAGE_SIZE: u64 = 50;

/// Where a case is in the method. Stored as its name (`as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum Stage {
    /// Steg 1 Kartläggning: what matters to the person.
    Mapping,
    /// Steg 2 Genomförande: conversations, contacts outwards.
    Implementation,
    /// Steg 3 Avslut: the person continues on their own.
    Closing,
    /// The case is closed, with a reason and a date.
    Closed,
}

super::ids::stored_name!(Stage);

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Mapping,
        Stage::Implementation,
        Stage::Closing,
        Stage::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Mapping => "mapping",
            Stage::Implementation => "implementation",
            Stage::Closing => "closing",
            Stage::Closed => "closed",
        }
    }

    pub fn label(self) -> K {
        match self {
            Stage::Mapping => K::stage_mapping,
            Stage::Implementation => K::stage_implementation,
            Stage::Closing => K::stage_closing,
            Stage::Closed => K::stage_closed,
        }
    }

    /// The next step by an explicit "forward" action. Avslut → closed is a closing (with a
    /// reason and a date), not a plain step forward.
    pub fn forward(self) -> Option<Stage> {
        match self {
            Stage::Mapping => Some(Stage::Implementation),
            Stage::Implementation => Some(Stage::Closing),
            Stage::Closing | Stage::Closed => None,
        }
    }

    /// The step before (going back needs a reason); a closed case goes back to Avslut.
    pub fn back(self) -> Option<Stage> {
        match self {
            Stage::Mapping => None,
            Stage::Implementation => Some(Stage::Mapping),
            Stage::Closing => Some(Stage::Implementation),
            Stage::Closed => Some(Stage::Closing),
        }
    }

    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }
}

/// Why a case was closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClosingReason {
    FoundActivity,
    OnTheirOwn,
    DidNotContinue,
    Moved,
    SignpostedKurator,
    SignpostedPsychologist,
    SignpostedCare,
    SignpostedOther,
    Unreachable,
    Other,
}

super::ids::stored_name!(ClosingReason);

impl ClosingReason {
    pub const ALL: [ClosingReason; 10] = [
        ClosingReason::FoundActivity,
        ClosingReason::OnTheirOwn,
        ClosingReason::DidNotContinue,
        ClosingReason::Moved,
        ClosingReason::SignpostedKurator,
        ClosingReason::SignpostedPsychologist,
        ClosingReason::SignpostedCare,
        ClosingReason::SignpostedOther,
        ClosingReason::Unreachable,
        ClosingReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClosingReason::FoundActivity => "found_activity",
            ClosingReason::OnTheirOwn => "on_their_own",
            ClosingReason::DidNotContinue => "did_not_continue",
            ClosingReason::Moved => "moved",
            ClosingReason::SignpostedKurator => "signposted_kurator",
            ClosingReason::SignpostedPsychologist => "signposted_psychologist",
            ClosingReason::SignpostedCare => "signposted_care",
            ClosingReason::SignpostedOther => "signposted_other",
            ClosingReason::Unreachable => "unreachable",
            ClosingReason::Other => "other",
        }
    }

    pub fn label(self) -> K {
        match self {
            ClosingReason::FoundActivity => K::close_found_activity,
            ClosingReason::OnTheirOwn => K::close_on_their_own,
            ClosingReason::DidNotContinue => K::close_did_not_continue,
            ClosingReason::Moved => K::close_moved,
            ClosingReason::SignpostedKurator => K::close_signposted_kurator,
            ClosingReason::SignpostedPsychologist => K::close_signposted_psychologist,
            ClosingReason::SignpostedCare => K::close_signposted_care,
            ClosingReason::SignpostedOther => K::close_signposted_other,
            ClosingReason::Unreachable => K::close_unreachable,
            ClosingReason::Other => K::close_other,
        }
    }
}

/// How the person prefers to be reached.
pub const CONTACT_WAYS: [(&str, K); 3] = [
    ("phone", K::way_phone),
    ("sms", K::way_sms),
    ("email", K::way_email),
];

/// Gender, optional and for statistics only.
pub const GENDERS: [(&str, K); 3] = [
    ("woman", K::gender_woman),
    ("man", K::gender_man),
    ("other", K::gender_other),
];

/// The fields' names in the case page's forms.
pub mod field {
    pub const FORM: &str = "form";
    pub const ACTION: &str = "action";
    /// The `action` of a form shown again after a conflict: what was typed but not saved.
    pub const UNSAVED: &str = "unsaved";
    pub const VERSION: &str = "version";
    pub const PARTICIPANT: &str = "participant";
    pub const REASON: &str = "reason";
    pub const CLOSING_REASON: &str = "closing_reason";
    pub const CLOSING_DATE: &str = "closing_date";
    pub const NAME: &str = "name";
    pub const PHONE: &str = "phone";
    pub const EMAIL: &str = "email";
    pub const CONTACT_WAY: &str = "contact_way";
    pub const CONTACT_TIMES: &str = "contact_times";
    pub const LANGUAGE: &str = "language";
    pub const INTERPRETER: &str = "interpreter";
    pub const BIRTH_YEAR: &str = "birth_year";
    pub const GENDER: &str = "gender";
    /// Only where the team allows it (`PersonnummerField::allowed`).
    pub const PERSONNUMMER: &str = "personnummer";
}

/// A change of step asked for on the case page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageChange {
    Forward,
    Back {
        reason: String,
    },
    Close {
        reason: ClosingReason,
        date: (i32, u32, u32),
    },
}

/// A person's details as edited on the case page, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonEdit {
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub contact_way: Option<String>,
    pub contact_times: Vec<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    pub birth_year: Option<i32>,
    pub gender: Option<String>,
    /// `None`: the field was empty (or not on the form, where the team does not allow it).
    pub personnummer: Option<Personnummer>,
}

/// The version a save started from, or the form-level error.
pub fn parse_version(form: &RawForm) -> Result<i32, FieldErrors> {
    form.get(field::VERSION).trim().parse().map_err(|_| {
        let mut e = FieldErrors::default();
        e.add(field::FORM, K::err_server);
        e
    })
}

fn text(form: &RawForm, name: &str, max: usize) -> Option<String> {
    let v = form.get(name).trim();
    (!v.is_empty()).then(|| v.chars().take(max).collect())
}

/// A change of step: `action` is `forward`, `back` (needs `reason`) or `close` (needs
/// `closing_reason` and `closing_date`).
pub fn parse_stage_change(form: &RawForm) -> Result<StageChange, FieldErrors> {
    let mut errors = FieldErrors::default();
    let change = match form.get(field::ACTION) {
        "forward" => Some(StageChange::Forward),
        "back" => match text(form, field::REASON, 1000) {
            Some(reason) => Some(StageChange::Back { reason }),
            None => {
                errors.add(field::REASON, K::case_err_back_reason);
                None
            }
        },
        "close" => {
            let reason = form
                .get(field::CLOSING_REASON)
                .parse::<ClosingReason>()
                .ok();
            let date = super::audit::parse_date(form.get(field::CLOSING_DATE));
            if reason.is_none() {
                errors.add(field::CLOSING_REASON, K::case_err_closing_reason);
            }
            if date.is_none() {
                errors.add(field::CLOSING_DATE, K::case_err_closing_date);
            }
            reason
                .zip(date)
                .map(|(reason, date)| StageChange::Close { reason, date })
        }
        _ => {
            errors.add(field::FORM, K::err_server);
            None
        }
    };
    change.ok_or(errors)
}

/// The person's details from the case page's form; `today` (Stockholm's date) decides a
/// 10-digit personnummer's century.
pub fn parse_person(form: &RawForm, today: Ymd) -> Result<PersonEdit, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = text(form, field::NAME, 200);
    if name.is_none() {
        errors.add(field::NAME, K::case_err_name);
    }
    let phone = match form.get(field::PHONE).trim() {
        "" => None,
        p => match Phone::parse(p) {
            Some(p) => Some(p.e164().to_string()),
            None => {
                errors.add(field::PHONE, K::err_phone_invalid);
                None
            }
        },
    };
    let email = match form.get(field::EMAIL).trim() {
        "" => None,
        e => match Email::parse(e) {
            Some(e) => Some(e.as_str().to_string()),
            None => {
                errors.add(field::EMAIL, K::err_email_invalid);
                None
            }
        },
    };
    let choice = |name: &str, allowed: &[(&str, K)]| {
        let v = form.get(name);
        allowed
            .iter()
            .find(|(code, _)| *code == v)
            .map(|(code, _)| code.to_string())
    };
    let contact_times = form
        .all(field::CONTACT_TIMES)
        .into_iter()
        .filter(|v| super::contact::CALL_TIMES.iter().any(|(c, _)| c == v))
        .map(str::to_string)
        .collect();
    let birth_year = match form.get(field::BIRTH_YEAR).trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Some(y),
            _ => {
                errors.add(field::BIRTH_YEAR, K::case_err_birth_year);
                None
            }
        },
    };
    let personnummer = match form.get(field::PERSONNUMMER).trim() {
        "" => None,
        raw => match Personnummer::parse(raw, today) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add(field::PERSONNUMMER, e.message());
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PersonEdit {
        name: name.unwrap_or_default(),
        phone,
        email,
        contact_way: choice(field::CONTACT_WAY, &CONTACT_WAYS),
        contact_times,
        language: text(form, field::LANGUAGE, 60),
        interpreter: form.get(field::INTERPRETER) == "yes",
        birth_year,
        gender: choice(field::GENDER, &GENDERS),
        personnummer,
    })
}

/// One change of step in a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChangeRow {
    /// `2026-11-23 14.30`, Stockholm.
    pub at: String,
    pub from: Option<Stage>,
    pub to: Stage,
    pub by: Option<String>,
    pub reason: Option<String>,
}

/// A case as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: CaseId,
    /// The participant's number (what a duplicate request is marked with).
    pub participant: ParticipantId,
    /// The case's version (a change of step names it).
    pub version: i32,
    /// The person's version (an edit of their details names it).
    pub person_version: i32,
    pub name: String,
    /// E.164 (for the form and `tel:`) and grouped for reading.
    pub phone: Option<String>,
    pub phone_display: Option<String>,
    pub email: Option<String>,
    pub contact_way: Option<String>,
    pub contact_times: Vec<String>,
    pub language: Option<String>,
    pub interpreter: bool,
    pub birth_year: Option<i32>,
    pub gender: Option<String>,
    pub personnummer: PersonnummerField,
    pub channel: Channel,
    /// The referring organisation, for a referral.
    pub referrer: Option<String>,
    /// The reference code of the request it came from, while that request exists.
    pub request_code: Option<String>,
    pub navigator: Option<String>,
    pub stage: Stage,
    /// When each step began (`yyyy-mm-dd`), in the order of `Stage::ALL`.
    pub stage_dates: Vec<(Stage, Option<String>)>,
    pub planned_meetings: i32,
    pub closing_reason: Option<ClosingReason>,
    pub closing_date: Option<String>,
    pub history: Vec<StageChangeRow>,
    /// The daily work: what matters, goals, meetings, notes, follow-up tasks.
    pub work: super::casework::CaseWorkView,
}

/// The personnummer on the case page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnummerField {
    /// The team lets staff keep one: the form has the field.
    pub allowed: bool,
    /// `YYYYMMDD-****`, for reading.
    pub masked: Option<String>,
    /// `YYYYMMDD-XXXX`: only for the edit field.
    pub edit: Option<String>,
}

impl PersonnummerField {
    pub fn of(allowed: bool, stored: Option<&Personnummer>) -> Self {
        PersonnummerField {
            allowed,
            masked: stored.map(Personnummer::masked),
            edit: stored.map(Personnummer::display),
        }
    }
}

/// Whose cases the caseload shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    #[default]
    Mine,
    Team,
}

/// How the caseload is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// By step, then the longest in it first.
    #[default]
    Stage,
    /// The oldest case first.
    Age,
    /// The soonest planned meeting first; cases with none last.
    NextMeeting,
}

/// The caseload's filter, as the page's address holds it
/// (`?vem=team&sortera=alder&steg=…&forsenade=1&sida=2`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseloadFilter {
    pub scope: Scope,
    pub sort: Sort,
    /// One step only; `None`: the open cases.
    pub stage: Option<Stage>,
    /// Only cases with a follow-up not done by its date.
    pub overdue_only: bool,
    /// From 1.
    pub page: u64,
}

/// The query parameters' names and values.
pub mod param {
    pub const SCOPE: &str = "vem";
    pub const SORT: &str = "sortera";
    pub const STAGE: &str = "steg";
    pub const PAGE: &str = "sida";
    pub const TEAM: &str = "teamet";
    pub const AGE: &str = "alder";
    pub const NEXT: &str = "nasta";
    pub const OVERDUE: &str = "forsenade";
}

impl CaseloadFilter {
    /// From the page's query parameters (unknown values mean the default).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        CaseloadFilter {
            scope: match get(param::SCOPE).as_deref() {
                Some(param::TEAM) => Scope::Team,
                _ => Scope::Mine,
            },
            sort: match get(param::SORT).as_deref() {
                Some(param::AGE) => Sort::Age,
                Some(param::NEXT) => Sort::NextMeeting,
                _ => Sort::Stage,
            },
            stage: get(param::STAGE).and_then(|s| s.parse().ok()),
            overdue_only: get(param::OVERDUE).as_deref() == Some("1"),
            page: get(param::PAGE)
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// This filter's address, with `change` applied.
    pub fn href(&self, change: impl FnOnce(&mut CaseloadFilter)) -> String {
        let mut f = self.clone();
        change(&mut f);
        let mut parts = Vec::new();
        if f.scope == Scope::Team {
            parts.push(format!("{}={}", param::SCOPE, param::TEAM));
        }
        match f.sort {
            Sort::Stage => {}
            Sort::Age => parts.push(format!("{}={}", param::SORT, param::AGE)),
            Sort::NextMeeting => parts.push(format!("{}={}", param::SORT, param::NEXT)),
        }
        if let Some(s) = f.stage {
            parts.push(format!("{}={}", param::STAGE, s.as_str()));
        }
        if f.overdue_only {
            parts.push(format!("{}=1", param::OVERDUE));
        }
        if f.page > 1 {
            parts.push(format!("{}={}", param::PAGE, f.page));
        }
        if parts.is_empty() {
            "/lots/deltagare".into()
        } else {
            format!("/lots/deltagare?{}", parts.join("&"))
        }
    }
}

/// The first name of a full name: what the caseload and my week show of a person (the full
/// record is on the case page).
pub fn first_name(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// One case in the caseload: first name only (the full record is on the case page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub id: CaseId,
    pub first_name: String,
    pub stage: Stage,
    /// `yyyy-mm-dd`: when the current step began.
    pub since: String,
    /// `yyyy-mm-dd`: the latest contact, the latest meeting held.
    pub last_contact: Option<String>,
    /// `2026-12-03 kl. 14.30`: the soonest planned meeting from now on.
    pub next_meeting: Option<String>,
    /// Follow-ups not done whose date has passed (Stockholm).
    pub overdue: u64,
    pub navigator: Option<String>,
}

/// A page of the caseload with the counts by step (of the scope, all pages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadPage {
    pub rows: Vec<CaseloadRow>,
    pub counts: Vec<(Stage, u64)>,
    /// Cases matching the filter (all pages).
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_forward_and_back_in_order() {
        assert_eq!(Stage::Mapping.forward(), Some(Stage::Implementation));
        assert_eq!(Stage::Implementation.forward(), Some(Stage::Closing));
        assert_eq!(Stage::Closing.forward(), None);
        assert_eq!(Stage::Closed.forward(), None);
        assert_eq!(Stage::Mapping.back(), None);
        assert_eq!(Stage::Closed.back(), Some(Stage::Closing));
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
        }
        for r in ClosingReason::ALL {
            assert_eq!(r.as_str().parse::<ClosingReason>(), Ok(r));
        }
    }

    #[test]
    fn going_back_and_closing_need_their_reasons() {
        let f = |p: &[(&str, &str)]| parse_stage_change(&RawForm::from_pairs(p));
        assert_eq!(f(&[("action", "forward")]), Ok(StageChange::Forward));
        let e = f(&[("action", "back"), ("reason", "  ")]).unwrap_err();
        assert_eq!(e.get(field::REASON), Some(K::case_err_back_reason));
        let e = f(&[("action", "close")]).unwrap_err();
        assert_eq!(
            e.get(field::CLOSING_REASON),
            Some(K::case_err_closing_reason)
        );
        assert_eq!(e.get(field::CLOSING_DATE), Some(K::case_err_closing_date));
        assert_eq!(
            f(&[
                ("action", "close"),
                ("closing_reason", "moved"),
                ("closing_date", "2026-12-01")
            ]),
            Ok(StageChange::Close {
                reason: ClosingReason::Moved,
                date: (2026, 12, 1)
            })
        );
    }

    const TODAY: Ymd = (2026, 12, 1);

    #[test]
    fn person_details_are_checked() {
        let p = parse_person(
            &RawForm::from_pairs(&[
                ("name", " Åsa Öberg "),
                ("phone", "070-123 45 67"),
                ("contact_way", "sms"),
                ("contact_times", "morning"),
                ("contact_times", "bogus"),
                ("interpreter", "yes"),
                ("birth_year", "1950"),
                ("personnummer", "501231-1238"),
            ]),
            TODAY,
        )
        .unwrap();
        assert_eq!(
            p.personnummer.as_ref().map(Personnummer::as_str),
            Some("195012311238")
        );
        assert_eq!(p.name, "Åsa Öberg");
        assert_eq!(p.phone.as_deref(), Some("+46701234567"));
        assert_eq!(p.contact_times, vec!["morning"]);
        assert!(p.interpreter);
        let e = parse_person(
            &RawForm::from_pairs(&[
                ("name", ""),
                ("birth_year", "12"),
                ("personnummer", "501231-1233"),
            ]),
            TODAY,
        )
        .unwrap_err();
        assert_eq!(e.get(field::NAME), Some(K::case_err_name));
        assert_eq!(e.get(field::BIRTH_YEAR), Some(K::case_err_birth_year));
        assert_eq!(e.get(field::PERSONNUMMER), Some(K::err_pnr_check));
        // Empty or left out: none.
        let p = parse_person(
            &RawForm::from_pairs(&[("name", "Åsa"), ("personnummer", " ")]),
            TODAY,
        )
        .unwrap();
        assert_eq!(p.personnummer, None);
    }
}
