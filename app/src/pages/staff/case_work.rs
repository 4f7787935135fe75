//! The daily work on the case page: "Vad är viktigt för dig?", goals, meetings (planned against
//! held), follow-up tasks and notes. Each form posts to the case page with its `action`, the
//! version of what it edits and, for one goal, meeting or task, its `item` number.
use crate::components::staff_form::{field_error, use_echo};
use crate::i18n::{fill, t, use_lang, K};
use crate::models::case::field::{ACTION, VERSION};
use crate::models::casework::{field, Barrier, CaseWorkView, GoalStatus, MeetingStatus, Place};
use leptos::prelude::*;

/// What was typed in the form `action` before a refused post, else `stored`.
fn typed(action: &str, name: &str, stored: &str) -> String {
    let echo = use_echo();
    if echo.values.get(ACTION) == action {
        echo.values.get(name).to_string()
    } else {
        stored.to_string()
    }
}

fn hidden(action: &'static str, version: i32) -> impl IntoView {
    view! {
        <input type="hidden" name=ACTION value=action/>
        <input type="hidden" name=VERSION value=version.to_string()/>
    }
}

fn textarea(
    name: &'static str,
    label: K,
    value: String,
    rows: u32,
    required: bool,
) -> impl IntoView {
    let id = format!("s-{name}");
    view! {
        <div class="field">
            <label class="label" for=id.clone()>{t(label)}</label>
            {field_error(name)}
            <textarea class="input" id=id name=name rows=rows.to_string() maxlength="4000" required=required>{value}</textarea>
        </div>
    }
}

