//! The daily work on a case: "Vad är viktigt för dig?", goals, meetings, notes and follow-up
//! tasks — read for the case page (inside the case read, which is audited) and changed one form
//! post at a time.
//!
//! Every change runs in one transaction with its audit entry, and first finds the case in the
//! caller's team (another team's case is "not found"). Edits of something that exists name the
//! version they started from and are ONE conditional UPDATE (`… AND version = ?`): if someone
//! saved first, nothing changes and the caller gets `AppError::Conflict`. Additions (a goal, a
//! meeting, a note, a task) cannot overwrite anything and need no version.
use crate::error::AppError;
use crate::i18n::K;
use crate::models::audit::Action;
use crate::models::case::field::FORM;
use crate::models::casework::{
    field, Barrier, CaseWorkChange, CaseWorkView, GoalRow, GoalStatus, MappingEdit, MappingView,
    MeetingRow, MeetingStatus, NewMeeting, NewTask, NoteRow, TaskRow,
};
use crate::models::form::FieldErrors;
use crate::models::ids::{CaseId, StaffId, TeamId};
use crate::models::staff::Permission;
use crate::ssr::auth::proof::{CaseWork, Proof};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::time::{date_time, iso_date, stockholm_instant};
use crate::ssr::repo::audit::{self, Event};
use crate::ssr::repo::cases as case_repo;
use crate::ssr::repo::entities::case as cs;
use crate::ssr::repo::entities::{case_mapping as mp, case_note as nt, goal as gl};
use crate::ssr::repo::entities::{meeting as mt, staff as st, task as tk};
use crate::ssr::repo::staff_names;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

fn refused(name: &str, key: K) -> AppError {
    let mut e = FieldErrors::default();
    e.add(name, key);
    AppError::Invalid(e)
}

