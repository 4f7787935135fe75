//! `/lots/logga-in`: e-mail and password. The form posts to the same address; the server answers
//! with a redirect into the workspace, or this page again with one message for every failure.
use crate::components::staff_form::{StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::field;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.read_untracked().get("tillbaka").unwrap_or_default();
    let logged_out = query.read_untracked().get("utloggad").is_some();
    view! {
        {logged_out.then(|| view! { <p class="notice narrow" role="status">{t(K::login_logged_out)}</p> })}
        <LoginForm next/>
    }
}

/// The login form; `next` is where to go afterwards (inside `/lots` only, checked by the server).
#[component]
pub fn LoginForm(next: String) -> impl IntoView {
    let echo_next = crate::components::staff_form::use_echo()
        .values
        .get(field::NEXT)
        .to_string();
    let next = if echo_next.is_empty() {
        next
    } else {
        echo_next
    };
    view! {
        <Title text=t(K::login_title)/>
        <div class="narrow">
            <h1>{t(K::login_title)}</h1>
            <p>{t(K::login_intro)}</p>
            <StaffErrors/>
            <form method="post" action="/lots/logga-in" novalidate=true>
                <input type="hidden" name=field::NEXT value=next/>
                <StaffField name=field::EMAIL label=K::login_email kind="email" autocomplete="username"/>
                <StaffField name=field::PASSWORD label=K::login_password kind="password" autocomplete="current-password"/>
                <button class="button" type="submit">{t(K::login_submit)}</button>
            </form>
            <p class="hint">{t(K::login_help)}</p>
        </div>
    }
}
