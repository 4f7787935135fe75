//! `/integritet`: what is stored, why, on what legal basis, how long, and the person's rights.
use crate::components::layout::TeamContact;
use crate::i18n::{fill, t, use_lang, K};
use crate::models::boot::Boot;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let team = expect_context::<Boot>().team;
    let lang = use_lang();
    let sections = [
        (K::privacy_what_title, K::privacy_what_text),
        (K::privacy_why_title, K::privacy_why_text),
        (K::privacy_basis_title, K::privacy_basis_text),
        (K::privacy_time_title, K::privacy_time_text),
        (K::privacy_rights_title, K::privacy_rights_text),
        (K::privacy_complaint_title, K::privacy_complaint_text),
    ];
    view! {
        <Title text=t(K::privacy_title)/>
        <h1>{t(K::privacy_title)}</h1>
        <p class="lead">{t(K::privacy_lead)}</p>
        <h2>{t(K::privacy_who_title)}</h2>
        <p>{fill(lang, K::privacy_who_text, &[("municipality", &team.municipality)])}</p>
        {sections
            .into_iter()
            .map(|(title, body)| view! { <h2>{t(title)}</h2><p>{t(body)}</p> })
            .collect_view()}
        <h2>{t(K::privacy_contact_title)}</h2>
        <TeamContact/>
    }
}
