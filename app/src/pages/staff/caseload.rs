//! `/lots/deltagare`: the caseload — my cases or the team's, the counts by step, and a table of
//! cases (first name, step, since when, last meeting held, next meeting, overdue follow-ups),
//! sorted by step, age or next meeting, optionally only those with overdue follow-ups, 50 to a
//! page. All links, so every view has its own address and it works without JavaScript.
use super::shell::page_with;
use crate::api::cases::list_caseload;
use crate::i18n::{fill, t, use_lang, K};
use crate::models::case::{CaseloadFilter, Scope, Sort, PAGE_SIZE};
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let filter = move || {
        let q = query.read();
        CaseloadFilter::from_query(|k| q.get(k))
    };
    page_with(
        |m| m.role.can(Permission::CaseWork),
        filter,
        list_caseload,
        move |_, p| {
            let f = filter();
            let pages = p.total.div_ceil(PAGE_SIZE).max(1);
            let current = |yes: bool| yes.then_some("page");
            let prev = (f.page > 1).then(|| f.href(|g| g.page -= 1));
            let next = (f.page < pages).then(|| f.href(|g| g.page += 1));
            view! {
                <Title text=t(K::caseload_title)/>
                <h1>{t(K::caseload_title)}</h1>
                <nav class="filters" aria-label=t(K::caseload_whose)>
                    <a href=f.href(|g| { g.scope = Scope::Mine; g.page = 1; }) aria-current=current(f.scope == Scope::Mine)>{t(K::caseload_mine)}</a>
                    " "
                    <a href=f.href(|g| { g.scope = Scope::Team; g.page = 1; }) aria-current=current(f.scope == Scope::Team)>{t(K::caseload_team)}</a>
                </nav>
                <h2>{t(K::caseload_counts)}</h2>
                <ul class="counts">
                    <li>
                        <a href=f.href(|g| { g.stage = None; g.page = 1; }) aria-current=current(f.stage.is_none())>{t(K::caseload_open)}</a>
                    </li>
                    {p.counts.iter().map(|(s, n)| {
                        let s = *s;
                        view! {
                            <li>
                                <a href=f.href(|g| { g.stage = Some(s); g.page = 1; }) aria-current=current(f.stage == Some(s))>
                                    {t(s.label())}": "<span class="count" data-stage=s.as_str()>{*n}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="sort">
                    <a href=f.href(|g| { g.sort = Sort::Stage; g.page = 1; }) aria-current=current(f.sort == Sort::Stage)>{t(K::caseload_sort_stage)}</a>
                    " "
                    <a href=f.href(|g| { g.sort = Sort::Age; g.page = 1; }) aria-current=current(f.sort == Sort::Age)>{t(K::caseload_sort_age)}</a>
                    " "
                    <a href=f.href(|g| { g.sort = Sort::NextMeeting; g.page = 1; }) aria-current=current(f.sort == Sort::NextMeeting)>{t(K::caseload_sort_next)}</a>
                </p>
                <nav class="filters" aria-label=t(K::caseload_filters)>
                    <a href=f.href(|g| { g.overdue_only = false; g.page = 1; }) aria-current=current(!f.overdue_only)>{t(K::caseload_filter_all)}</a>
                    " "
                    <a href=f.href(|g| { g.overdue_only = true; g.page = 1; }) aria-current=current(f.overdue_only)>{t(K::caseload_filter_overdue)}</a>
                </nav>
                {if p.rows.is_empty() {
                    view! { <p role="status">{t(K::caseload_empty)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table caseload">
                            <caption>{t(K::caseload_caption)}</caption>
                            <thead><tr>
                                <th scope="col">{t(K::caseload_col_name)}</th>
                                <th scope="col">{t(K::caseload_col_stage)}</th>
                                <th scope="col">{t(K::caseload_col_since)}</th>
                                <th scope="col">{t(K::caseload_col_last)}</th>
                                <th scope="col">{t(K::caseload_col_next)}</th>
                                <th scope="col">{t(K::caseload_col_overdue)}</th>
                                <th scope="col">{t(K::caseload_col_navigator)}</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td><a href=format!("/lots/deltagare/{}", r.id)>{r.first_name}</a></td>
                                        <td><span class="badge">{t(r.stage.label())}</span></td>
                                        <td class="nowrap">{r.since}</td>
                                        <td class="nowrap">{r.last_contact.unwrap_or_default()}</td>
                                        <td class="nowrap">{r.next_meeting.unwrap_or_default()}</td>
                                        <td>
                                            {(r.overdue > 0).then(|| view! { <strong class="badge badge-overdue" data-overdue=r.overdue>{r.overdue}</strong> })}
                                        </td>
                                        <td>{r.navigator.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                {(pages > 1).then(|| view! {
                    <nav class="pager" aria-label=t(K::caseload_caption)>
                        {prev.map(|h| view! { <a href=h rel="prev">{t(K::caseload_prev)}</a> })}
                        " "{fill(lang, K::caseload_page, &[("page", &f.page.to_string()), ("pages", &pages.to_string())])}" "
                        {next.map(|h| view! { <a href=h rel="next">{t(K::caseload_next)}</a> })}
                    </nav>
                })}
            }
            .into_any()
        },
    )
}
