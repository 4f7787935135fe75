//! Any address that is not a page.
use crate::i18n::{t, K};
use crate::status::set_status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text=t(K::nf_title)/>
        <h1>{t(K::nf_title)}</h1>
        <p>{t(K::nf_text)}</p>
        <p><A href="/">{t(K::nf_home)}</A></p>
    }
}
