//! The "need urgent help?" box: the hälsolots is not an emergency service, and says so.
use crate::i18n::{t, K};
use leptos::prelude::*;

#[component]
pub fn UrgentHelp() -> impl IntoView {
    view! {
        <aside class="urgent" aria-labelledby="urgent-title">
            <h2 id="urgent-title">{t(K::urgent_title)}</h2>
            <ul>
                <li>{t(K::urgent_112)}</li>
                <li>{t(K::urgent_1177)}</li>
                <li>{t(K::urgent_suicide)}</li>
            </ul>
            <p>{t(K::urgent_note)}</p>
        </aside>
    }
}
