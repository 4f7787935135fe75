//! `/lots`: the workspace's start, with the parts the member's role opens.
use super::shell::page;
use crate::i18n::{fill, t, use_lang, K};
use crate::models::staff::Section;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn StaffHome() -> impl IntoView {
    let lang = use_lang();
    page(
        |_| true,
        move |m| {
            view! {
                <Title text=t(K::staff_home_title)/>
                <h1>{fill(lang, K::staff_welcome, &[("name", &m.name)])}</h1>
                <p>{t(K::staff_home_intro)}</p>
                <ul class="card-list">
                    {Section::ALL
                        .into_iter()
                        .filter(|s| m.role.can(s.permission()))
                        .map(|s| view! { <li><A href=s.path()>{t(s.label())}</A></li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        },
    )
}
