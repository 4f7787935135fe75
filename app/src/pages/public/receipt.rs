//! `/kvitto/{code}`: the receipt after sending — the reference code and what happens next.
use crate::api::contact::get_receipt;
use crate::components::layout::TeamContact;
use crate::error::AppError;
use crate::i18n::{fill, t, use_lang, K};
use crate::models::boot::Boot;
use crate::models::contact::Channel;
use crate::models::receipt::Receipt;
use crate::status::set_status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let receipt = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_receipt,
    );
    view! {
        <Suspense fallback=|| view! { <p>{t(K::loading)}</p> }>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(r) => view! { <ReceiptView receipt=r/> }.into_any(),
                    // An unknown code is "not found"; anything else (the database does not
                    // answer) is our fault and temporary: 503 and a kind word, never "not found".
                    Err(AppError::NotFound) => {
                        problem(404, K::nf_title, K::receipt_not_found)
                    }
                    Err(e) => problem(e.status().max(500), K::receipt_unavailable_title, K::receipt_unavailable),
                }
            })}
        </Suspense>
    }
}

/// No receipt to show: the status, a heading, what to do, and how to reach the team.
fn problem(status: u16, title: K, text: K) -> AnyView {
    set_status(status);
    view! {
        <Title text=t(title)/>
        <h1>{t(title)}</h1>
        <p>{t(text)}</p>
        <TeamContact/>
    }
    .into_any()
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let lang = use_lang();
    let days = expect_context::<Boot>().team.first_contact_days.to_string();
    let steps = match receipt.channel {
        Channel::SelfReferral => [K::receipt_self_1, K::receipt_self_2, K::receipt_self_3],
        Channel::Friend => [
            K::receipt_friend_1,
            K::receipt_friend_2,
            K::receipt_friend_3,
        ],
        Channel::Professional => [K::receipt_pro_1, K::receipt_pro_2, K::receipt_pro_3],
    };
    view! {
        <Title text=t(K::receipt_title)/>
        <div class="panel-success">
            <h1>{t(K::receipt_title)}</h1>
            <p>{t(K::receipt_code_label)}</p>
            <p class="reference" dir="ltr" data-testid="reference-code">{receipt.code.clone()}</p>
            <p class="hint">{t(K::receipt_code_hint)}</p>
        </div>
        <p>{fill(lang, K::receipt_sent, &[("date", &receipt.sent_at)])}</p>
        <h2>{t(K::receipt_next_title)}</h2>
        <ol class="steps">
            {steps.into_iter().map(|k| view! { <li>{fill(lang, k, &[("days", &days)])}</li> }).collect_view()}
        </ol>
        <h2>{t(K::receipt_questions)}</h2>
        <TeamContact/>
        <p><A href="/">{t(K::receipt_home)}</A></p>
    }
}
