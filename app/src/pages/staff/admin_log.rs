//! `/lots/admin/logg`: the audit log, newest first, filtered by staff member, record, action and
//! dates. The filter is a GET form, so a filtered view has its own address.
use super::admin_staff::AdminNav;
use super::shell::page_with;
use crate::api::staff::list_audit;
use crate::i18n::{fill_count, t, use_lang, K};
use crate::models::audit::{Action, AuditFilter};
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The words for an action: every action has its own (adding one does not compile until it does).
pub fn action_label(action: Action) -> K {
    match action {
        Action::Login => K::act_login,
        Action::LoginFailed => K::act_login_failed,
        Action::Logout => K::act_logout,
        Action::PasswordChange => K::act_password_change,
        Action::StaffRead => K::act_staff_read,
        Action::StaffCreate => K::act_staff_create,
        Action::StaffRole => K::act_staff_role,
        Action::StaffDeactivate => K::act_staff_deactivate,
        Action::StaffActivate => K::act_staff_activate,
        Action::StaffPasswordReset => K::act_staff_password_reset,
        Action::TeamUpdate => K::act_team_update,
        Action::TeamCreate => K::act_team_create,
        Action::AuditRead => K::act_audit_read,
        Action::ContactRequestCreate => K::act_contact_request_create,
        Action::TwoFactorEnable => K::act_two_factor_enable,
        Action::TwoFactorDisable => K::act_two_factor_disable,
        Action::StaffTwoFactorReset => K::act_staff_two_factor_reset,
        Action::AuditKeyed => K::act_audit_keyed,
        Action::LoginLocked => K::act_login_locked,
        Action::StaffLoginUnlock => K::act_staff_login_unlock,
        Action::PasswordChangeFailed => K::act_password_change_failed,
        Action::TwoFactorDisableFailed => K::act_two_factor_disable_failed,
        Action::InboxRead => K::act_inbox_read,
        Action::CaseCreate => K::act_case_create,
        Action::ContactRequestDuplicate => K::act_contact_request_duplicate,
        Action::CaseRead => K::act_case_read,
        Action::CaseStage => K::act_case_stage,
        Action::ParticipantUpdate => K::act_participant_update,
        Action::CaseloadRead => K::act_caseload_read,
        Action::ContactRequestRead => K::act_request_read,
        Action::ContactRequestUpdate => K::act_request_update,
        Action::ContactRequestErase => K::act_request_erase,
        Action::CaseMapping => K::act_case_mapping,
        Action::CasePlan => K::act_case_plan,
        Action::GoalAdd => K::act_goal_add,
        Action::GoalUpdate => K::act_goal_update,
        Action::MeetingAdd => K::act_meeting_add,
        Action::MeetingUpdate => K::act_meeting_update,
        Action::NoteAdd => K::act_note_add,
        Action::TaskAdd => K::act_task_add,
        Action::TaskDone => K::act_task_done,
        Action::WeekRead => K::act_week_read,
        Action::CalendarFeedRenew => K::act_calendar_renew,
        Action::CalendarFeedRead => K::act_calendar_read,
    }
}

#[component]
pub fn AdminLogPage() -> impl IntoView {
    {
        let query = use_query_map();
        let lang = use_lang();
        let filter = move || {
            let q = query.read();
            let text = |k: &str| {
                q.get(k)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            AuditFilter {
                staff: text("vem").and_then(|v| v.parse().ok()),
                action: text("handelse"),
                subject: text("post"),
                from: text("fran"),
                to: text("till"),
            }
        };
        page_with(
            |m| m.role.can(Permission::ReadAudit),
            filter,
            list_audit,
            move |_, p| {
                let f = filter();
                view! {
                            <Title text=t(K::admin_log_title)/>
                            <h1>{t(K::admin_log_title)}</h1>
                            <AdminNav/>
                            <form method="get" action="/lots/admin/logg" class="filters">
                                <div class="field">
                                    <label class="label" for="f-vem">{t(K::log_staff)}</label>
                                    <select class="input" id="f-vem" name="vem">
                                        <option value="">{t(K::log_any)}</option>
                                        {p.staff.iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=f.staff == Some(*id)>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label class="label" for="f-handelse">{t(K::log_action)}</label>
                                    <select class="input" id="f-handelse" name="handelse">
                                        <option value="">{t(K::log_any)}</option>
                                        {Action::ALL.into_iter().map(|a| view! {
                                            <option value=a.as_str() selected=f.action.as_deref() == Some(a.as_str())>{t(action_label(a))}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label class="label" for="f-post">{t(K::log_subject)}</label>
                                    <p class="hint" id="f-post-hint">{t(K::log_subject_hint)}</p>
                                    <input class="input" id="f-post" name="post" type="text" dir="ltr" aria-describedby="f-post-hint" value=f.subject.clone().unwrap_or_default()/>
                                </div>
                                <div class="field">
                                    <label class="label" for="f-fran">{t(K::log_from)}</label>
                                    <input class="input" id="f-fran" name="fran" type="date" value=f.from.clone().unwrap_or_default()/>
                                </div>
                                <div class="field">
                                    <label class="label" for="f-till">{t(K::log_to)}</label>
                                    <input class="input" id="f-till" name="till" type="date" value=f.to.clone().unwrap_or_default()/>
                                </div>
                                <button class="button" type="submit">{t(K::log_filter)}</button>
                            </form>
                            <p role="status">{fill_count(lang, K::log_count, p.total, &[("shown", &p.rows.len().to_string()), ("total", &p.total.to_string())])}</p>
                            <table class="table">
                                <caption class="visually-hidden">{t(K::admin_log_title)}</caption>
                                <thead><tr>
                                    <th scope="col">{t(K::log_seq)}</th>
                                    <th scope="col">{t(K::log_time)}</th>
                                    <th scope="col">{t(K::log_staff)}</th>
                                    <th scope="col">{t(K::log_action)}</th>
                                    <th scope="col">{t(K::log_subject)}</th>
                                    <th scope="col">{t(K::log_client)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td dir="ltr">{r.seq}</td>
                                            <td class="nowrap" dir="ltr">{r.at}</td>
                                            <td>{r.actor.unwrap_or_else(|| "–".into())}</td>
                                            <td>{t(action_label(r.action))}</td>
                                            <td dir="ltr">{r.subject.unwrap_or_default()}</td>
                                            <td dir="ltr">{r.client.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
            },
        )
    }
}
