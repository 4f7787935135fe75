//! `/lots/inkorg/{id}`: one contact request — its details, its history (newest first) and the
//! actions, each a plain form post carrying the version it was shown at. A friend's request
//! first asks whether the person themself wants contact; until then it cannot be accepted.
use super::shell::page_with;
use crate::api::inbox::get_request;
use crate::components::staff_form::StaffErrors;
use crate::i18n::{t, K};
use crate::models::contact::Channel;
use crate::models::inbox::channel_label;
use crate::models::request::{
    choice_label, event_label, field, RequestView, DECLINE_REASONS, OUTCOMES,
};
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let saved = query.read_untracked().get("sparat").is_some();
    // Accepting or marking as a duplicate (their own posts) answer a stale version with
    // `?konflikt=1`: the same message as the actions here.
    let conflict = query.read_untracked().get("konflikt").is_some();
    page_with(
        |m| m.role.can(Permission::CaseWork),
        move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()),
        |id| async move {
            match id {
                Some(id) => get_request(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
        move |_, r| {
            view! {
                <p><a href="/lots/inkorg">{t(K::req_back)}</a></p>
                <Title text=t(K::req_title)/>
                <h1>{t(K::req_title)}" "<bdi dir="ltr" class="code">{r.code.clone()}</bdi></h1>
                {saved.then(|| view! { <p class="notice" role="status">{t(K::req_saved)}</p> })}
                {conflict.then(|| view! { <p class="error-summary" role="alert">{t(K::req_stale)}</p> })}
                <StaffErrors/>
                <Details r=r.clone()/>
                <Actions r=r.clone()/>
                <History r=r/>
            }
            .into_any()
        },
    )
}

fn dd_opt(v: Option<String>) -> impl IntoView {
    view! { <dd dir="auto">{v.unwrap_or_else(|| "–".into())}</dd> }
}

#[component]
fn Details(r: RequestView) -> impl IntoView {
    let friend = r.channel == Channel::Friend;
    let status = r.status.map(|s| t(s.label())).unwrap_or("–");
    view! {
        <h2>{t(K::req_details)}</h2>
        <dl class="facts">
            <dt>{t(K::inbox_col_channel)}</dt><dd>{t(channel_label(r.channel))}</dd>
            <dt>{t(K::inbox_col_status)}</dt><dd><span class="badge">{status}</span></dd>
            <dt>{t(K::req_received)}</dt><dd dir="ltr">{r.received.clone()}</dd>
            <dt>{t(K::req_due)}</dt>
            <dd>
                <span dir="ltr">{r.due.clone().unwrap_or_default()}</span>
                {r.overdue.then(|| view! { " "<strong class="badge badge-overdue">{t(K::inbox_overdue)}</strong> })}
            </dd>
            <dt>{t(K::req_name)}</dt><dd>{r.person_name.clone()}</dd>
            <dt>{t(K::req_phone)}</dt><dd dir="ltr">{r.person_phone.clone().unwrap_or_else(|| "–".into())}</dd>
            <dt>{t(K::req_email)}</dt><dd dir="ltr">{r.person_email.clone().unwrap_or_else(|| "–".into())}</dd>
            {(!r.call_times.is_empty()).then(|| view! { <dt>{t(K::req_call_times)}</dt><dd>{r.call_times.clone()}</dd> })}
            {(!r.interests.is_empty()).then(|| view! { <dt>{t(K::req_interests)}</dt><dd>{r.interests.clone()}</dd> })}
            {(!r.reasons.is_empty()).then(|| view! { <dt>{t(K::req_reasons)}</dt><dd>{r.reasons.clone()}</dd> })}
            {r.sender_name.clone().map(|n| view! {
                <dt>{t(K::req_sender)}</dt><dd>{n}</dd>
                <dt>{t(K::req_phone)}</dt><dd dir="ltr">{r.sender_phone.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>{t(K::req_email)}</dt><dd dir="ltr">{r.sender_email.clone().unwrap_or_else(|| "–".into())}</dd>
            })}
            {r.relation.clone().map(|v| view! { <dt>{t(K::req_relation)}</dt>{dd_opt(Some(v))} })}
            {r.organisation.clone().map(|v| view! { <dt>{t(K::req_org)}</dt>{dd_opt(Some(v))} })}
            {r.help_text.clone().or(r.message.clone()).map(|v| view! { <dt>{t(K::req_wrote)}</dt>{dd_opt(Some(v))} })}
        </dl>
        {(friend && r.consented == Some(true)).then(|| view! { <p>{t(K::req_consent_given)}</p> })}
    }
}

#[component]
fn History(r: RequestView) -> impl IntoView {
    view! {
        <h2>{t(K::req_history)}</h2>
        {if r.history.is_empty() {
            view! { <p>{t(K::req_history_empty)}</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">{t(K::req_history)}</caption>
                    <thead><tr>
                        <th scope="col">{t(K::req_col_when)}</th>
                        <th scope="col">{t(K::req_col_who)}</th>
                        <th scope="col">{t(K::req_col_what)}</th>
                    </tr></thead>
                    <tbody>
                        {r.history.into_iter().map(|h| {
                            let what = [
                                Some(t(event_label(&h.kind)).to_string()),
                                h.outcome.as_deref().map(|o| choice_label(o).map(|k| t(k).to_string()).unwrap_or_else(|| o.to_string())),
                                h.detail.clone(),
                            ].into_iter().flatten().collect::<Vec<_>>().join(" – ");
                            view! {
                                <tr>
                                    <td class="nowrap" dir="ltr">{h.at}</td>
                                    <td>{h.who.unwrap_or_else(|| t(K::req_system).to_string())}</td>
                                    <td>{what}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn Actions(r: RequestView) -> impl IntoView {
    let base = format!("/lots/inkorg/{}", r.id);
    let version = r.version.to_string();
    let waiting = r.consented == Some(false);
    let open = r.open();
    let hidden = move || view! { <input type="hidden" name=field::VERSION value=version.clone()/> };
    view! {
        <h2>{t(K::req_actions)}</h2>
        {(!open).then(|| view! { <p>{t(K::req_closed_note)}</p> })}
        {(open && waiting).then(|| view! {
            <section aria-labelledby="consent-title">
                <h3 id="consent-title">{t(K::req_consent_title)}</h3>
                <p>{t(K::req_consent_hint)}</p>
                <form method="post" action=base.clone()>
                    <input type="hidden" name=field::ACTION value="consent"/>
                    {hidden()}
                    <input type="hidden" name=field::ANSWER value="yes"/>
                    <button class="button" type="submit">{t(K::req_consent_yes)}</button>
                </form>
                <form method="post" action=base.clone()>
                    <input type="hidden" name=field::ACTION value="consent"/>
                    {hidden()}
                    <input type="hidden" name=field::ANSWER value="no"/>
                    <button class="button-secondary" type="submit">{t(K::req_consent_no)}</button>
                </form>
            </section>
        })}
        <section aria-labelledby="attempt-title">
            <h3 id="attempt-title">{t(K::req_attempt_title)}</h3>
            <form method="post" action=base.clone() class="narrow">
                <input type="hidden" name=field::ACTION value="contact_attempt"/>
                {hidden()}
                <p class="hint" id="when-hint">{t(K::req_when_hint)}</p>
                <div class="field">
                    <label class="label" for="s-datum">{t(K::req_date)}</label>
                    <input class="input" id="s-datum" name=field::DATE type="date" aria-describedby="when-hint" value=r.now_date.clone()/>
                </div>
                <div class="field">
                    <label class="label" for="s-tid">{t(K::req_time)}</label>
                    <input class="input" id="s-tid" name=field::TIME type="text" inputmode="numeric" aria-describedby="when-hint" value=r.now_time.clone()/>
                </div>
                <fieldset class="field">
                    <legend class="label">{t(K::req_outcome)}</legend>
                    {OUTCOMES.into_iter().enumerate().map(|(i, (code, k))| {
                        // The first one is where the error summary's link lands.
                        let id = if i == 0 { "s-utfall".to_string() } else { format!("s-utfall-{code}") };
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name=field::OUTCOME value=code required=true/>
                                <label for=id>{t(k)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button class="button" type="submit">{t(K::req_attempt_button)}</button>
            </form>
        </section>
        {open.then(|| view! {
            <section aria-labelledby="unreachable-title">
                <h3 id="unreachable-title">{t(K::req_unreachable_title)}</h3>
                <form method="post" action=base.clone()>
                    <input type="hidden" name=field::ACTION value="unreachable"/>
                    {hidden()}
                    <button class="button-secondary" type="submit">{t(K::req_unreachable_button)}</button>
                </form>
            </section>
            <section aria-labelledby="decline-title">
                <h3 id="decline-title">{t(K::req_decline_title)}</h3>
                {waiting.then(|| view! { <p>{t(K::req_decline_erases)}</p> })}
                <form method="post" action=base.clone() class="narrow">
                    <input type="hidden" name=field::ACTION value="decline"/>
                    {hidden()}
                    <div class="field">
                        <label class="label" for="s-skal">{t(K::req_reason)}</label>
                        <select class="input" id="s-skal" name=field::REASON required=true>
                            {DECLINE_REASONS.into_iter().map(|(code, k)| view! { <option value=code>{t(k)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="label" for="s-anteckning">{t(K::req_note)}</label>
                        <input class="input" id="s-anteckning" name=field::NOTE type="text" maxlength="500"/>
                    </div>
                    <button class="button-secondary" type="submit">{t(K::req_decline_button)}</button>
                </form>
            </section>
        })}
        {r.acceptable().then(|| view! {
            <section aria-labelledby="accept-title">
                <h3 id="accept-title">{t(K::req_accept_title)}</h3>
                <form method="post" action=format!("{base}/acceptera")>
                    {hidden()}
                    <button class="button" type="submit">{t(K::req_accept_button)}</button>
                </form>
            </section>
            <section aria-labelledby="duplicate-title">
                <h3 id="duplicate-title">{t(K::req_duplicate_title)}</h3>
                <form method="post" action=format!("{base}/dubblett") class="narrow">
                    {hidden()}
                    <div class="field">
                        <label class="label" for="s-participant">{t(K::req_participant)}</label>
                        <input class="input" id="s-participant" name=field::PARTICIPANT type="text" inputmode="numeric" required=true/>
                    </div>
                    <button class="button-secondary" type="submit">{t(K::req_duplicate_button)}</button>
                </form>
            </section>
        })}
    }
}
