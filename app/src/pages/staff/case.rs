//! `/lots/deltagare/{id}`: one participant's case — the person and how they came, the step with
//! its dates and history, the step changes (forward; back with a reason; closing with a reason and
//! a date) and the person's contact details. Every form posts to this page with the version it
//! was read at; a save that comes second is refused and this page shows the current data again.
use super::case_work::case_work_view;
use super::shell::page_with;
use crate::api::cases::get_case;
use crate::components::staff_form::{field_error, use_echo, StaffErrors};
use crate::error::AppError;
use crate::i18n::{fill, t, use_lang, K};
use crate::models::boot::StaffEcho;
use crate::models::case::{field, CaseView, ClosingReason, CONTACT_WAYS, GENDERS};
use crate::models::casework::field as cw;
use crate::models::contact::CALL_TIMES;
use crate::models::ids::CaseId;
use crate::models::inbox::channel_label;
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let saved = use_query_map().read_untracked().get("sparat").is_some();
    page_with(
        |m| m.role.can(Permission::CaseWork),
        move || {
            params
                .read()
                .get("id")
                .and_then(|s| s.parse::<CaseId>().ok())
        },
        |id| async move {
            match id {
                Some(id) => get_case(id).await,
                None => Err(AppError::NotFound),
            }
        },
        move |_, c| case_view(c, saved),
    )
}

/// After a conflict: what the caller typed and did not get saved, to do again from the current
/// data (the fields below show that).
fn unsaved_view(echo: &StaffEcho) -> Option<AnyView> {
    if echo.values.get(field::ACTION) != field::UNSAVED {
        return None;
    }
    let labels = [
        (field::NAME, K::case_name),
        (field::PHONE, K::case_phone),
        (field::EMAIL, K::case_email),
        (field::LANGUAGE, K::case_language),
        (field::BIRTH_YEAR, K::case_birth_year),
        (field::REASON, K::case_back_reason),
        (field::CLOSING_DATE, K::case_close_date),
        (cw::INTERESTS, K::cw_interests),
        (cw::WISHES, K::cw_wishes),
        (cw::NEEDS, K::cw_needs),
        (cw::BARRIERS_NOTE, K::cw_barriers_note),
        (cw::GOAL, K::cw_goal_new),
        (cw::MEETING_NOTE, K::cw_meeting_note),
        (cw::NOTE, K::cw_note_new),
        (cw::TASK_TITLE, K::cw_task_title),
    ];
    let rows: Vec<_> = labels
        .into_iter()
        .filter_map(|(name, label)| {
            let v = echo.values.get(name).trim().to_string();
            (!v.is_empty()).then_some((label, v))
        })
        .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <div class="notice">
                <h2>{t(K::case_unsaved_title)}</h2>
                <dl class="facts">
                    {rows.into_iter().map(|(label, v)| view! { <dt>{t(label)}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </div>
        }
        .into_any()
    })
}

