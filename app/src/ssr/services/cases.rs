//! Participants and cases: accepting a request into a case (or marking it a duplicate of an
//! existing participant), the case page's read and changes, and the caseload.
//!
//! Every change names the version it started from and is ONE conditional UPDATE (`… AND version
//! = ?`): if someone else saved first it changes nothing and the caller gets `AppError::Conflict`,
//! so a second save never silently overwrites the first. Each runs in one transaction with its
//! audit entry; reads of a case or the caseload are audited too.
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::case::{
    first_name, CaseView, CaseloadFilter, CaseloadPage, CaseloadRow, ClosingReason, PersonEdit,
    Stage, StageChange, StageChangeRow,
};
use crate::models::contact::Channel;
use crate::models::form::FieldErrors;
use crate::models::ids::{CaseId, ParticipantId};
use crate::models::phone::Phone;
use crate::ssr::auth::proof::{CaseWork, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::keys::Keys;
use crate::ssr::infra::time::{date_time, iso_date};
use crate::ssr::infra::working_days::stockholm_date;
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::cases as repo;
use crate::ssr::repo::entities::case::{self as cs, Entity as Cases};
use crate::ssr::repo::entities::contact_request as cr;
use crate::ssr::repo::entities::contact_request_event as ev;
use crate::ssr::repo::entities::participant as pt;
use crate::ssr::repo::staff_names;
use crate::ssr::services::casework;
use crate::ssr::services::personnummer;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

fn form_error(field: &str, key: K) -> AppError {
    let mut e = FieldErrors::default();
    e.add(field, key);
    AppError::Invalid(e)
}

fn event(who: &Proof<CaseWork>, action: Action, subject: (&'static str, i64)) -> Event {
    Event {
        subject: Some((subject.0, subject.1.to_string())),
        ..who.event(action)
    }
}

/// Accepts the team's request `request` at `version`: makes the participant (from the request's
/// contact data) and their case in Kartläggning, assigned to the caller; the request becomes
/// `accepted` with an `accepted` event in its history. A friend's request is refused until the
/// person has consented. Stale or finished: `Conflict`; another team's: `NotFound`.
pub async fn accept(
    db: &impl Db,
    who: &Proof<CaseWork>,
    request: i64,
    version: i32,
    now: DateTime<Utc>,
) -> Result<CaseId, AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    let r = cr::Entity::find_by_id(request)
        .filter(cr::Column::TeamId.eq(team.0))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let channel: Channel = r
        .channel
        .parse()
        .map_err(|_| AppError::internal("a contact request with an unknown channel"))?;
    if channel == Channel::Friend && !repo::has_consent(&txn, team, request).await? {
        return Err(form_error(
            crate::models::case::field::FORM,
            K::case_needs_consent,
        ));
    }
    if !repo::finish_request(&txn, team, request, version, "accepted", now).await? {
        return Err(AppError::Conflict);
    }
    let contact_way = if r.person_phone.is_some() {
        Some("phone".to_string())
    } else if r.person_email.is_some() {
        Some("email".to_string())
    } else {
        None
    };
    let participant = pt::Entity::insert(pt::ActiveModel {
        id: NotSet,
        team_id: Set(team.0),
        name: Set(r.person_name.clone()),
        phone: Set(r.person_phone.clone()),
        email: Set(r.person_email.clone()),
        contact_way: Set(contact_way),
        contact_times: Set(r.call_times.clone()),
        language: Set(None),
        interpreter: Set(false),
        birth_year: Set(None),
        gender: Set(None),
        personnummer: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let case = Cases::insert(cs::ActiveModel {
        id: NotSet,
        team_id: Set(team.0),
        participant_id: Set(participant),
        request_id: Set(Some(request)),
        channel: Set(channel.as_str().to_string()),
        referrer_org: Set(r.organisation.clone().filter(|o| !o.trim().is_empty())),
        navigator_id: Set(Some(who.id().0)),
        stage: Set(Stage::Mapping),
        mapping_since: Set(now),
        implementation_since: Set(None),
        closing_since: Set(None),
        closed_at: Set(None),
        planned_meetings: Set(5),
        closing_reason: Set(None),
        closing_date: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    casework::start_mapping(&txn, team, case).await?;
    repo::add_stage_change(
        &txn,
        team,
        case,
        (None, Stage::Mapping),
        now,
        Some(who.id()),
        None,
    )
    .await?;
    request_event(
        &txn,
        who,
        request,
        "accepted",
        Some(format!("case:{case}")),
        now,
    )
    .await?;
    audit::record(
        &txn,
        Event {
            detail: Some(format!("contact_request:{request}")),
            ..event(who, Action::CaseCreate, ("case", case))
        },
    )
    .await?;
    txn.commit().await?;
    Ok(CaseId(case))
}

async fn request_event(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    request: i64,
    kind: &str,
    detail: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    ev::Entity::insert(ev::ActiveModel {
        id: NotSet,
        team_id: Set(who.team_id().0),
        request_id: Set(request),
        at: Set(now),
        actor_staff_id: Set(Some(who.id().0)),
        kind: Set(kind.to_string()),
        outcome: Set(None),
        detail: Set(detail),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Marks the team's request `request` at `version` as a duplicate of the team's participant
/// `participant` (their number). A number that is not the team's participant is "no such
/// participant", whoever it belongs to. Stale or finished: `Conflict`.
pub async fn mark_duplicate(
    db: &impl Db,
    who: &Proof<CaseWork>,
    request: i64,
    version: i32,
    participant: Option<ParticipantId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    cr::Entity::find_by_id(request)
        .filter(cr::Column::TeamId.eq(team.0))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let known = match participant {
        Some(p) => repo::find_participant(&txn, team, p.0).await?,
        None => None,
    };
    let Some(p) = known else {
        return Err(form_error(
            crate::models::case::field::PARTICIPANT,
            K::case_err_participant,
        ));
    };
    if !repo::finish_request(&txn, team, request, version, "duplicate", now).await? {
        return Err(AppError::Conflict);
    }
    request_event(&txn, who, request, "duplicate", Some(p.id.to_string()), now).await?;
    audit::record(
        &txn,
        Event {
            detail: Some(format!("participant:{}", p.id)),
            ..event(
                who,
                Action::ContactRequestDuplicate,
                ("contact_request", request),
            )
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The team's case `id` for its page; the read is audited. Another team's: `NotFound`. `keys`
/// open the personnummer, if one is kept; `now` decides what is overdue.
pub async fn get(
    db: &impl Db,
    keys: &Keys,
    who: &Proof<CaseWork>,
    id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    let c = repo::find_case(&txn, team, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(&txn, event(who, Action::CaseRead, ("case", c.id))).await?;
    let mut view = load(&txn, who, c, now).await?;
    view.personnummer = personnummer::for_case_page(&txn, keys, team, view.participant.0).await?;
    txn.commit().await?;
    Ok(view)
}

/// The case page's data, read without an audit entry (the caller records one).
async fn load(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    c: cs::Model,
    now: DateTime<Utc>,
) -> Result<CaseView, AppError> {
    let team = who.team_id();
    let p = repo::find_participant(conn, team, c.participant_id)
        .await?
        .ok_or_else(|| AppError::internal("a case without its participant"))?;
    let request_code = match c.request_id {
        Some(r) => cr::Entity::find_by_id(r)
            .filter(cr::Column::TeamId.eq(team.0))
            .one(conn)
            .await?
            .map(|r| r.reference_code),
        None => None,
    };
    // Every name on the page (the navigator's, each change's author) in one query.
    let changes = repo::stage_changes(conn, team, c.id).await?;
    let mut names = staff_names::in_team(
        conn,
        team,
        changes
            .iter()
            .filter_map(|h| h.by_staff_id)
            .chain(c.navigator_id),
    )
    .await?;
    let history = changes
        .into_iter()
        .map(|h| StageChangeRow {
            at: date_time(h.at),
            from: h.from_stage,
            to: h.to_stage,
            by: h.by_staff_id.and_then(|id| names.get(&id).cloned()),
            reason: h.reason,
        })
        .collect();
    let work = casework::load(conn, team, who.id(), c.id, now).await?;
    let day = |d: Option<DateTime<Utc>>| d.map(iso_date);
    Ok(CaseView {
        id: CaseId(c.id),
        participant: ParticipantId(p.id),
        version: c.version,
        person_version: p.version,
        name: p.name,
        phone_display: p.phone.clone().map(|e| Phone::from_e164(e).display()),
        phone: p.phone,
        email: p.email,
        contact_way: p.contact_way,
        contact_times: p
            .contact_times
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        language: p.language,
        interpreter: p.interpreter,
        birth_year: p.birth_year,
        gender: p.gender,
        personnummer: Default::default(), // filled by `get`, which holds the key
        channel: c.channel.parse().unwrap_or(Channel::SelfReferral),
        referrer: c.referrer_org,
        request_code,
        navigator: c.navigator_id.and_then(|id| names.remove(&id)),
        stage: c.stage,
        stage_dates: vec![
            (Stage::Mapping, day(Some(c.mapping_since))),
            (Stage::Implementation, day(c.implementation_since)),
            (Stage::Closing, day(c.closing_since)),
            (Stage::Closed, day(c.closed_at)),
        ],
        planned_meetings: c.planned_meetings,
        closing_reason: c
            .closing_reason
            .as_deref()
            .and_then(|r| r.parse::<ClosingReason>().ok()),
        closing_date: c.closing_date.map(|d| d.format("%Y-%m-%d").to_string()),
        history,
        work,
    })
}

/// Moves the team's case `id` at `version` a step: forward, back (with a reason) or closed (with
/// a reason and a date, from any open step). A step the case cannot take from where it is is
/// refused with a message; a stale version is `Conflict`.
pub async fn change_stage(
    db: &impl Db,
    who: &Proof<CaseWork>,
    id: CaseId,
    version: i32,
    change: StageChange,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    let c = repo::find_case(&txn, team, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.version != version {
        return Err(AppError::Conflict);
    }
    let from = c.stage;
    let (to, reason) = match &change {
        StageChange::Forward => (from.forward(), None),
        StageChange::Back { reason } => (from.back(), Some(reason.clone())),
        StageChange::Close { .. } => (from.is_open().then_some(Stage::Closed), None),
    };
    let Some(to) = to else {
        return Err(form_error(
            crate::models::case::field::FORM,
            K::case_err_stage,
        ));
    };
    let mut update = Cases::update_many()
        .col_expr(cs::Column::Stage, Expr::value(to))
        .col_expr(cs::Column::Version, Expr::col(cs::Column::Version).add(1))
        .col_expr(cs::Column::UpdatedAt, Expr::value(now));
    // The step reached begins now; the steps after it have not begun (again) yet.
    let none: Option<DateTime<Utc>> = None;
    update = match to {
        Stage::Mapping => update
            .col_expr(cs::Column::MappingSince, Expr::value(now))
            .col_expr(cs::Column::ImplementationSince, Expr::value(none))
            .col_expr(cs::Column::ClosingSince, Expr::value(none)),
        Stage::Implementation => update
            .col_expr(cs::Column::ImplementationSince, Expr::value(now))
            .col_expr(cs::Column::ClosingSince, Expr::value(none)),
        Stage::Closing => update.col_expr(cs::Column::ClosingSince, Expr::value(now)),
        Stage::Closed => update.col_expr(cs::Column::ClosedAt, Expr::value(now)),
    };
    update = match &change {
        StageChange::Close { reason, date } => {
            let date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).ok_or_else(|| {
                form_error(
                    crate::models::case::field::CLOSING_DATE,
                    K::case_err_closing_date,
                )
            })?;
            update
                .col_expr(cs::Column::ClosingReason, Expr::value(reason.as_str()))
                .col_expr(cs::Column::ClosingDate, Expr::value(date))
        }
        // Reopened: the closing no longer holds.
        StageChange::Back { .. } if from == Stage::Closed => {
            let no_date: Option<NaiveDate> = None;
            let no_reason: Option<String> = None;
            update
                .col_expr(cs::Column::ClosingReason, Expr::value(no_reason))
                .col_expr(cs::Column::ClosingDate, Expr::value(no_date))
                .col_expr(cs::Column::ClosedAt, Expr::value(none))
        }
        _ => update,
    };
    let res = update
        .filter(cs::Column::Id.eq(c.id))
        .filter(cs::Column::TeamId.eq(team.0))
        .filter(cs::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    repo::add_stage_change(
        &txn,
        team,
        c.id,
        (Some(from), to),
        now,
        Some(who.id()),
        reason,
    )
    .await?;
    audit::record(
        &txn,
        Event {
            detail: Some(format!("{from}>{to}")),
            ..event(who, Action::CaseStage, ("case", c.id))
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Saves the person's details of the team's case `id`, if the person is still at `version`
/// (the person's version, `CaseView::person_version`); a stale version is `Conflict`. A
/// personnummer is sealed with `keys`, and refused where the team does not allow it.
pub async fn edit_person(
    db: &impl Db,
    keys: &Keys,
    who: &Proof<CaseWork>,
    id: CaseId,
    version: i32,
    edit: PersonEdit,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    let c = repo::find_case(&txn, team, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let pnr = edit.personnummer.as_ref();
    let pnr = personnummer::to_store(&txn, keys, team, c.participant_id, pnr).await?;
    let mut update = pt::Entity::update_many()
        .col_expr(pt::Column::Name, Expr::value(edit.name))
        .col_expr(pt::Column::Phone, Expr::value(edit.phone))
        .col_expr(pt::Column::Email, Expr::value(edit.email))
        .col_expr(pt::Column::ContactWay, Expr::value(edit.contact_way))
        .col_expr(
            pt::Column::ContactTimes,
            Expr::value(edit.contact_times.join(",")),
        )
        .col_expr(pt::Column::Language, Expr::value(edit.language))
        .col_expr(pt::Column::Interpreter, Expr::value(edit.interpreter))
        .col_expr(pt::Column::BirthYear, Expr::value(edit.birth_year))
        .col_expr(pt::Column::Gender, Expr::value(edit.gender))
        .col_expr(pt::Column::UpdatedAt, Expr::value(now))
        .col_expr(pt::Column::Version, Expr::col(pt::Column::Version).add(1));
    if let Some(sealed) = pnr {
        update = update.col_expr(pt::Column::Personnummer, Expr::value(sealed));
    }
    let res = update
        .filter(pt::Column::Id.eq(c.participant_id))
        .filter(pt::Column::TeamId.eq(team.0))
        .filter(pt::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event {
            detail: Some(format!("case:{}", c.id)),
            ..event(
                who,
                Action::ParticipantUpdate,
                ("participant", c.participant_id),
            )
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A page of the caseload (the caller's cases or the team's) with the counts by step; the read
/// is audited. `now` says which meetings are still to come and which follow-ups are late.
pub async fn caseload(
    db: &impl Db,
    who: &Proof<CaseWork>,
    f: CaseloadFilter,
    now: DateTime<Utc>,
) -> Result<CaseloadPage, AppError> {
    let (team, me) = (who.team_id(), who.id());
    let txn = write_txn(db).await?;
    audit::record(&txn, who.event(Action::CaseloadRead)).await?;
    let counts = repo::stage_counts(&txn, team, me, f.scope).await?;
    let (records, total) =
        repo::caseload_page(&txn, team, me, &f, (now, stockholm_date(now))).await?;
    txn.commit().await?;
    let rows = records
        .into_iter()
        .map(
            |(
                id,
                name,
                stage,
                mapping,
                implementation,
                closing,
                closed,
                navigator,
                last,
                next,
                overdue,
            )| {
                let since = match stage {
                    Stage::Mapping => Some(mapping),
                    Stage::Implementation => implementation,
                    Stage::Closing => closing,
                    Stage::Closed => closed,
                };
                CaseloadRow {
                    id: CaseId(id),
                    first_name: first_name(&name),
                    stage,
                    since: since.map(iso_date).unwrap_or_default(),
                    last_contact: last.map(iso_date),
                    next_meeting: next.map(date_time),
                    overdue: u64::try_from(overdue).unwrap_or(0),
                    navigator,
                }
            },
        )
        .collect();
    Ok(CaseloadPage {
        rows,
        counts,
        total,
    })
}
