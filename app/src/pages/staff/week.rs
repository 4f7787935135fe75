//! `/lots/vecka`: my week — my meetings of one ISO week, day by day, my follow-ups due by its
//! end, links to the weeks before and after (`?vecka=2026-W49`), and my private calendar link.
//! Links and one plain form post, so it all works without JavaScript.
use super::shell::page_with;
use crate::api::week::get_week;
use crate::components::staff_form::use_echo;
use crate::i18n::{fill, month_name, t, use_lang, K};
use crate::models::staff::Permission;
use crate::models::week::{IsoWeek, WeekDay, PARAM};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const WEEKDAYS: [K; 7] = [
    K::weekday_1,
    K::weekday_2,
    K::weekday_3,
    K::weekday_4,
    K::weekday_5,
    K::weekday_6,
    K::weekday_7,
];

#[component]
pub fn WeekPage() -> impl IntoView {
    let query = use_query_map();
    // A new calendar link, shown this once after the post that made it.
    let new_link = use_echo().secret;
    let week = move || query.read().get(PARAM).and_then(|v| IsoWeek::parse(&v));
    page_with(
        |m| m.role.can(Permission::CaseWork),
        week,
        get_week,
        move |_, w| {
            let lang = use_lang();
            let heading = fill(
                lang,
                K::week_heading,
                &[
                    ("week", &w.week.week.to_string()),
                    ("year", &w.week.year.to_string()),
                ],
            );
            view! {
                <Title text=t(K::week_title)/>
                <h1>{t(K::week_title)}" "<span class="subtitle">{heading}</span></h1>
                <nav class="pager" aria-label=t(K::week_nav)>
                    <a href=w.prev.href() rel="prev">{t(K::week_prev)}</a>
                    " "
                    <a href="/lots/vecka" aria-current=w.current.then_some("page")>{t(K::week_this)}</a>
                    " "
                    <a href=w.next.href() rel="next">{t(K::week_next)}</a>
                </nav>
                {new_link.clone().map(|url| view! {
                    <div class="notice" role="status">
                        <h2>{t(K::week_feed_new)}</h2>
                        <p>{t(K::week_feed_copy)}</p>
                        <p>{t(K::week_feed_warning)}</p>
                        <div class="field">
                            <label class="label" for="kalenderlank">{t(K::week_feed_label)}</label>
                            <input class="input" id="kalenderlank" type="url" readonly=true dir="ltr" value=url/>
                        </div>
                    </div>
                })}
                <h2>{t(K::week_meetings)}</h2>
                {w.days.into_iter().map(day).collect_view()}
                <h2 id="uppfoljning">{t(K::week_tasks)}</h2>
                <p>{t(K::week_tasks_intro)}</p>
                {if w.tasks.is_empty() {
                    view! { <p>{t(K::week_no_tasks)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table week-tasks" aria-labelledby="uppfoljning">
                            <thead><tr>
                                <th scope="col">{t(K::cw_col_task)}</th>
                                <th scope="col">{t(K::week_col_participant)}</th>
                                <th scope="col">{t(K::cw_col_due)}</th>
                            </tr></thead>
                            <tbody>
                                {w.tasks.into_iter().map(|task| view! {
                                    <tr class:overdue=task.overdue>
                                        <td>{task.title}</td>
                                        <td><a href=format!("/lots/deltagare/{}", task.case_id)>{task.first_name}</a></td>
                                        <td class="nowrap">
                                            <span dir="ltr">{task.due}</span>
                                            {task.overdue.then(|| view! { " "<strong class="badge badge-overdue">{t(K::cw_task_overdue)}</strong> })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <h2>{t(K::week_feed_title)}</h2>
                <p>{t(K::week_feed_text)}</p>
                <p>{t(K::week_feed_warning)}</p>
                <p>{match &w.feed_since {
                    Some(date) => fill(lang, K::week_feed_since, &[("date", date)]),
                    None => t(K::week_feed_none).to_string(),
                }}</p>
                <form method="post" action="/lots/vecka">
                    <button class="button" type="submit">
                        {t(if w.feed_since.is_some() { K::week_feed_renew } else { K::week_feed_create })}
                    </button>
                </form>
            }
            .into_any()
        },
    )
}

/// One day: its heading ("måndag 30 november") and its meetings in a table, or "no meetings".
fn day(d: WeekDay) -> impl IntoView {
    let lang = use_lang();
    let weekday = WEEKDAYS
        .get(d.weekday.saturating_sub(1) as usize)
        .map(|k| t(*k))
        .unwrap_or_default();
    let name = fill(
        lang,
        K::week_day,
        &[
            ("weekday", weekday),
            ("day", &d.day.to_string()),
            ("month", month_name(lang, d.month)),
        ],
    );
    let id = format!("dag-{}", d.date);
    view! {
        <h3 id=id.clone()>
            <time datetime=d.date>{name}</time>
            {d.today.then(|| view! { " "<span class="badge">{t(K::week_today)}</span> })}
        </h3>
        {if d.meetings.is_empty() {
            view! { <p class="week-empty">{t(K::week_no_meetings)}</p> }.into_any()
        } else {
            view! {
                <table class="table week-day" aria-labelledby=id>
                    <thead><tr>
                        <th scope="col">{t(K::week_col_time)}</th>
                        <th scope="col">{t(K::week_col_participant)}</th>
                        <th scope="col">{t(K::week_col_place)}</th>
                        <th scope="col">{t(K::week_col_status)}</th>
                    </tr></thead>
                    <tbody>
                        {d.meetings.into_iter().map(|m| view! {
                            <tr>
                                <td class="nowrap">
                                    <time datetime=m.starts_at>{fill(lang, K::week_time, &[("from", &m.time), ("to", &m.ends)])}</time>
                                </td>
                                <td><a href=format!("/lots/deltagare/{}", m.case_id)>{m.first_name}</a></td>
                                <td>{t(m.place.label())}</td>
                                <td><span class="badge">{t(m.status.label())}</span></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
