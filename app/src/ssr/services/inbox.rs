//! The inbox: the caller's team's contact requests from all three channels, newest first, a page
//! at a time, filtered and searched. Every page read is recorded in the audit log (who and when,
//! never what was searched for), in the same transaction as the read.
use crate::error::AppError;
use crate::models::audit::Action;
use crate::models::contact::Channel;
use crate::models::inbox::{
    Age, InboxFilter, InboxPage, InboxRow, RequestStatus, Sender, PAGE_SIZE,
};
use crate::models::staff::Permission;
use crate::ssr::auth::proof::{CaseWork, Proof, SignedIn};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::search::like_pattern;
use crate::ssr::infra::time::{clock_time, iso_date};
use crate::ssr::infra::working_days::{first_contact_due, stockholm_date};
use crate::ssr::repo::audit;
use crate::ssr::repo::contact_requests::{self, InboxQuery, InboxRecord};
use crate::ssr::repo::entities::team;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

/// One page of the caller's team's inbox as `f` filters it, at `now` (ages and the overdue flag).
pub async fn list(
    db: &impl Db,
    who: &Proof<CaseWork>,
    f: InboxFilter,
    now: DateTime<Utc>,
) -> Result<InboxPage, AppError> {
    let query = InboxQuery {
        channel: f.channel.as_deref().and_then(|c| c.parse::<Channel>().ok()),
        status: f
            .status
            .as_deref()
            .and_then(|s| s.parse::<RequestStatus>().ok())
            .map(|s| s.as_str().to_string()),
        like: f.search.as_deref().and_then(like_pattern),
        before: f.before.as_deref().and_then(parse_cursor),
    };
    let txn = write_txn(db).await?;
    audit::record(&txn, who.event(Action::InboxRead)).await?;
    let days = team::Entity::find_by_id(who.team_id())
        .one(&txn)
        .await?
        .map(|t| u32::try_from(t.first_contact_days).unwrap_or(0))
        .ok_or_else(|| AppError::internal("the caller's team is gone"))?;
    let mut records =
        contact_requests::inbox_page(&txn, who.team_id(), &query, PAGE_SIZE + 1).await?;
    txn.commit().await?;
    let more = records.len() as u64 > PAGE_SIZE;
    records.truncate(PAGE_SIZE as usize);
    let next = more
        .then(|| records.last().map(|r| cursor(r.6, r.0)))
        .flatten();
    let rows = records
        .into_iter()
        .map(|r| row(r, days, now))
        .collect::<Result<_, _>>()?;
    Ok(InboxPage {
        rows,
        next,
        first_contact_days: days,
    })
}

/// The number of new requests of the caller's team, for the navigation; `None` for a role without
/// case work (the count is no personal data, but they have no inbox to count).
pub async fn count_new(
    conn: &impl ConnectionTrait,
    who: &SignedIn,
) -> Result<Option<u64>, AppError> {
    if !who.role().can(Permission::CaseWork) {
        return Ok(None);
    }
    Ok(Some(
        contact_requests::count_new(conn, who.team_id()).await?,
    ))
}

fn row(
    (id, code, channel, status, name, organisation, at): InboxRecord,
    days: u32,
    now: DateTime<Utc>,
) -> Result<InboxRow, AppError> {
    let channel: Channel = channel
        .parse()
        .map_err(|_| AppError::internal("a contact request with an unknown channel"))?;
    let status = status.parse::<RequestStatus>().ok();
    let due = first_contact_due(at, days);
    // Overdue while no one has made the first contact: the request is still new.
    let overdue = status == Some(RequestStatus::New) && due.is_some_and(|d| now >= d);
    let sender = match channel {
        Channel::SelfReferral => Sender::Themself,
        Channel::Friend => Sender::Friend,
        Channel::Professional => Sender::Professional(organisation.filter(|o| !o.is_empty())),
    };
    Ok(InboxRow {
        id,
        code,
        channel,
        status,
        first_name: name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        sender,
        received: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        age: age(at, now),
        overdue,
        // The last working day of the promise: the day before the instant it ends.
        due: due.map(|d| iso_date(d - chrono::TimeDelta::seconds(1))),
    })
}

/// How long ago `at` was at `now`, in Stockholm calendar days.
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> Age {
    let days = (stockholm_date(now) - stockholm_date(at)).num_days();
    let time = || clock_time(at);
    match days {
        ..=0 => Age::Today(time()),
        1 => Age::Yesterday(time()),
        2..=6 => Age::DaysAgo(days as u64),
        _ => Age::On(iso_date(at)),
    }
}

/// The cursor after the row received at `at` with id `id`: `<microseconds since 1970>-<id>`.
fn cursor(at: DateTime<Utc>, id: i64) -> String {
    format!("{}-{id}", at.timestamp_micros())
}

fn parse_cursor(s: &str) -> Option<(DateTime<Utc>, i64)> {
    let (micros, id) = s.trim().split_once('-')?;
    let at = Utc.timestamp_micros(micros.parse().ok()?).single()?;
    Some((at, id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Stockholm
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn ages_count_stockholm_days() {
        let now = local(2026, 11, 30, 9, 0);
        assert_eq!(
            age(local(2026, 11, 30, 0, 10), now),
            Age::Today("00.10".into())
        );
        assert_eq!(
            age(local(2026, 11, 29, 23, 50), now),
            Age::Yesterday("23.50".into())
        );
        assert_eq!(age(local(2026, 11, 27, 12, 0), now), Age::DaysAgo(3));
        assert_eq!(
            age(local(2026, 11, 20, 12, 0), now),
            Age::On("2026-11-20".into())
        );
    }

    #[test]
    fn cursors_read_back() {
        let at = Utc
            .timestamp_micros(1_764_512_345_678_901)
            .single()
            .expect("t");
        assert_eq!(parse_cursor(&cursor(at, 42)), Some((at, 42)));
        assert_eq!(parse_cursor("x-1"), None);
        assert_eq!(parse_cursor("12"), None);
    }
}
