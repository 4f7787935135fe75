//! A navigator's own week and their private calendar feed.
//!
//! The week (`/lots/vecka`) is the caller's meetings of one ISO week (Monday to Sunday in
//! Europe/Stockholm) and their follow-ups due by its end; reading it is audited.
//!
//! The calendar feed is an iCalendar file at a secret address (`/kalender/{secret}.ics`) that a
//! calendar app fetches without logging in, so the secret itself is the authorisation: 256 random
//! bits, of which only a keyed MAC is stored (a copy of the database does not reveal a working
//! address). Renewing replaces the MAC, so the old address stops working at once. The feed holds
//! times, places and the participant's number — never a name or a note — since anyone who gets
//! the address sees it. A fetch is one indexed lookup and one audit entry, no password hashing,
//! so calendar apps polling often cost little.
use crate::error::AppError;
use crate::i18n::{text, Lang, K};
use crate::models::audit::Action;
use crate::models::case::first_name;
use crate::models::casework::MeetingStatus;
use crate::models::ids::CaseId;
use crate::models::week::{IsoWeek, WeekDay, WeekMeeting, WeekTask, WeekView};
use crate::ssr::auth::proof::{CaseWork, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::ical;
use crate::ssr::infra::keys::{Keys, Purpose};
use crate::ssr::infra::random::random_bytes;
use crate::ssr::infra::time::{clock_time, iso_date, stockholm_day_start};
use crate::ssr::infra::working_days::stockholm_date;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::week as repo;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use std::net::IpAddr;

/// How far back and ahead the feed reaches.
pub const FEED_DAYS_BACK: i64 = 30;
pub const FEED_DAYS_AHEAD: i64 = 180;

fn iso_week_of(d: NaiveDate) -> IsoWeek {
    let w = d.iso_week();
    IsoWeek {
        year: w.year(),
        week: w.week(),
    }
}

/// The Monday of `w`, if the year has that week (week 53 exists only in some years).
fn monday_of(w: IsoWeek) -> Option<NaiveDate> {
    NaiveDate::from_isoywd_opt(w.year, w.week, Weekday::Mon)
}

/// The UTC span of the Stockholm days `first..=last`.
fn span(first: NaiveDate, last: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let start = stockholm_day_start(first.year(), first.month(), first.day(), false);
    let end = stockholm_day_start(last.year(), last.month(), last.day(), true);
    start
        .zip(end)
        .ok_or_else(|| AppError::internal("a day outside the calendar"))
}

/// The caller's week `asked` (this week if `None` or a week the year does not have): their
/// meetings day by day and their open follow-ups due by its end. The read is audited.
pub async fn week(
    db: &impl Db,
    who: &Proof<CaseWork>,
    asked: Option<IsoWeek>,
    now: DateTime<Utc>,
) -> Result<WeekView, AppError> {
    let (team, me) = (who.team_id(), who.id());
    let today = stockholm_date(now);
    let (week, monday) = match asked.and_then(|w| Some((w, monday_of(w)?))) {
        Some(found) => found,
        None => {
            let w = iso_week_of(today);
            let monday = monday_of(w).ok_or_else(|| AppError::internal("no Monday"))?;
            (w, monday)
        }
    };
    let sunday = monday + TimeDelta::days(6);
    let txn = write_txn(db).await?;
    audit::record(
        &txn,
        Event {
            detail: Some(week.to_string()),
            ..who.event(Action::WeekRead)
        },
    )
    .await?;
    let meetings = repo::meetings_of(&txn, team, me, span(monday, sunday)?, false).await?;
    let tasks = repo::open_tasks_of(&txn, team, me, sunday).await?;
    let people = repo::participants_of(
        &txn,
        team,
        meetings
            .iter()
            .map(|m| m.case_id)
            .chain(tasks.iter().map(|t| t.case_id)),
    )
    .await?;
    let feed_since = repo::feed_of(&txn, team, me)
        .await?
        .map(|f| iso_date(f.created_at));
    txn.commit().await?;
    let name_of = |case: i64| {
        people
            .get(&case)
            .map(|(_, name)| first_name(name))
            .unwrap_or_default()
    };
    let days = (0..7)
        .map(|i| {
            let date = monday + TimeDelta::days(i);
            WeekDay {
                date: date.format("%Y-%m-%d").to_string(),
                weekday: date.weekday().number_from_monday(),
                day: date.day(),
                month: date.month(),
                today: date == today,
                meetings: meetings
                    .iter()
                    .filter(|m| stockholm_date(m.starts_at) == date)
                    .map(|m| WeekMeeting {
                        case_id: CaseId(m.case_id),
                        first_name: name_of(m.case_id),
                        time: clock_time(m.starts_at),
                        ends: clock_time(
                            m.starts_at + TimeDelta::minutes(i64::from(m.duration_minutes)),
                        ),
                        starts_at: m.starts_at.to_rfc3339(),
                        place: m.place,
                        status: m.status,
                    })
                    .collect(),
            }
        })
        .collect();
    let tasks = tasks
        .into_iter()
        .map(|t| WeekTask {
            case_id: CaseId(t.case_id),
            first_name: name_of(t.case_id),
            title: t.title,
            due: t.due_date.format("%Y-%m-%d").to_string(),
            overdue: t.due_date < today,
        })
        .collect();
    Ok(WeekView {
        week,
        prev: iso_week_of(monday - TimeDelta::days(7)),
        next: iso_week_of(monday + TimeDelta::days(7)),
        current: week == iso_week_of(today),
        days,
        tasks,
        feed_since,
    })
}

/// Makes a new secret address for the caller's calendar feed, replacing any earlier one (which
/// stops working now), and returns the secret: it is shown this once and never stored.
pub async fn renew_feed(
    db: &impl Db,
    keys: &Keys,
    who: &Proof<CaseWork>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let secret = hex::encode(random_bytes::<32>()?);
    let mac = keys.mac_hex(Purpose::CalendarFeed, secret.as_bytes());
    let txn = write_txn(db).await?;
    repo::replace_feed(&txn, who.team_id(), who.id(), mac, now).await?;
    audit::record(&txn, who.event(Action::CalendarFeedRenew)).await?;
    txn.commit().await?;
    Ok(secret)
}

/// Whether `secret` has the shape of one we make (64 lower-case hex digits), so anything else
/// is turned away before the database is asked.
fn well_formed(secret: &str) -> bool {
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The calendar of the feed whose secret is `secret`, or `None` — an unknown secret, or one of
/// a member no longer active — with nothing to tell them apart. Meetings from 30 days back to
/// 180 days ahead, cancelled ones left out. The fetch is audited as the feed owner's.
pub async fn feed(
    db: &impl Db,
    keys: &Keys,
    secret: &str,
    client: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let mac = keys.mac_hex(Purpose::CalendarFeed, secret.as_bytes());
    let Some((owner, team)) = repo::feed_owner(db, &mac).await? else {
        return Ok(None);
    };
    let from = now - TimeDelta::days(FEED_DAYS_BACK);
    let to = now + TimeDelta::days(FEED_DAYS_AHEAD);
    let meetings = repo::meetings_of(db, team, owner, (from, to), true).await?;
    let people = repo::participants_of(db, team, meetings.iter().map(|m| m.case_id)).await?;
    let txn = write_txn(db).await?;
    audit::record(
        &txn,
        Event {
            team_id: Some(team),
            actor: Some(owner),
            client,
            detail: Some("feed".into()),
            ..Event::new(Action::CalendarFeedRead)
        },
    )
    .await?;
    txn.commit().await?;
    let sv = |k: K| text(Lang::Sv, k);
    let events: Vec<ical::Event> = meetings
        .iter()
        .filter(|m| m.status != MeetingStatus::Cancelled)
        .map(|m| {
            // The participant's number only: the address may be seen by others.
            let number = people.get(&m.case_id).map(|(p, _)| *p).unwrap_or_default();
            ical::Event {
                uid: format!("meeting-{}@halsolots", m.id),
                starts: m.starts_at,
                ends: m.starts_at + TimeDelta::minutes(i64::from(m.duration_minutes)),
                summary: sv(K::week_feed_summary).replace("{number}", &number.to_string()),
                location: sv(m.place.label()).to_string(),
            }
        })
        .collect();
    Ok(Some(ical::calendar(sv(K::week_feed_name), &events, now)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn weeks_run_monday_to_sunday_in_stockholm() {
        let w = IsoWeek {
            year: 2026,
            week: 49,
        };
        let monday = monday_of(w).unwrap();
        assert_eq!(monday.to_string(), "2026-11-30");
        let (from, to) = span(monday, monday + TimeDelta::days(6)).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-29T23:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-06T23:00:00+00:00");
        // Sunday 23.30 in Stockholm is Sunday's, though it is Sunday 22.30 in UTC.
        let late = Utc
            .with_ymd_and_hms(2026, 12, 6, 22, 30, 0)
            .single()
            .unwrap();
        assert_eq!(iso_week_of(stockholm_date(late)), w);
        // Monday 00.30 in Stockholm is already the next week.
        let early = Utc
            .with_ymd_and_hms(2026, 12, 6, 23, 30, 0)
            .single()
            .unwrap();
        assert_eq!(iso_week_of(stockholm_date(early)).week, 50);
        // 2026 has 53 weeks; 2027 does not.
        assert!(monday_of(IsoWeek {
            year: 2026,
            week: 53
        })
        .is_some());
        assert!(monday_of(IsoWeek {
            year: 2027,
            week: 53
        })
        .is_none());
    }

    #[test]
    fn only_secrets_of_our_shape_are_looked_up() {
        assert!(well_formed(&"a1".repeat(32)));
        assert!(!well_formed(&"A1".repeat(32)));
        assert!(!well_formed("abc"));
        assert!(!well_formed(&"g1".repeat(32)));
    }
}
