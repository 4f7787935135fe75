//! `/lots/inkorg`: the team's contact requests, newest first, 50 to a page. The filter is a GET
//! form and the pages are links with a cursor (`före=`), so every view has its own address and it
//! all works without JavaScript.
use super::shell::page_with;
use crate::api::inbox::list_inbox;
use crate::i18n::{fill, fill_count, t, use_lang, K};
use crate::models::contact::Channel;
use crate::models::inbox::{channel_label, param, Age, InboxFilter, RequestStatus, Sender};
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InboxPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let erased = query.read_untracked().get("raderad").is_some();
    let filter = move || {
        let q = query.read();
        let text = |k: &str| {
            q.get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        InboxFilter {
            channel: text(param::CHANNEL),
            status: text(param::STATUS),
            search: text(param::SEARCH),
            before: text(param::BEFORE),
        }
    };
    page_with(
        |m| m.role.can(Permission::CaseWork),
        filter,
        list_inbox,
        move |_, p| {
            let f = filter();
            let older = p.next.as_deref().map(|n| f.href(Some(n)));
            let first = f.before.is_some().then(|| f.href(None));
            let empty = p.rows.is_empty();
            view! {
                <Title text=t(K::inbox_title)/>
                <h1>{t(K::inbox_title)}</h1>
                {erased.then(|| view! { <p class="notice" role="status">{t(K::req_erased)}</p> })}
                <p>{fill_count(lang, K::inbox_promise, u64::from(p.first_contact_days), &[])}</p>
                <form method="get" action="/lots/inkorg" class="filters" role="search" aria-label=t(K::inbox_filter_title)>
                    <div class="field">
                        <label class="label" for="f-sok">{t(K::inbox_search)}</label>
                        <p class="hint" id="f-sok-hint">{t(K::inbox_search_hint)}</p>
                        <input class="input" id="f-sok" name=param::SEARCH type="search" aria-describedby="f-sok-hint" value=f.search.clone().unwrap_or_default()/>
                    </div>
                    <div class="field">
                        <label class="label" for="f-kanal">{t(K::inbox_col_channel)}</label>
                        <select class="input" id="f-kanal" name=param::CHANNEL>
                            <option value="">{t(K::inbox_any)}</option>
                            {Channel::ALL.into_iter().map(|c| view! {
                                <option value=c.as_str() selected=f.channel.as_deref() == Some(c.as_str())>{t(channel_label(c))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="label" for="f-status">{t(K::inbox_col_status)}</label>
                        <select class="input" id="f-status" name=param::STATUS>
                            <option value="">{t(K::inbox_any)}</option>
                            {RequestStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=f.status.as_deref() == Some(s.as_str())>{t(s.label())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="filter-actions">
                        <button class="button" type="submit">{t(K::inbox_filter_button)}</button>
                        <a href="/lots/inkorg">{t(K::inbox_clear)}</a>
                    </div>
                </form>
                {if empty {
                    view! { <p role="status">{t(K::inbox_empty)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table inbox">
                            <caption>{t(K::inbox_caption)}</caption>
                            <thead><tr>
                                <th scope="col">{t(K::inbox_col_received)}</th>
                                <th scope="col">{t(K::inbox_col_name)}</th>
                                <th scope="col">{t(K::inbox_col_channel)}</th>
                                <th scope="col">{t(K::inbox_col_sender)}</th>
                                <th scope="col">{t(K::inbox_col_code)}</th>
                                <th scope="col">{t(K::inbox_col_status)}</th>
                                <th scope="col">{t(K::inbox_col_due)}</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| {
                                    let age = match r.age {
                                        Age::Today(time) => fill(lang, K::inbox_today, &[("time", &time)]),
                                        Age::Yesterday(time) => fill(lang, K::inbox_yesterday, &[("time", &time)]),
                                        Age::DaysAgo(n) => fill_count(lang, K::inbox_days_ago, n, &[]),
                                        Age::On(date) => date,
                                    };
                                    let sender = match r.sender {
                                        Sender::Themself => t(K::inbox_sender_self).to_string(),
                                        Sender::Friend => t(K::inbox_sender_friend).to_string(),
                                        Sender::Professional(None) => t(K::inbox_sender_professional).to_string(),
                                        Sender::Professional(Some(org)) => fill(lang, K::inbox_sender_professional_org, &[("org", &org)]),
                                    };
                                    view! {
                                        <tr class:overdue=r.overdue>
                                            <td class="nowrap">
                                                <time datetime=r.received.clone()>{age}</time>
                                            </td>
                                            <td><a href=format!("/lots/inkorg/{}", r.id)>{r.first_name}</a></td>
                                            <td>{t(channel_label(r.channel))}</td>
                                            <td>{sender}</td>
                                            <td class="nowrap"><bdi dir="ltr" class="code">{r.code}</bdi></td>
                                            <td>
                                                {r.status.map(|s| view! { <span class="badge">{t(s.label())}</span> })}
                                            </td>
                                            <td class="nowrap">
                                                <span dir="ltr">{r.due.unwrap_or_default()}</span>
                                                {r.overdue.then(|| view! { " "<strong class="badge badge-overdue">{t(K::inbox_overdue)}</strong> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                {(older.is_some() || first.is_some()).then(|| view! {
                    <nav class="pager" aria-label=t(K::inbox_caption)>
                        {first.map(|h| view! { <a href=h>{t(K::inbox_first_page)}</a> })}
                        {older.map(|h| view! { <a href=h rel="next">{t(K::inbox_older)}</a> })}
                    </nav>
                })}
            }
            .into_any()
        },
    )
}