fn case_view(c: CaseView, saved: bool) -> AnyView {
    let lang = use_lang();
    let echo = use_echo();
    let action = format!("/lots/deltagare/{}", c.id);
    let version = c.version.to_string();
    let person_version = c.person_version.to_string();
    let not_given = || t(K::case_not_given).to_string();
    let way = c
        .contact_way
        .as_deref()
        .and_then(|w| CONTACT_WAYS.iter().find(|(code, _)| *code == w))
        .map(|(_, k)| t(*k).to_string())
        .unwrap_or_else(not_given);
    let times = c
        .contact_times
        .iter()
        .filter_map(|v| CALL_TIMES.iter().find(|(code, _)| code == v))
        .map(|(_, k)| t(*k).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let gender = c
        .gender
        .as_deref()
        .and_then(|g| GENDERS.iter().find(|(code, _)| *code == g))
        .map(|(_, k)| t(*k).to_string())
        .unwrap_or_else(not_given);
    let closed_with = match (c.closing_reason, c.closing_date.clone()) {
        (Some(r), Some(d)) => Some(fill(
            lang,
            K::case_closed_with,
            &[("date", &d), ("reason", t(r.label()))],
        )),
        _ => None,
    };
    // After a refused post the fields show what was typed; otherwise the stored values.
    let echoed = echo.values.get(field::ACTION) == "person";
    let typed = |name: &str, stored: Option<String>| {
        if echoed {
            echo.values.get(name).to_string()
        } else {
            stored.unwrap_or_default()
        }
    };
    let typed_reason = if echo.values.get(field::ACTION) == "back" {
        echo.values.get(field::REASON).to_string()
    } else {
        String::new()
    };
    let checked_time = |code: &str| {
        if echoed {
            echo.values.has(field::CONTACT_TIMES, code)
        } else {
            c.contact_times.iter().any(|t| t == code)
        }
    };
    let chosen = |name: &str, stored: Option<&str>, code: &str| {
        if echoed {
            echo.values.get(name) == code
        } else {
            stored == Some(code)
        }
    };
    // Masked wherever it is read; whole only in the edit field below.
    let pnr_fact = (c.personnummer.allowed || c.personnummer.masked.is_some()).then(|| {
        view! {
            <dt>{t(K::case_personnummer)}</dt>
            <dd dir="ltr" data-testid="personnummer">{c.personnummer.masked.clone().unwrap_or_else(not_given)}</dd>
        }
    });
    let pnr_field = c.personnummer.allowed.then(|| {
        view! {
            <div class="field">
                <label class="label" for="s-personnummer">{t(K::case_personnummer)}</label>
                <p class="hint" id="s-personnummer-hint">{t(K::case_personnummer_hint)}</p>
                {field_error(field::PERSONNUMMER)}
                <input class="input" id="s-personnummer" name=field::PERSONNUMMER type="text" dir="ltr"
                    inputmode="numeric" autocomplete="off" maxlength="20" aria-describedby="s-personnummer-hint"
                    value=typed(field::PERSONNUMMER, c.personnummer.edit.clone())/>
            </div>
        }
    });
    let forward = c.stage.forward();
    let back = c.stage.back();
    let open = c.stage.is_open();
    view! {
        <Title text=c.name.clone()/>
        <p><a href="/lots/deltagare">{t(K::caseload_title)}</a></p>
        <h1>{c.name.clone()}</h1>
        <p>{fill(lang, K::case_number, &[("number", &c.participant.to_string())])}</p>
        {saved.then(|| view! { <p class="notice" role="status">{t(K::case_saved)}</p> })}
        <StaffErrors/>
        {unsaved_view(&echo)}
        <section aria-labelledby="h-person">
            <h2 id="h-person">{t(K::case_person)}</h2>
            <dl class="facts">
                <dt>{t(K::case_phone)}</dt>
                <dd dir="ltr">{c.phone_display.clone().unwrap_or_else(not_given)}</dd>
                <dt>{t(K::case_email)}</dt>
                <dd dir="ltr">{c.email.clone().unwrap_or_else(not_given)}</dd>
                <dt>{t(K::case_contact_way)}</dt><dd>{way}</dd>
                <dt>{t(K::case_contact_times)}</dt>
                <dd>{if times.is_empty() { not_given() } else { times }}</dd>
                <dt>{t(K::case_language)}</dt>
                <dd>{c.language.clone().unwrap_or_else(not_given)}</dd>
                <dt>{t(K::case_interpreter)}</dt>
                <dd>{t(if c.interpreter { K::case_yes } else { K::case_no })}</dd>
                <dt>{t(K::case_birth_year)}</dt>
                <dd>{c.birth_year.map(|y| y.to_string()).unwrap_or_else(not_given)}</dd>
                <dt>{t(K::case_gender)}</dt><dd>{gender}</dd>
                {pnr_fact}
            </dl>
        </section>
        <section aria-labelledby="h-came">
            <h2 id="h-came">{t(K::case_came)}</h2>
            <dl class="facts">
                <dt>{t(K::case_channel)}</dt><dd>{t(channel_label(c.channel))}</dd>
                {c.referrer.clone().map(|r| view! { <dt>{t(K::case_referrer)}</dt><dd>{r}</dd> })}
                {c.request_code.clone().map(|code| view! {
                    <dt>{t(K::case_request_code)}</dt>
                    <dd><bdi dir="ltr" class="code">{code}</bdi></dd>
                })}
                <dt>{t(K::case_navigator)}</dt>
                <dd>{c.navigator.clone().unwrap_or_else(not_given)}</dd>
            </dl>
        </section>
        <section aria-labelledby="h-stage">
            <h2 id="h-stage">{t(K::case_stage_title)}</h2>
            <p>{t(K::case_stage_now)}": "<strong class="badge">{t(c.stage.label())}</strong></p>
            {closed_with.map(|s| view! { <p>{s}</p> })}
            <table class="table">
                <caption>{t(K::case_stage_title)}</caption>
                <thead><tr>
                    <th scope="col">{t(K::case_stage_title)}</th>
                    <th scope="col">{t(K::case_stage_began)}</th>
                </tr></thead>
                <tbody>
                    {c.stage_dates.iter().map(|(s, d)| view! {
                        <tr>
                            <td>{t(s.label())}</td>
                            <td class="nowrap">{d.clone().unwrap_or_else(|| t(K::case_not_begun).to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {forward.map(|next| view! {
                <form method="post" action=action.clone()>
                    <input type="hidden" name=field::ACTION value="forward"/>
                    <input type="hidden" name=field::VERSION value=version.clone()/>
                    <button class="button" type="submit">{fill(lang, K::case_forward, &[("stage", t(next.label()))])}</button>
                </form>
            })}
            {back.map(|prev| view! {
                <form method="post" action=action.clone() class="narrow">
                    <h3>{fill(lang, K::case_back_title, &[("stage", t(prev.label()))])}</h3>
                    <input type="hidden" name=field::ACTION value="back"/>
                    <input type="hidden" name=field::VERSION value=version.clone()/>
                    <div class="field">
                        <label class="label" for="s-reason">{t(K::case_back_reason)}</label>
                        {field_error(field::REASON)}
                        <input class="input" id="s-reason" name=field::REASON type="text" required=true maxlength="1000" value=typed_reason.clone()/>
                    </div>
                    <button class="button-secondary" type="submit">{t(K::case_back_button)}</button>
                </form>
            })}
            {open.then(|| view! {
                <form method="post" action=action.clone() class="narrow">
                    <h3>{t(K::case_close_title)}</h3>
                    <input type="hidden" name=field::ACTION value="close"/>
                    <input type="hidden" name=field::VERSION value=version.clone()/>
                    <div class="field">
                        <label class="label" for="s-closing_reason">{t(K::case_close_reason)}</label>
                        {field_error(field::CLOSING_REASON)}
                        <select class="input" id="s-closing_reason" name=field::CLOSING_REASON required=true>
                            <option value="">{t(K::case_not_given)}</option>
                            {ClosingReason::ALL.into_iter().map(|r| view! {
                                <option value=r.as_str()>{t(r.label())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="label" for="s-closing_date">{t(K::case_close_date)}</label>
                        <p class="hint" id="s-closing_date-hint">{t(K::case_close_date_hint)}</p>
                        {field_error(field::CLOSING_DATE)}
                        <input class="input" id="s-closing_date" name=field::CLOSING_DATE type="date" required=true aria-describedby="s-closing_date-hint"/>
                    </div>
                    <button class="button-secondary" type="submit">{t(K::case_close_button)}</button>
                </form>
            })}
        </section>
        {case_work_view(&action, c.version, c.planned_meetings, c.work.clone())}
        <section aria-labelledby="h-history">
            <h2 id="h-history">{t(K::case_history)}</h2>
            <table class="table">
                <caption>{t(K::case_history_caption)}</caption>
                <thead><tr>
                    <th scope="col">{t(K::case_col_when)}</th>
                    <th scope="col">{t(K::case_col_change)}</th>
                    <th scope="col">{t(K::case_col_by)}</th>
                    <th scope="col">{t(K::case_col_reason)}</th>
                </tr></thead>
                <tbody>
                    {c.history.iter().map(|h| {
                        let change = match h.from {
                            Some(from) => format!("{} → {}", t(from.label()), t(h.to.label())),
                            None => format!("{}: {}", t(K::case_started), t(h.to.label())),
                        };
                        view! {
                            <tr>
                                <td class="nowrap">{h.at.clone()}</td>
                                <td>{change}</td>
                                <td>{h.by.clone().unwrap_or_default()}</td>
                                <td>{h.reason.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section aria-labelledby="h-edit">
            <h2 id="h-edit">{t(K::case_edit_title)}</h2>
            <form method="post" action=action class="narrow">
                <input type="hidden" name=field::ACTION value="person"/>
                <input type="hidden" name=field::VERSION value=person_version/>
                <div class="field">
                    <label class="label" for="s-name">{t(K::case_name)}</label>
                    {field_error(field::NAME)}
                    <input class="input" id="s-name" name=field::NAME type="text" required=true value=typed(field::NAME, Some(c.name.clone()))/>
                </div>
                <div class="field">
                    <label class="label" for="s-phone">{t(K::case_phone)}</label>
                    {field_error(field::PHONE)}
                    <input class="input" id="s-phone" name=field::PHONE type="tel" dir="ltr" value=typed(field::PHONE, c.phone_display.clone())/>
                </div>
                <div class="field">
                    <label class="label" for="s-email">{t(K::case_email)}</label>
                    {field_error(field::EMAIL)}
                    <input class="input" id="s-email" name=field::EMAIL type="email" dir="ltr" value=typed(field::EMAIL, c.email.clone())/>
                </div>
                <div class="field">
                    <label class="label" for="s-contact_way">{t(K::case_contact_way)}</label>
                    <select class="input" id="s-contact_way" name=field::CONTACT_WAY>
                        <option value="">{t(K::case_not_given)}</option>
                        {CONTACT_WAYS.iter().map(|(code, k)| view! {
                            <option value=*code selected=chosen(field::CONTACT_WAY, c.contact_way.as_deref(), code)>{t(*k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="field">
                    <legend class="label">{t(K::case_contact_times)}</legend>
                    {CALL_TIMES.iter().map(|(code, k)| {
                        let id = format!("s-ct-{code}");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=field::CONTACT_TIMES value=*code checked=checked_time(code)/>
                                <label for=id>{t(*k)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label class="label" for="s-language">{t(K::case_language)}</label>
                    <input class="input" id="s-language" name=field::LANGUAGE type="text" value=typed(field::LANGUAGE, c.language.clone())/>
                </div>
                <div class="choice">
                    <input type="checkbox" id="s-interpreter" name=field::INTERPRETER value="yes"
                        checked=if echoed { echo.values.get(field::INTERPRETER) == "yes" } else { c.interpreter }/>
                    <label for="s-interpreter">{t(K::case_interpreter)}</label>
                </div>
                <div class="field">
                    <label class="label" for="s-birth_year">{t(K::case_birth_year)}</label>
                    {field_error(field::BIRTH_YEAR)}
                    <input class="input" id="s-birth_year" name=field::BIRTH_YEAR type="text" inputmode="numeric" maxlength="4"
                        value=typed(field::BIRTH_YEAR, c.birth_year.map(|y| y.to_string()))/>
                </div>
                {pnr_field}
                <div class="field">
                    <label class="label" for="s-gender">{t(K::case_gender)}</label>
                    <select class="input" id="s-gender" name=field::GENDER>
                        <option value="">{t(K::case_not_given)}</option>
                        {GENDERS.iter().map(|(code, k)| view! {
                            <option value=*code selected=chosen(field::GENDER, c.gender.as_deref(), code)>{t(*k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button class="button" type="submit">{t(K::case_save)}</button>
            </form>
        </section>
    }
    .into_any()
}
