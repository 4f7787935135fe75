//! One contact request: its page (read, audited), the inbox's actions on it (a contact attempt,
//! unreachable, decline, a friend request's consent) and erasure.
//!
//! Every action names the version it started from and changes the row with one conditional
//! UPDATE (`… WHERE id = ? AND team_id = ? AND version = ?`) in the same transaction as its
//! history event and its audit entry: of two saves of one version exactly one wins, the other is
//! told (`Saved::Stale`) and changes nothing.
//!
//! Consent first: a friend's request holds only contact data until the person themself agrees.
//! If they say no (or it is declined before they said yes), or nobody answered within the team's
//! `friend_erase_days`, the request is erased — the row, its search text and its history — and
//! only an anonymous count remains (`erased_requests`); the audit log keeps the event without
//! data. After an erasure the files are scrubbed too (`infra::db::scrub_after_erase`).
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::contact::Channel;
use crate::models::form::{FieldErrors, RawForm};
use crate::models::inbox::RequestStatus;
use crate::models::phone::Phone;
use crate::models::request::{field, HistoryRow, RequestView, DECLINE_REASONS, NOTE_MAX, OUTCOMES};
use crate::models::staff::field as staff_field;
use crate::ssr::auth::proof::{CaseWork, Proof};
use crate::ssr::infra::db::{scrub_after_erase, write_txn, Db};
use crate::ssr::infra::time::date_time;
use crate::ssr::infra::working_days::first_contact_due;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::entities::{
    contact_request as cr, contact_request_event as ev, erased_request, team,
};
use crate::ssr::repo::staff_names;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The tables an erasure touches (scrubbed after it).
const ERASED_TABLES: [&str; 2] = ["contact_requests", "contact_request_events"];

/// An action on a request, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// A contact attempt at `at` with one of `OUTCOMES`.
    Attempt {
        at: DateTime<Utc>,
        outcome: String,
    },
    Unreachable,
    /// Declined for one of `DECLINE_REASONS`, with an optional note.
    Decline {
        reason: String,
        note: Option<String>,
    },
    /// A friend request: the person's own answer.
    Consent {
        yes: bool,
    },
}

/// What a save did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Done,
    /// The request is gone (the person said no, or a friend's request was declined before they
    /// agreed).
    Erased,
    /// Someone else saved first: nothing changed.
    Stale,
}

/// The version a form carries, if it is a number.
pub fn parse_version(form: &RawForm) -> Option<i32> {
    form.get(field::VERSION).trim().parse().ok()
}

/// A contact attempt's form: the time (date and time in Stockholm; empty means `now`) and the
/// outcome.
pub fn parse_attempt(form: &RawForm, now: DateTime<Utc>) -> Result<Act, FieldErrors> {
    let mut errors = FieldErrors::default();
    let outcome = form.get(field::OUTCOME);
    if !OUTCOMES.iter().any(|(c, _)| *c == outcome) {
        errors.add(field::OUTCOME, K::req_err_outcome);
    }
    let (date, time) = (form.get(field::DATE).trim(), form.get(field::TIME).trim());
    let at = if date.is_empty() && time.is_empty() {
        Some(now)
    } else {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
        let t = NaiveTime::parse_from_str(&time.replace('.', ":"), "%H:%M").ok();
        d.zip(t)
            .and_then(|(d, t)| Stockholm.from_local_datetime(&d.and_time(t)).earliest())
            .map(|l| l.with_timezone(&Utc))
            // Not in the future (a minute's grace for clocks).
            .filter(|at| *at <= now + TimeDelta::minutes(1))
    };
    if at.is_none() {
        errors.add(field::DATE, K::req_err_when);
    }
    match at {
        Some(at) if errors.is_empty() => Ok(Act::Attempt {
            at,
            outcome: outcome.to_string(),
        }),
        _ => Err(errors),
    }
}

/// A decline's form: a reason from the list and an optional note.
pub fn parse_decline(form: &RawForm) -> Result<Act, FieldErrors> {
    let reason = form.get(field::REASON);
    if !DECLINE_REASONS.iter().any(|(c, _)| *c == reason) {
        let mut errors = FieldErrors::default();
        errors.add(field::REASON, K::req_err_reason);
        return Err(errors);
    }
    let note = form.get(field::NOTE).trim();
    Ok(Act::Decline {
        reason: reason.to_string(),
        note: (!note.is_empty()).then(|| note.chars().take(NOTE_MAX).collect()),
    })
}