/// The sections of the daily work; `action` is the case page's address, `case_version` the
/// case's (the planned number of meetings is the case's).
pub fn case_work_view(
    action: &str,
    case_version: i32,
    planned: i32,
    w: CaseWorkView,
) -> impl IntoView {
    let lang = use_lang();
    let m = w.mapping.clone();
    let echo = use_echo();
    let barrier_checked = |b: Barrier| {
        if echo.values.get(ACTION) == "mapping" {
            echo.values.has(field::BARRIERS, b.as_str())
        } else {
            m.barriers.contains(&b)
        }
    };
    let updated = m.updated.clone().map(|(when, by)| {
        fill(
            lang,
            K::cw_mapping_updated,
            &[("when", &when), ("by", &by.unwrap_or_default())],
        )
    });
    let me = w.me.to_string();
    view! {
        <section aria-labelledby="h-mapping">
            <h2 id="h-mapping">{t(K::cw_mapping_title)}</h2>
            <p class="hint">{t(K::cw_mapping_hint)}</p>
            {updated.map(|u| view! { <p>{u}</p> })}
            <form method="post" action=action.to_string() class="narrow">
                {hidden("mapping", m.version)}
                {textarea(field::INTERESTS, K::cw_interests, typed("mapping", field::INTERESTS, &m.interests), 3, false)}
                {textarea(field::WISHES, K::cw_wishes, typed("mapping", field::WISHES, &m.wishes), 3, false)}
                {textarea(field::NEEDS, K::cw_needs, typed("mapping", field::NEEDS, &m.needs), 3, false)}
                <fieldset class="field">
                    <legend class="label">{t(K::cw_barriers)}</legend>
                    {Barrier::ALL.into_iter().map(|b| {
                        let id = format!("s-barrier-{}", b.as_str());
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=field::BARRIERS value=b.as_str() checked=barrier_checked(b)/>
                                <label for=id>{t(b.label())}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                {textarea(field::BARRIERS_NOTE, K::cw_barriers_note, typed("mapping", field::BARRIERS_NOTE, &m.barriers_note), 3, false)}
                <button class="button" type="submit">{t(K::cw_mapping_save)}</button>
            </form>
        </section>
        <section aria-labelledby="h-goals">
            <h2 id="h-goals">{t(K::cw_goals_title)}</h2>
            {if w.goals.is_empty() {
                view! { <p>{t(K::cw_goals_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">{t(K::cw_goals_title)}</caption>
                        <thead><tr>
                            <th scope="col">{t(K::cw_col_goal)}</th>
                            <th scope="col">{t(K::cw_col_added)}</th>
                            <th scope="col">{t(K::cw_col_status)}</th>
                        </tr></thead>
                        <tbody>
                            {w.goals.iter().map(|g| {
                                let id = format!("s-goal-{}", g.id);
                                let label = fill(lang, K::cw_goal_status, &[("goal", &g.text)]);
                                view! {
                                    <tr>
                                        <td>{g.text.clone()}</td>
                                        <td class="nowrap">{g.added.clone()}</td>
                                        <td>
                                            <form method="post" action=action.to_string() class="inline-form">
                                                {hidden("goal_status", g.version)}
                                                <input type="hidden" name=field::ITEM value=g.id.to_string()/>
                                                <label class="visually-hidden" for=id.clone()>{label}</label>
                                                <select class="input" id=id name=field::GOAL_STATUS>
                                                    {GoalStatus::ALL.into_iter().map(|s| view! {
                                                        <option value=s.as_str() selected=s == g.status>{t(s.label())}</option>
                                                    }).collect_view()}
                                                </select>
                                                <button class="button-secondary" type="submit">{t(K::cw_goal_change)}</button>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=action.to_string() class="narrow">
                {hidden("goal_add", case_version)}
                {textarea(field::GOAL, K::cw_goal_new, typed("goal_add", field::GOAL, ""), 2, true)}
                <button class="button-secondary" type="submit">{t(K::cw_goal_add)}</button>
            </form>
        </section>
        <section aria-labelledby="h-meetings">
            <h2 id="h-meetings">{t(K::cw_meetings_title)}</h2>
            <p id="meetings-count">{fill(lang, K::cw_meetings_count, &[("held", &w.held.to_string()), ("planned", &planned.to_string())])}</p>
            {if w.meetings.is_empty() {
                view! { <p>{t(K::cw_meetings_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">{t(K::cw_meetings_title)}</caption>
                        <thead><tr>
                            <th scope="col">{t(K::cw_col_when)}</th>
                            <th scope="col">{t(K::cw_col_place)}</th>
                            <th scope="col">{t(K::cw_col_with)}</th>
                            <th scope="col">{t(K::cw_col_status_meeting)}</th>
                        </tr></thead>
                        <tbody>
                            {w.meetings.iter().map(|mt| {
                                let sid = format!("s-meeting-{}", mt.id);
                                let nid = format!("s-meeting-note-{}", mt.id);
                                let legend = fill(lang, K::cw_meeting_update, &[("when", &mt.when)]);
                                view! {
                                    <tr>
                                        <td class="nowrap"><time datetime=mt.when_iso.clone()>{mt.when.clone()}</time></td>
                                        <td>{t(mt.place.label())}</td>
                                        <td>{mt.with.clone().unwrap_or_default()}</td>
                                        <td>
                                            <form method="post" action=action.to_string()>
                                                <fieldset>
                                                    <legend class="visually-hidden">{legend}</legend>
                                                    {hidden("meeting_update", mt.version)}
                                                    <input type="hidden" name=field::ITEM value=mt.id.to_string()/>
                                                    <label class="label" for=sid.clone()>{t(K::cw_meeting_status)}</label>
                                                    <select class="input" id=sid name=field::MEETING_STATUS>
                                                        {MeetingStatus::ALL.into_iter().map(|s| view! {
                                                            <option value=s.as_str() selected=s == mt.status>{t(s.label())}</option>
                                                        }).collect_view()}
                                                    </select>
                                                    <label class="label" for=nid.clone()>{t(K::cw_meeting_note)}</label>
                                                    <input class="input" id=nid name=field::MEETING_NOTE type="text" maxlength="1000" value=mt.note.clone()/>
                                                    <button class="button-secondary" type="submit">{t(K::cw_meeting_save)}</button>
                                                </fieldset>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=action.to_string() class="narrow">
                <h3>{t(K::cw_meeting_new)}</h3>
                {hidden("meeting_add", case_version)}
                <div class="field">
                    <label class="label" for="s-meeting_date">{t(K::cw_meeting_date)}</label>
                    <p class="hint" id="s-meeting_date-hint">{t(K::cw_meeting_date_hint)}</p>
                    {field_error(field::MEETING_DATE)}
                    <input class="input" id="s-meeting_date" name=field::MEETING_DATE type="date" required=true aria-describedby="s-meeting_date-hint"
                        value=typed("meeting_add", field::MEETING_DATE, "")/>
                </div>
                <div class="field">
                    <label class="label" for="s-meeting_time">{t(K::cw_meeting_time)}</label>
                    <p class="hint" id="s-meeting_time-hint">{t(K::cw_meeting_time_hint)}</p>
                    {field_error(field::MEETING_TIME)}
                    <input class="input" id="s-meeting_time" name=field::MEETING_TIME type="time" required=true aria-describedby="s-meeting_time-hint"
                        value=typed("meeting_add", field::MEETING_TIME, "")/>
                </div>
                <div class="field">
                    <label class="label" for="s-place">{t(K::cw_meeting_place)}</label>
                    {field_error(field::PLACE)}
                    <select class="input" id="s-place" name=field::PLACE required=true>
                        <option value="">{t(K::case_not_given)}</option>
                        {Place::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=typed("meeting_add", field::PLACE, "") == p.as_str()>{t(p.label())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button class="button-secondary" type="submit">{t(K::cw_meeting_book)}</button>
            </form>
            <form method="post" action=action.to_string() class="narrow">
                {hidden("planned", case_version)}
                <div class="field">
                    <label class="label" for="s-planned">{t(K::cw_planned_label)}</label>
                    <p class="hint" id="s-planned-hint">{t(K::cw_planned_hint)}</p>
                    {field_error(field::PLANNED)}
                    <input class="input input-short" id="s-planned" name=field::PLANNED type="number" min="1" max="50" required=true
                        aria-describedby="s-planned-hint" value=typed("planned", field::PLANNED, &planned.to_string())/>
                </div>
                <button class="button-secondary" type="submit">{t(K::cw_planned_save)}</button>
            </form>
        </section>
        <section aria-labelledby="h-tasks">
            <h2 id="h-tasks">{t(K::cw_tasks_title)}</h2>
            {if w.tasks.is_empty() {
                view! { <p>{t(K::cw_tasks_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">{t(K::cw_tasks_title)}</caption>
                        <thead><tr>
                            <th scope="col">{t(K::cw_col_task)}</th>
                            <th scope="col">{t(K::cw_col_due)}</th>
                            <th scope="col">{t(K::cw_col_assignee)}</th>
                            <th scope="col">{t(K::cw_col_status)}</th>
                        </tr></thead>
                        <tbody>
                            {w.tasks.iter().map(|tk| {
                                let label = fill(lang, K::cw_task_mark_done, &[("task", &tk.title)]);
                                let status = match &tk.done {
                                    Some(when) => view! { <span>{fill(lang, K::cw_task_done_at, &[("when", when)])}</span> }.into_any(),
                                    None => view! {
                                        <form method="post" action=action.to_string()>
                                            {hidden("task_done", tk.version)}
                                            <input type="hidden" name=field::ITEM value=tk.id.to_string()/>
                                            <button class="button-secondary" type="submit" aria-label=label>{t(K::cw_task_done_button)}</button>
                                        </form>
                                    }.into_any(),
                                };
                                view! {
                                    <tr class:overdue=tk.overdue>
                                        <td>{tk.title.clone()}</td>
                                        <td class="nowrap">
                                            {tk.due.clone()}
                                            {tk.overdue.then(|| view! { " "<span class="badge badge-overdue">{t(K::cw_task_overdue)}</span> })}
                                        </td>
                                        <td>{tk.assignee.clone().unwrap_or_default()}</td>
                                        <td>{status}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=action.to_string() class="narrow">
                <h3>{t(K::cw_task_new)}</h3>
                {hidden("task_add", case_version)}
                <div class="field">
                    <label class="label" for="s-task_title">{t(K::cw_task_title)}</label>
                    {field_error(field::TASK_TITLE)}
                    <input class="input" id="s-task_title" name=field::TASK_TITLE type="text" maxlength="300" required=true
                        value=typed("task_add", field::TASK_TITLE, "")/>
                </div>
                <div class="field">
                    <label class="label" for="s-task_due">{t(K::cw_task_due)}</label>
                    {field_error(field::TASK_DUE)}
                    <input class="input" id="s-task_due" name=field::TASK_DUE type="date" required=true
                        value=typed("task_add", field::TASK_DUE, "")/>
                </div>
                <div class="field">
                    <label class="label" for="s-task_assignee">{t(K::cw_task_assignee)}</label>
                    {field_error(field::TASK_ASSIGNEE)}
                    <select class="input" id="s-task_assignee" name=field::TASK_ASSIGNEE>
                        <option value="">{t(K::cw_nobody)}</option>
                        {w.assignees.iter().map(|(id, name)| {
                            let id = id.to_string();
                            let chosen = typed("task_add", field::TASK_ASSIGNEE, &me) == id;
                            view! { <option value=id selected=chosen>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button class="button-secondary" type="submit">{t(K::cw_task_add)}</button>
            </form>
        </section>
        <section aria-labelledby="h-notes">
            <h2 id="h-notes">{t(K::cw_notes_title)}</h2>
            <p class="hint">{t(K::cw_notes_hint)}</p>
            <form method="post" action=action.to_string() class="narrow">
                {hidden("note_add", case_version)}
                {textarea(field::NOTE, K::cw_note_new, typed("note_add", field::NOTE, ""), 4, true)}
                <button class="button-secondary" type="submit">{t(K::cw_note_add)}</button>
            </form>
            {if w.notes.is_empty() {
                view! { <p>{t(K::cw_notes_none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="notes">
                        {w.notes.iter().map(|n| view! {
                            <li>
                                <p class="note-meta">{fill(lang, K::cw_note_by, &[("when", &n.at), ("by", &n.author.clone().unwrap_or_default())])}</p>
                                <p class="note-text">{n.text.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
