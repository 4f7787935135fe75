//! `/tillganglighet`: the accessibility statement in the form the DOS law asks of public bodies.
use crate::components::layout::TeamContact;
use crate::i18n::{fill, long_date, t, use_lang, K};
use crate::models::boot::{Boot, Compliance};
use leptos::prelude::*;
use leptos_meta::Title;

/// Digg's form for reporting a lack of accessibility.
const DIGG_REPORT_URL: &str = "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet";

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let team = expect_context::<Boot>().team;
    let lang = use_lang();
    let a11y = team.accessibility.clone();
    let status = match a11y.compliance {
        Compliance::Full => K::a11y_status_full,
        Compliance::Partial => K::a11y_status_partial,
        Compliance::None => K::a11y_status_none,
    };
    let date = |(y, m, d): (i32, u32, u32)| long_date(lang, y, m, d);
    view! {
        <Title text=t(K::a11y_title)/>
        <h1>{t(K::a11y_title)}</h1>
        <p class="lead">{fill(lang, K::a11y_lead, &[("municipality", &team.municipality)])}</p>
        <h2>{t(K::a11y_status_title)}</h2>
        <p>{t(status)}</p>
        <h2>{t(K::a11y_issues_title)}</h2>
        <ul>
            <li>{t(K::a11y_issue_1)}</li>
            <li>{t(K::a11y_issue_2)}</li>
        </ul>
        <h2>{t(K::a11y_feedback_title)}</h2>
        <p>{t(K::a11y_feedback_text)}</p>
        <TeamContact/>
        <h2>{t(K::a11y_digg_title)}</h2>
        <p>{t(K::a11y_digg_text)}</p>
        <p><a href=DIGG_REPORT_URL>{t(K::a11y_digg_link)}</a></p>
        <h2>{t(K::a11y_method_title)}</h2>
        <p>{t(K::a11y_method_text)}</p>
        <p>{fill(lang, K::a11y_assessed, &[("date", &date(a11y.assessed))])}</p>
        <p>{fill(lang, K::a11y_updated, &[("date", &date(a11y.updated))])}</p>
    }
}