/// Consent's form: `yes` or `no`.
pub fn parse_consent(form: &RawForm) -> Result<Act, FieldErrors> {
    match form.get(field::ANSWER) {
        "yes" => Ok(Act::Consent { yes: true }),
        "no" => Ok(Act::Consent { yes: false }),
        _ => {
            let mut errors = FieldErrors::default();
            errors.add(staff_field::FORM, K::err_server);
            Err(errors)
        }
    }
}

async fn in_team(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    id: i64,
) -> Result<cr::Model, AppError> {
    cr::Entity::find_by_id(id)
        .filter(cr::Column::TeamId.eq(who.team_id().0))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

fn subject(id: i64) -> Option<(&'static str, String)> {
    Some(("contact_request", id.to_string()))
}

/// The request page: the request, its history (newest first) and the promise. Audited as a read
/// of `contact_request:<id>`. Another team's request is "not found", like a missing one.
pub async fn get(
    db: &impl Db,
    who: &Proof<CaseWork>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<RequestView, AppError> {
    let txn = write_txn(db).await?;
    let r = in_team(&txn, who, id).await?;
    audit::record(
        &txn,
        Event {
            subject: subject(id),
            ..who.event(Action::ContactRequestRead)
        },
    )
    .await?;
    let days = team::Entity::find_by_id(who.team_id())
        .one(&txn)
        .await?
        .map(|t| u32::try_from(t.first_contact_days).unwrap_or(0))
        .ok_or_else(|| AppError::internal("the caller's team is gone"))?;
    let events = ev::Entity::find()
        .filter(ev::Column::TeamId.eq(who.team_id().0))
        .filter(ev::Column::RequestId.eq(id))
        .order_by_desc(ev::Column::At)
        .order_by_desc(ev::Column::Id)
        .all(&txn)
        .await?;
    let actors = events.iter().filter_map(|e| e.actor_staff_id);
    let names = staff_names::in_team(&txn, who.team_id(), actors).await?;
    txn.commit().await?;
    let channel: Channel = r
        .channel
        .parse()
        .map_err(|_| AppError::internal("a contact request with an unknown channel"))?;
    let status = r.status.parse::<RequestStatus>().ok();
    let due = first_contact_due(r.created_at, days);
    let phone = |p: Option<String>| p.map(|p| Phone::from_e164(p).display());
    Ok(RequestView {
        id: r.id,
        version: r.version,
        code: r.reference_code,
        channel,
        status,
        person_name: r.person_name,
        person_phone: phone(r.person_phone),
        person_email: r.person_email,
        call_times: r.call_times,
        interests: r.interests,
        help_text: r.help_text,
        message: r.message,
        sender_name: r.requester_name,
        sender_phone: phone(r.requester_phone),
        sender_email: r.requester_email,
        relation: r.relation,
        organisation: r.organisation,
        reasons: r.reasons,
        received: date_time(r.created_at),
        overdue: status == Some(RequestStatus::New) && due.is_some_and(|d| now >= d),
        due: due.map(|d| crate::ssr::infra::time::iso_date(d - TimeDelta::seconds(1))),
        consented: (channel == Channel::Friend).then_some(r.consented_at.is_some()),
        history: events
            .into_iter()
            .map(|e| HistoryRow {
                at: date_time(e.at),
                who: e.actor_staff_id.and_then(|a| names.get(&a).cloned()),
                kind: e.kind,
                outcome: e.outcome,
                detail: e.detail,
            })
            .collect(),
        now_date: now.with_timezone(&Stockholm).format("%Y-%m-%d").to_string(),
        now_time: now.with_timezone(&Stockholm).format("%H.%M").to_string(),
    })
}

fn is_open(status: &str) -> bool {
    matches!(
        status.parse::<RequestStatus>(),
        Ok(RequestStatus::New | RequestStatus::Contacted)
    )
}

fn closed() -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(staff_field::FORM, K::req_err_closed);
    AppError::Invalid(errors)
}

/// Does `act` on request `id` of the caller's team if it is still at `version`.
pub async fn act(
    db: &impl Db,
    who: &Proof<CaseWork>,
    id: i64,
    version: i32,
    act: Act,
    now: DateTime<Utc>,
) -> Result<Saved, AppError> {
    let txn = write_txn(db).await?;
    let r = in_team(&txn, who, id).await?;
    if r.version != version {
        return Ok(Saved::Stale);
    }
    let friend = r.channel == Channel::Friend.as_str();
    let waiting = friend && r.consented_at.is_none();
    let open = is_open(&r.status);
    // A friend's request that the person refused, or that is declined before they agreed, is
    // erased: it was only kept to ask them.
    let erase = match &act {
        Act::Consent { yes: false } if waiting && open => Some("person_declined".to_string()),
        Act::Decline { reason, .. } if waiting && open => Some(format!("declined:{reason}")),
        _ => None,
    };
    if let Some(reason) = erase {
        let by = Event {
            subject: subject(id),
            ..who.event(Action::ContactRequestErase)
        };
        let gone = erase_in(
            &txn,
            who.team_id().0,
            id,
            Some(version),
            None,
            &reason,
            by,
            now,
        )
        .await?;
        if !gone {
            return Ok(Saved::Stale);
        }
        txn.commit().await?;
        scrub_after_erase(db, &ERASED_TABLES).await;
        return Ok(Saved::Erased);
    }
    // The event's time: a contact attempt's own, else now.
    let (status, consent, kind, outcome, detail, at) = match act {
        Act::Attempt { at, outcome } => {
            let status = if open {
                RequestStatus::Contacted.as_str().to_string()
            } else {
                r.status.clone()
            };
            (status, false, "contact_attempt", Some(outcome), None, at)
        }
        Act::Unreachable if open => (
            RequestStatus::Unreachable.as_str().to_string(),
            false,
            "unreachable",
            None,
            None,
            now,
        ),
        Act::Decline { reason, note } if open => (
            RequestStatus::Declined.as_str().to_string(),
            false,
            "declined",
            Some(reason),
            note,
            now,
        ),
        Act::Consent { yes: true } if waiting && open => {
            (r.status.clone(), true, "consent_given", None, None, now)
        }
        Act::Unreachable | Act::Decline { .. } | Act::Consent { .. } => return Err(closed()),
    };
    let mut update = cr::Entity::update_many()
        .col_expr(cr::Column::Status, Expr::value(status))
        .col_expr(cr::Column::Version, Expr::col(cr::Column::Version).add(1))
        .col_expr(cr::Column::UpdatedAt, Expr::value(now));
    if consent {
        update = update.col_expr(cr::Column::ConsentedAt, Expr::value(Some(now)));
    }
    let changed = update
        .filter(cr::Column::Id.eq(id))
        .filter(cr::Column::TeamId.eq(who.team_id().0))
        .filter(cr::Column::Version.eq(version))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed != 1 {
        return Ok(Saved::Stale);
    }
    ev::Entity::insert(ev::ActiveModel {
        team_id: Set(who.team_id().0),
        request_id: Set(id),
        at: Set(at),
        actor_staff_id: Set(Some(who.id().0)),
        kind: Set(kind.to_string()),
        outcome: Set(outcome),
        detail: Set(detail),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event {
            subject: subject(id),
            detail: Some(kind.to_string()),
            ..who.event(Action::ContactRequestUpdate)
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Saved::Done)
}

/// Which rows an erasure may take: the version a form named, or (the job) an unanswered friend
/// request that came before `cutoff`.
#[allow(clippy::too_many_arguments)]
async fn erase_in(
    conn: &DatabaseTransaction,
    team_id: i64,
    id: i64,
    version: Option<i32>,
    unanswered_before: Option<DateTime<Utc>>,
    reason: &str,
    audit_event: Event,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    ev::Entity::delete_many()
        .filter(ev::Column::TeamId.eq(team_id))
        .filter(ev::Column::RequestId.eq(id))
        .exec(conn)
        .await?;
    let mut delete = cr::Entity::delete_many()
        .filter(cr::Column::Id.eq(id))
        .filter(cr::Column::TeamId.eq(team_id));
    if let Some(v) = version {
        delete = delete.filter(cr::Column::Version.eq(v));
    }
    if let Some(cutoff) = unanswered_before {
        delete = delete
            .filter(cr::Column::Channel.eq(Channel::Friend.as_str()))
            .filter(cr::Column::ConsentedAt.is_null())
            .filter(cr::Column::CreatedAt.lte(cutoff));
    }
    if delete.exec(conn).await?.rows_affected != 1 {
        return Ok(false);
    }
    let month = now.with_timezone(&Stockholm).format("%Y-%m").to_string();
    erased_request::Entity::insert(erased_request::ActiveModel {
        team_id: Set(team_id),
        channel: Set(Channel::Friend.as_str().to_string()),
        reason: Set(reason.to_string()),
        month: Set(month),
        count: Set(1),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            erased_request::Column::TeamId,
            erased_request::Column::Channel,
            erased_request::Column::Reason,
            erased_request::Column::Month,
        ])
        .value(
            erased_request::Column::Count,
            Expr::col((erased_request::Entity, erased_request::Column::Count)).add(1),
        )
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        Event {
            detail: Some(reason.to_string()),
            ..audit_event
        },
    )
    .await?;
    Ok(true)
}

/// The background job: erases every friend request whose person has not agreed within their
/// team's `friend_erase_days`, one transaction each. Safe on several instances at once: a row
/// another instance took is simply not there any more (counted once, by whoever deleted it).
/// Returns how many this call erased.
pub async fn erase_unanswered(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let teams: Vec<(i64, i16)> = team::Entity::find()
        .select_only()
        .column(team::Column::Id)
        .column(team::Column::FriendEraseDays)
        .into_tuple()
        .all(db)
        .await?;
    let mut erased = 0;
    for (team_id, days) in teams {
        let cutoff = now - TimeDelta::days(i64::from(Ord::max(days, 1)));
        let ids: Vec<i64> = cr::Entity::find()
            .select_only()
            .column(cr::Column::Id)
            .filter(cr::Column::TeamId.eq(team_id))
            .filter(cr::Column::Channel.eq(Channel::Friend.as_str()))
            .filter(cr::Column::ConsentedAt.is_null())
            .filter(cr::Column::CreatedAt.lte(cutoff))
            .into_tuple()
            .all(db)
            .await?;
        for id in ids {
            let txn = write_txn(db).await?;
            let by = Event {
                team_id: Some(crate::models::ids::TeamId(team_id)),
                subject: subject(id),
                ..Event::new(Action::ContactRequestErase)
            };
            if erase_in(&txn, team_id, id, None, Some(cutoff), "unanswered", by, now).await? {
                txn.commit().await?;
                erased += 1;
            }
        }
    }
    if erased > 0 {
        scrub_after_erase(db, &ERASED_TABLES).await;
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> RawForm {
        RawForm::from_pairs(pairs)
    }

    #[test]
    fn a_contact_attempt_is_now_or_a_stockholm_time_not_in_the_future() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 13, 30, 0)
            .single()
            .expect("t");
        let empty = form(&[("utfall", "reached")]);
        assert_eq!(
            parse_attempt(&empty, now),
            Ok(Act::Attempt {
                at: now,
                outcome: "reached".into()
            })
        );
        // 14.30 in Stockholm in November is 13.30 UTC.
        let given = form(&[
            ("utfall", "no_answer"),
            ("datum", "2026-11-23"),
            ("tid", "14.30"),
        ]);
        assert_eq!(
            parse_attempt(&given, now),
            Ok(Act::Attempt {
                at: now,
                outcome: "no_answer".into()
            })
        );
        let later = form(&[
            ("utfall", "no_answer"),
            ("datum", "2026-11-23"),
            ("tid", "15.00"),
        ]);
        assert!(parse_attempt(&later, now).is_err(), "not in the future");
        let bad = form(&[("utfall", "maybe")]);
        assert!(parse_attempt(&bad, now).is_err());
        let garbled = form(&[("utfall", "reached"), ("datum", "23/11"), ("tid", "x")]);
        assert!(parse_attempt(&garbled, now).is_err());
    }

    #[test]
    fn a_decline_needs_a_listed_reason_and_keeps_a_short_note() {
        assert!(parse_decline(&form(&[("skal", "")])).is_err());
        let long = "å".repeat(NOTE_MAX + 10);
        match parse_decline(&form(&[("skal", "other"), ("anteckning", &long)])) {
            Ok(Act::Decline { reason, note }) => {
                assert_eq!(reason, "other");
                assert_eq!(note.map(|n| n.chars().count()), Some(NOTE_MAX));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_consent(&form(&[("svar", "no")])),
            Ok(Act::Consent { yes: false })
        );
        assert!(parse_consent(&form(&[("svar", "kanske")])).is_err());
    }
}