/// The empty mapping a new case starts with (made with the case, in its transaction).
pub async fn start_mapping(
    conn: &impl ConnectionTrait,
    team: TeamId,
    case: i64,
) -> Result<(), AppError> {
    mp::Entity::insert(mp::ActiveModel {
        case_id: Set(case),
        team_id: Set(team.0),
        interests: Set(String::new()),
        wishes: Set(String::new()),
        needs: Set(String::new()),
        barriers: Set(String::new()),
        barriers_note: Set(String::new()),
        updated_at: Set(None),
        updated_by: Set(None),
        version: Set(1),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The case work of the team's case `case` as `me` sees it on its page; `now` decides what is
/// overdue. Read inside the case read (which records the audit entry).
pub async fn load(
    conn: &impl ConnectionTrait,
    team: TeamId,
    me: StaffId,
    case: i64,
    now: DateTime<Utc>,
) -> Result<CaseWorkView, AppError> {
    let mapping = mp::Entity::find_by_id(case)
        .filter(mp::Column::TeamId.eq(team.0))
        .one(conn)
        .await?;
    let goals = gl::Entity::find()
        .filter(gl::Column::TeamId.eq(team.0))
        .filter(gl::Column::CaseId.eq(case))
        .order_by_asc(gl::Column::Id)
        .all(conn)
        .await?;
    let meetings = mt::Entity::find()
        .filter(mt::Column::TeamId.eq(team.0))
        .filter(mt::Column::CaseId.eq(case))
        .order_by_asc(mt::Column::StartsAt)
        .order_by_asc(mt::Column::Id)
        .all(conn)
        .await?;
    let notes = nt::Entity::find()
        .filter(nt::Column::TeamId.eq(team.0))
        .filter(nt::Column::CaseId.eq(case))
        .order_by_desc(nt::Column::At)
        .order_by_desc(nt::Column::Id)
        .all(conn)
        .await?;
    let tasks = tk::Entity::find()
        .filter(tk::Column::TeamId.eq(team.0))
        .filter(tk::Column::CaseId.eq(case))
        .order_by_asc(tk::Column::DueDate)
        .order_by_asc(tk::Column::Id)
        .all(conn)
        .await?;
    let assignees = case_workers(conn, team).await?;
    // Every other name on the page in one query.
    let names = staff_names::in_team(
        conn,
        team,
        mapping
            .iter()
            .filter_map(|m| m.updated_by)
            .chain(meetings.iter().filter_map(|m| m.staff_id))
            .chain(notes.iter().filter_map(|n| n.author_id))
            .chain(tasks.iter().filter_map(|t| t.assignee_id)),
    )
    .await?;
    let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    let today = now.with_timezone(&Stockholm).date_naive();
    let held = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Held)
        .count();
    let mut tasks: Vec<TaskRow> = tasks
        .into_iter()
        .map(|t| TaskRow {
            id: t.id,
            version: t.version,
            title: t.title,
            due: t.due_date.format("%Y-%m-%d").to_string(),
            assignee: name(t.assignee_id),
            overdue: t.done_at.is_none() && t.due_date < today,
            done: t.done_at.map(date_time),
        })
        .collect();
    // Open tasks first (by due date, as read), then the done ones.
    tasks.sort_by_key(|t| t.done.is_some());
    Ok(CaseWorkView {
        mapping: mapping
            .map(|m| MappingView {
                version: m.version,
                interests: m.interests,
                wishes: m.wishes,
                needs: m.needs,
                barriers: m
                    .barriers
                    .split(',')
                    .filter_map(|b| b.parse::<Barrier>().ok())
                    .collect(),
                barriers_note: m.barriers_note,
                updated: m.updated_at.map(|at| (date_time(at), name(m.updated_by))),
            })
            .unwrap_or_default(),
        goals: goals
            .into_iter()
            .map(|g| GoalRow {
                id: g.id,
                version: g.version,
                text: g.text,
                status: g.status,
                added: iso_date(g.created_at),
            })
            .collect(),
        meetings: meetings
            .into_iter()
            .map(|m| MeetingRow {
                id: m.id,
                version: m.version,
                when: date_time(m.starts_at),
                when_iso: m.starts_at.to_rfc3339(),
                place: m.place,
                status: m.status,
                note: m.note,
                with: name(m.staff_id),
            })
            .collect(),
        held: u32::try_from(held).unwrap_or(u32::MAX),
        notes: notes
            .into_iter()
            .map(|n| NoteRow {
                at: date_time(n.at),
                author: name(n.author_id),
                text: n.text,
            })
            .collect(),
        tasks,
        assignees,
        me,
    })
}

/// The team's active staff who do case work: whom a task may be given to.
async fn case_workers(
    conn: &impl ConnectionTrait,
    team: TeamId,
) -> Result<Vec<(StaffId, String)>, AppError> {
    let rows = st::Entity::find()
        .filter(st::Column::TeamId.eq(team))
        .filter(st::Column::Active.eq(true))
        .order_by_asc(st::Column::Name)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|s| s.role.can(Permission::CaseWork))
        .map(|s| (s.id, s.name))
        .collect())
}

