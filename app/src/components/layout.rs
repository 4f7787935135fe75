//! The frame of every page: skip link, header with language choice, main, footer.
use crate::i18n::{fill, t, text, use_lang, Lang, K};
use crate::models::boot::Boot;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// The frame of every page. The staff workspace (`/lots`) is wider and has no public footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let staff = move || {
        location
            .pathname
            .with(|p| p == "/lots" || p.starts_with("/lots/"))
    };
    view! {
        <a class="skip-link" href="#main">{t(K::skip_link)}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <A href="/" attr:class="brand">{t(K::site_name)}</A>
                <LanguageLinks/>
            </div>
        </header>
        <main id="main" class="wrap" class:wide=staff tabindex="-1">{children()}</main>
        {move || (!staff()).then(|| view! { <Footer/> })}
    }
}

/// Links to the page in the other languages. They reload the page (`rel=external`) so the server
/// sets the language cookie and renders `lang`/`dir` on `<html>`.
#[component]
fn LanguageLinks() -> impl IntoView {
    let current = use_lang();
    let location = use_location();
    view! {
        <nav class="languages" aria-label=t(K::footer_languages)>
            <ul>
                {Lang::ALL
                    .iter()
                    .filter(|l| **l != current)
                    .map(|l| {
                        let code = l.code();
                        let href = move || format!("{}?lang={code}", location.pathname.get());
                        view! {
                            <li>
                                <a href=href rel="external" hreflang=code lang=code dir=l.dir()>
                                    {text(*l, K::lang_name)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The team's contact details: phone, e-mail and the promise of first contact.
#[component]
pub fn TeamContact() -> impl IntoView {
    let team = expect_context::<Boot>().team;
    let lang = use_lang();
    view! {
        <dl class="contact-list">
            <dt>{t(K::contact_phone)}</dt>
            <dd><a href=format!("tel:{}", team.phone_e164) dir="ltr">{team.phone_display.clone()}</a></dd>
            <dt>{t(K::contact_email)}</dt>
            <dd><a href=format!("mailto:{}", team.email) dir="ltr">{team.email.clone()}</a></dd>
        </dl>
        <p>{fill(lang, K::contact_promise, &[("days", &team.first_contact_days.to_string())])}</p>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let team = expect_context::<Boot>().team;
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <h2>{t(K::footer_contact)}</h2>
                <p>{team.name.clone()}", "{team.municipality.clone()}</p>
                <TeamContact/>
                <p>{t(K::footer_free)}" "{t(K::urgent_112)}" "{t(K::urgent_1177)}</p>
                <ul class="footer-links">
                    <li><A href="/integritet">{t(K::footer_privacy)}</A></li>
                    <li><A href="/tillganglighet">{t(K::footer_accessibility)}</A></li>
                </ul>
            </div>
        </footer>
    }
}
