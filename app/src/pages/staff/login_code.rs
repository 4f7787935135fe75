//! `/lots/logga-in/kod`: the second step of a two-factor login — the code from the app, or a
//! recovery code.
use crate::components::staff_form::{use_echo, StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::field as staff_field;
use crate::models::two_factor::field;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let from_query = use_query_map()
        .read_untracked()
        .get("tillbaka")
        .unwrap_or_default();
    let echoed = use_echo().values.get(staff_field::NEXT).to_string();
    let next = if echoed.is_empty() {
        from_query
    } else {
        echoed
    };
    view! {
        <Title text=t(K::code_title)/>
        <div class="narrow">
            <h1>{t(K::code_title)}</h1>
            <p>{t(K::code_intro)}</p>
            <StaffErrors/>
            <form method="post" action="/lots/logga-in/kod" novalidate=true>
                <input type="hidden" name=staff_field::NEXT value=next/>
                <StaffField name=field::CODE label=K::code_label hint=K::code_hint autocomplete="one-time-code"/>
                <button class="button" type="submit">{t(K::login_submit)}</button>
            </form>
            <p><a href="/lots/logga-in">{t(K::code_start_over)}</a></p>
        </div>
    }
}