/// Applies one change of the daily work to the team's case `case`; `version` is the version of
/// what the change edits (the mapping, a goal, a meeting, a task, or the case for the planned
/// number of meetings) and is not looked at for additions.
pub async fn apply(
    db: &impl Db,
    who: &Proof<CaseWork>,
    case: CaseId,
    version: i32,
    change: CaseWorkChange,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team = who.team_id();
    let txn = write_txn(db).await?;
    let c = case_repo::find_case(&txn, team, case.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let (action, detail) = match change {
        CaseWorkChange::Mapping(edit) => {
            save_mapping(&txn, who, c.id, version, edit, now).await?;
            (Action::CaseMapping, None)
        }
        CaseWorkChange::AddGoal { text } => {
            let id = gl::Entity::insert(gl::ActiveModel {
                id: NotSet,
                team_id: Set(team.0),
                case_id: Set(c.id),
                text: Set(text),
                status: Set(GoalStatus::Active),
                created_at: Set(now),
                created_by: Set(Some(who.id().0)),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            (Action::GoalAdd, Some(format!("goal:{id}")))
        }
        CaseWorkChange::GoalStatus { goal, status } => {
            let res = gl::Entity::update_many()
                .col_expr(gl::Column::Status, Expr::value(status))
                .col_expr(gl::Column::UpdatedAt, Expr::value(now))
                .col_expr(gl::Column::Version, Expr::col(gl::Column::Version).add(1))
                .filter(gl::Column::Id.eq(goal))
                .filter(gl::Column::CaseId.eq(c.id))
                .filter(gl::Column::TeamId.eq(team.0))
                .filter(gl::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(stale_or_gone(&txn, gl::Entity, team, c.id, goal).await?);
            }
            (Action::GoalUpdate, Some(format!("goal:{goal}>{status}")))
        }
        CaseWorkChange::AddMeeting(m) => {
            let id = add_meeting(&txn, who, c.id, m, now).await?;
            (Action::MeetingAdd, Some(format!("meeting:{id}")))
        }
        CaseWorkChange::UpdateMeeting {
            meeting,
            status,
            note,
        } => {
            let res = mt::Entity::update_many()
                .col_expr(mt::Column::Status, Expr::value(status))
                .col_expr(mt::Column::Note, Expr::value(note))
                .col_expr(mt::Column::UpdatedAt, Expr::value(now))
                .col_expr(mt::Column::Version, Expr::col(mt::Column::Version).add(1))
                .filter(mt::Column::Id.eq(meeting))
                .filter(mt::Column::CaseId.eq(c.id))
                .filter(mt::Column::TeamId.eq(team.0))
                .filter(mt::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(stale_or_gone(&txn, mt::Entity, team, c.id, meeting).await?);
            }
            (
                Action::MeetingUpdate,
                Some(format!("meeting:{meeting}>{status}")),
            )
        }
        CaseWorkChange::Planned(n) => {
            let res = cs::Entity::update_many()
                .col_expr(cs::Column::PlannedMeetings, Expr::value(n))
                .col_expr(cs::Column::UpdatedAt, Expr::value(now))
                .col_expr(cs::Column::Version, Expr::col(cs::Column::Version).add(1))
                .filter(cs::Column::Id.eq(c.id))
                .filter(cs::Column::TeamId.eq(team.0))
                .filter(cs::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(AppError::Conflict);
            }
            (Action::CasePlan, Some(format!("planned:{n}")))
        }
        CaseWorkChange::AddNote { text } => {
            let id = nt::Entity::insert(nt::ActiveModel {
                id: NotSet,
                team_id: Set(team.0),
                case_id: Set(c.id),
                at: Set(now),
                author_id: Set(Some(who.id().0)),
                text: Set(text),
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            (Action::NoteAdd, Some(format!("note:{id}")))
        }
        CaseWorkChange::AddTask(t) => {
            let id = add_task(&txn, who, c.id, t, now).await?;
            (Action::TaskAdd, Some(format!("task:{id}")))
        }
        CaseWorkChange::TaskDone { task } => {
            let res = tk::Entity::update_many()
                .col_expr(tk::Column::DoneAt, Expr::value(now))
                .col_expr(tk::Column::DoneBy, Expr::value(who.id().0))
                .col_expr(tk::Column::Version, Expr::col(tk::Column::Version).add(1))
                .filter(tk::Column::Id.eq(task))
                .filter(tk::Column::CaseId.eq(c.id))
                .filter(tk::Column::TeamId.eq(team.0))
                .filter(tk::Column::Version.eq(version))
                .filter(tk::Column::DoneAt.is_null())
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(stale_or_gone(&txn, tk::Entity, team, c.id, task).await?);
            }
            (Action::TaskDone, Some(format!("task:{task}")))
        }
    };
    audit::record(
        &txn,
        Event {
            subject: Some(("case", c.id.to_string())),
            detail,
            ..who.event(action)
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Why a conditional UPDATE of an item of the case changed nothing: the item is the case's
/// but someone saved first (`Conflict`), or it is not on this case at all (a form error: a
/// forged or outdated item number changes nothing and says so).
async fn stale_or_gone<E>(
    conn: &impl ConnectionTrait,
    _entity: E,
    team: TeamId,
    case: i64,
    item: i64,
) -> Result<AppError, AppError>
where
    E: EntityTrait,
    E::Column: ItemColumns,
{
    let exists = E::find()
        .filter(E::Column::id().eq(item))
        .filter(E::Column::case_id().eq(case))
        .filter(E::Column::team_id().eq(team.0))
        .one(conn)
        .await?
        .is_some();
    Ok(if exists {
        AppError::Conflict
    } else {
        refused(FORM, K::cw_err_gone)
    })
}

/// The columns every item of a case has.
trait ItemColumns: ColumnTrait {
    fn id() -> Self;
    fn case_id() -> Self;
    fn team_id() -> Self;
}

macro_rules! item_columns {
    ($($m:ident),*) => {$(
        impl ItemColumns for $m::Column {
            fn id() -> Self { $m::Column::Id }
            fn case_id() -> Self { $m::Column::CaseId }
            fn team_id() -> Self { $m::Column::TeamId }
        }
    )*};
}
item_columns!(gl, mt, tk);

async fn save_mapping(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    case: i64,
    version: i32,
    edit: MappingEdit,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let barriers = edit
        .barriers
        .iter()
        .map(|b| b.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let res = mp::Entity::update_many()
        .col_expr(mp::Column::Interests, Expr::value(edit.interests))
        .col_expr(mp::Column::Wishes, Expr::value(edit.wishes))
        .col_expr(mp::Column::Needs, Expr::value(edit.needs))
        .col_expr(mp::Column::Barriers, Expr::value(barriers))
        .col_expr(mp::Column::BarriersNote, Expr::value(edit.barriers_note))
        .col_expr(mp::Column::UpdatedAt, Expr::value(now))
        .col_expr(mp::Column::UpdatedBy, Expr::value(who.id().0))
        .col_expr(mp::Column::Version, Expr::col(mp::Column::Version).add(1))
        .filter(mp::Column::CaseId.eq(case))
        .filter(mp::Column::TeamId.eq(who.team_id().0))
        .filter(mp::Column::Version.eq(version))
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// How far from today a new meeting may be booked: a typo in the year is caught, a meeting
/// noted afterwards (held last month) is still possible.
const BOOKING_WINDOW_DAYS: i64 = 366;

async fn add_meeting(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    case: i64,
    m: NewMeeting,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let Some(starts_at) = stockholm_instant(m.date, m.time) else {
        return Err(refused(field::MEETING_TIME, K::meeting_err_time));
    };
    if (starts_at - now).abs() > Duration::days(BOOKING_WINDOW_DAYS) {
        return Err(refused(field::MEETING_DATE, K::meeting_err_past));
    }
    let id = mt::Entity::insert(mt::ActiveModel {
        id: NotSet,
        team_id: Set(who.team_id().0),
        case_id: Set(case),
        staff_id: Set(Some(who.id().0)),
        starts_at: Set(starts_at),
        duration_minutes: Set(60),
        place: Set(m.place),
        status: Set(MeetingStatus::Planned),
        note: Set(String::new()),
        created_at: Set(now),
        created_by: Set(Some(who.id().0)),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    Ok(id)
}

async fn add_task(
    conn: &impl ConnectionTrait,
    who: &Proof<CaseWork>,
    case: i64,
    t: NewTask,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let due = NaiveDate::from_ymd_opt(t.due.0, t.due.1, t.due.2)
        .ok_or_else(|| refused(field::TASK_DUE, K::task_err_due))?;
    // Only someone in the team who does case work; a forged number is refused like a typo.
    if let Some(a) = t.assignee {
        let ok = case_workers(conn, who.team_id())
            .await?
            .iter()
            .any(|(id, _)| *id == a);
        if !ok {
            return Err(refused(field::TASK_ASSIGNEE, K::task_err_assignee));
        }
    }
    let id = tk::Entity::insert(tk::ActiveModel {
        id: NotSet,
        team_id: Set(who.team_id().0),
        case_id: Set(case),
        title: Set(t.title),
        due_date: Set(due),
        assignee_id: Set(t.assignee.map(|a| a.0)),
        done_at: Set(None),
        done_by: Set(None),
        created_at: Set(now),
        created_by: Set(Some(who.id().0)),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    Ok(id)
}
