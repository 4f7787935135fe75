//! Inkorg, Deltagare, Aktiviteter and Rapporter: their pages come with the issues that build
//! them. Until then each says so, and is open only to the roles that will use it.
use super::shell::page;
use crate::i18n::{t, K};
use crate::models::staff::Section;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SectionPage(section: Section) -> impl IntoView {
    page(
        move |m| m.role.can(section.permission()),
        move |_| {
            view! {
                <Title text=t(section.label())/>
                <h1>{t(section.label())}</h1>
                <p>{t(K::staff_section_later)}</p>
            }
            .into_any()
        },
    )
}
