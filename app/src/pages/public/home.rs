//! `/`: what a hälsolots is and is not, the three steps, and the three ways in.
use crate::components::layout::TeamContact;
use crate::components::urgent_help::UrgentHelp;
use crate::i18n::{t, K};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let title = format!("{} – {}", t(K::site_name), t(K::home_title));
    view! {
        <Title text=title/>
        <h1>{t(K::home_title)}</h1>
        <p class="lead">{t(K::home_lead)}</p>
        <p class="lead"><strong>{t(K::home_free)}</strong></p>
        <p><A href="/kontakt" attr:class="button">{t(K::home_cta)}</A></p>
        <UrgentHelp/>

        <h2>{t(K::home_what_title)}</h2>
        <p>{t(K::home_what_1)}</p>
        <p>{t(K::home_what_2)}</p>
        <p>{t(K::home_what_3)}</p>

        <h2>{t(K::home_not_title)}</h2>
        <ul>
            <li>{t(K::home_not_1)}</li>
            <li>{t(K::home_not_2)}</li>
            <li>{t(K::home_not_3)}</li>
        </ul>

        <h2>{t(K::home_steps_title)}</h2>
        <ol class="steps">
            <li><h3>{t(K::step1_title)}</h3><p>{t(K::step1_text)}</p></li>
            <li><h3>{t(K::step2_title)}</h3><p>{t(K::step2_text)}</p></li>
            <li><h3>{t(K::step3_title)}</h3><p>{t(K::step3_text)}</p></li>
        </ol>

        <h2>{t(K::home_meet_title)}</h2>
        <p>{t(K::home_meet_text)}</p>

        <h2 id="ways">{t(K::home_ways_title)}</h2>
        <ul class="ways">
            <li>
                <A href="/kontakt">{t(K::home_way_self)}</A>
                <p class="hint">{t(K::home_way_self_hint)}</p>
            </li>
            <li>
                <A href="/kontakt/for-nagon-annan">{t(K::home_way_friend)}</A>
                <p class="hint">{t(K::home_way_friend_hint)}</p>
            </li>
            <li>
                <A href="/remiss">{t(K::home_way_pro)}</A>
                <p class="hint">{t(K::home_way_pro_hint)}</p>
            </li>
        </ul>

        <h2>{t(K::contact_title)}</h2>
        <TeamContact/>
    }
}
