//! The change-password form: its own page's content, and the step the shell shows instead of any
//! page until a temporary password is replaced (so both use it, and it uses neither).
use crate::components::staff_form::{StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::field;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `forced`: shown instead of the workspace until a temporary password is replaced.
#[component]
pub fn ChangePasswordForm(forced: bool) -> impl IntoView {
    let saved = use_query_map().read_untracked().get("sparat").is_some();
    view! {
        <Title text=t(K::password_title)/>
        <div class="narrow">
            <h1>{t(K::password_title)}</h1>
            {forced.then(|| view! { <p>{t(K::password_forced)}</p> })}
            {saved.then(|| view! { <p class="notice" role="status">{t(K::password_saved)}</p> })}
            <StaffErrors/>
            <form method="post" action="/lots/byt-losenord" novalidate=true>
                <StaffField name=field::CURRENT label=K::password_current kind="password" autocomplete="current-password"/>
                <StaffField name=field::NEW label=K::password_new kind="password" autocomplete="new-password" hint=K::password_rule/>
                <StaffField name=field::REPEAT label=K::password_repeat kind="password" autocomplete="new-password"/>
                <button class="button" type="submit">{t(K::password_submit)}</button>
            </form>
            {forced.then(|| view! {
                <form method="post" action="/lots/logga-ut">
                    <button class="button-secondary" type="submit">{t(K::nav_logout)}</button>
                </form>
            })}
        </div>
    }
}
