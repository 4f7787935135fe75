//! The audit log page: the caller's team's entries, newest first, filtered. Reading the log is
//! itself recorded.
use crate::error::AppError;
use crate::models::audit::{parse_date, Action, AuditFilter, AuditPage, AuditRow, PAGE_SIZE};
use crate::models::ids::StaffId;
use crate::ssr::auth::proof::{Proof, ReadAudit};
use crate::ssr::infra::db::{write_txn, Db};
use crate::ssr::infra::time::{stockholm_day_start, table_date_time};
use crate::ssr::repo::audit;
use crate::ssr::repo::entities::{audit_log, staff};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The caller's team's log, newest first, filtered as `f` says (reading it is recorded too).
pub async fn list(
    db: &impl Db,
    who: &Proof<ReadAudit>,
    f: AuditFilter,
) -> Result<AuditPage, AppError> {
    let day = |s: &Option<String>, next: bool| {
        s.as_deref()
            .and_then(parse_date)
            .and_then(|(y, m, d)| stockholm_day_start(y, m, d, next))
    };
    let mut cond = Condition::all().add(audit_log::Column::TeamId.eq(who.team_id()));
    // Both ends are whole Stockholm days: from the first day's start to the day after the last.
    if let Some(from) = day(&f.from, false) {
        cond = cond.add(audit_log::Column::At.gte(from));
    }
    if let Some(to) = day(&f.to, true) {
        cond = cond.add(audit_log::Column::At.lt(to));
    }
    if let Some(id) = f.staff {
        cond = cond.add(audit_log::Column::ActorStaffId.eq(id));
    }
    if let Some(a) = f.action.as_deref().and_then(|a| a.parse::<Action>().ok()) {
        cond = cond.add(audit_log::Column::Action.eq(a));
    }
    if let Some((kind, id)) = f.subject.as_deref().and_then(|s| s.trim().split_once(':')) {
        cond = cond
            .add(audit_log::Column::SubjectType.eq(kind.trim()))
            .add(audit_log::Column::SubjectId.eq(id.trim()));
    }
    let txn = write_txn(db).await?;
    audit::record(&txn, who.event(Action::AuditRead)).await?;
    let query = audit_log::Entity::find().filter(cond);
    let total = query.clone().count(&txn).await?;
    let entries = query
        .order_by_desc(audit_log::Column::Seq)
        .limit(PAGE_SIZE)
        .all(&txn)
        .await?;
    let staff: Vec<(StaffId, String)> = staff::Entity::find()
        .filter(staff::Column::TeamId.eq(who.team_id()))
        .order_by_asc(staff::Column::Name)
        .select_only()
        .columns([staff::Column::Id, staff::Column::Name])
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    let names: HashMap<StaffId, &str> = staff.iter().map(|(id, n)| (*id, n.as_str())).collect();
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: table_date_time(e.at),
            actor: e.actor_staff_id.map(|id| {
                names
                    .get(&id)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| format!("#{id}"))
            }),
            action: e.action,
            subject: e
                .subject_type
                .zip(e.subject_id)
                .map(|(t, i)| format!("{t}:{i}")),
            client: e.client,
        })
        .collect();
    Ok(AuditPage { rows, total, staff })
}
