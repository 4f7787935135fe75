//! `/lots/tvastegs`: set up two-factor login (scan a QR code, confirm with a code, keep the
//! recovery codes), or turn it off where the team does not require it (with the password and a
//! code).
use super::shell::page_with;
use crate::api::staff::two_factor_status;
use crate::components::staff_form::{use_echo, StaffErrors, StaffField};
use crate::i18n::{fill_count, t, use_lang, K};
use crate::models::staff::field as staff_field;
use crate::models::two_factor::field;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let lang = use_lang();
    let saved = use_query_map().read_untracked().get("sparat").is_some();
    let codes = use_echo().secret;
    page_with(
        |_| true,
        || (),
        |_| two_factor_status(),
        move |_, s| {
            view! {
        <Title text=t(K::tf_title)/>
        <div class="narrow">
            <h1>{t(K::tf_title)}</h1>
            {saved.then(|| view! { <p class="notice" role="status">{t(K::admin_saved)}</p> })}
            {codes.clone().map(|codes| view! {
                <div class="notice" role="status">
                    <h2>{t(K::tf_codes_title)}</h2>
                    <p>{t(K::tf_codes_text)}</p>
                    <ul class="codes" dir="ltr">
                        {codes.split(' ').map(|c| view! { <li><code>{c.to_string()}</code></li> }).collect_view()}
                    </ul>
                </div>
            })}
            <StaffErrors/>
            {if s.enabled { view! {
                            <p>{t(K::tf_on)}</p>
                            <p>{fill_count(lang, K::tf_codes_left, u64::from(s.recovery_codes_left), &[])}</p>
                            {(!s.required).then(|| view! {
                                <h2>{t(K::tf_off_title)}</h2>
                                <p>{t(K::tf_off_text)}</p>
                                <form method="post" action="/lots/tvastegs" novalidate=true>
                                    <input type="hidden" name=field::ACTION value="disable"/>
                                    <StaffField name=staff_field::CURRENT label=K::password_current kind="password" autocomplete="current-password"/>
                                    <StaffField name=field::CODE label=K::code_label autocomplete="one-time-code"/>
                                    <button class="button-secondary" type="submit">{t(K::tf_off_submit)}</button>
                                </form>
                            })}
                        }.into_any() } else {
                            let enrol = s.enrol.clone().unwrap_or_default();
                            view! {
                                <p>{t(if s.required { K::tf_required } else { K::tf_optional })}</p>
                                <ol class="steps">
                                    <li>{t(K::tf_step_app)}</li>
                                    <li>
                                        {t(K::tf_step_scan)}
                                        <div class="qr" inner_html=enrol.qr_svg></div>
                                        <p>{t(K::tf_step_type)}" "<code dir="ltr" class="secret-text">{enrol.secret}</code></p>
                                    </li>
                                    <li>{t(K::tf_step_confirm)}</li>
                                </ol>
                                <form method="post" action="/lots/tvastegs" novalidate=true>
                                    <input type="hidden" name=field::ACTION value="confirm"/>
                                    <StaffField name=field::CODE label=K::code_label autocomplete="one-time-code"/>
                                    <button class="button" type="submit">{t(K::tf_on_submit)}</button>
                                </form>
                            }.into_any()
            }}
        </div>
    }.into_any()
        },
    )
}
