//! The three ways to ask for contact: yourself, for someone you know, or as a referral.
//!
//! Each page is server-rendered; its form is an island (`#[island]`), the only part of the public
//! pages that the browser's wasm hydrates (see `components::form`).
use crate::components::form::{
    ChoiceGroup, Confirm, ContactForm, ReachFields, TextArea, TextField,
};
use crate::i18n::{fill, t, use_lang, K};
use crate::models::boot::Boot;
use crate::models::contact::{field, Channel, CALL_TIMES, INTERESTS, REASONS, RELATIONS, YES_NO};
use crate::status::set_status;
use leptos::prelude::*;
use leptos_meta::Title;

/// Heading, lead text and — when the page comes back after a failed plain-HTML submit — the 422
/// status that tells the browser the submission was not accepted.
#[component]
fn FormIntro(channel: Channel, title: K, lead: K) -> impl IntoView {
    let boot = expect_context::<Boot>();
    if boot.echo.as_ref().is_some_and(|e| e.channel == channel) {
        set_status(422);
    }
    let days = boot.team.first_contact_days.to_string();
    let page_title = format!("{} – {}", t(title), t(K::site_name));
    view! {
        <Title text=page_title/>
        <h1>{t(title)}</h1>
        <p class="lead">{fill(use_lang(), lead, &[("days", &days)])}</p>
    }
}

/// A plain link: inside an island there is no router for `<A>`.
#[component]
fn PrivacyLink() -> impl IntoView {
    view! { <p class="hint"><a href="/integritet">{t(K::privacy_link_text)}</a></p> }
}

/// `/kontakt`: the person asks for contact themself.
#[component]
pub fn SelfReferralPage() -> impl IntoView {
    let channel = Channel::SelfReferral;
    view! {
        <FormIntro channel title=K::self_title lead=K::self_lead/>
        <SelfReferralForm/>
    }
}

/// The form of `SelfReferralPage`, hydrated in the browser.
#[island]
fn SelfReferralForm() -> impl IntoView {
    let channel = Channel::SelfReferral;
    view! {
        <ContactForm channel submit_label=K::self_submit>
            <TextField name=field::NAME label=K::f_name hint=K::f_name_hint autocomplete="given-name"/>
            <ReachFields legend=K::f_reach phone=field::PHONE phone_label=K::f_phone email=field::EMAIL email_label=K::f_email own=true/>
            <ChoiceGroup name=field::CALL_TIME legend=K::f_call_time options=&CALL_TIMES hint=K::f_call_time_hint optional=true multiple=true/>
            <ChoiceGroup name=field::INTERESTS legend=K::f_interests options=&INTERESTS hint=K::f_interests_hint optional=true multiple=true/>
            <TextArea name=field::HELP label=K::f_help hint=K::f_help_hint/>
            <Confirm name=field::CONSENT label=K::f_consent hint=K::f_consent_hint>
                <PrivacyLink/>
            </Confirm>
        </ContactForm>
    }
}

/// `/kontakt/for-nagon-annan`: a friend or relative asks on the person's behalf.
#[component]
pub fn FriendPage() -> impl IntoView {
    let channel = Channel::Friend;
    view! {
        <FormIntro channel title=K::friend_title lead=K::friend_lead/>
        <FriendForm/>
    }
}

/// The form of `FriendPage`, hydrated in the browser.
#[island]
fn FriendForm() -> impl IntoView {
    let channel = Channel::Friend;
    view! {
        <ContactForm channel submit_label=K::friend_submit>
            <h2>{t(K::friend_you)}</h2>
            <TextField name=field::NAME label=K::f_name autocomplete="name"/>
            <ReachFields legend=K::f_your_reach phone=field::PHONE phone_label=K::f_your_phone email=field::EMAIL email_label=K::f_your_email own=true/>
            <ChoiceGroup name=field::RELATION legend=K::f_relation options=&RELATIONS/>
            <h2>{t(K::friend_person)}</h2>
            <TextField name=field::PERSON_NAME label=K::f_person_name/>
            <ReachFields legend=K::f_person_reach phone=field::PERSON_PHONE phone_label=K::f_person_phone email=field::PERSON_EMAIL email_label=K::f_person_email/>
            <ChoiceGroup name=field::PERSON_AGREES legend=K::f_person_agrees options=&YES_NO/>
            <p>{t(K::friend_only_contact)}</p>
            <Confirm name=field::CONSENT label=K::friend_consent>
                <PrivacyLink/>
            </Confirm>
        </ContactForm>
    }
}

/// `/remiss`: a vårdcentral or municipal service refers the person (social förskrivning).
#[component]
pub fn ProfessionalPage() -> impl IntoView {
    let channel = Channel::Professional;
    view! {
        <FormIntro channel title=K::pro_title lead=K::pro_lead/>
        <ProfessionalForm/>
    }
}

/// The form of `ProfessionalPage`, hydrated in the browser.
#[island]
fn ProfessionalForm() -> impl IntoView {
    let channel = Channel::Professional;
    view! {
        <ContactForm channel submit_label=K::pro_submit>
            <h2>{t(K::pro_you)}</h2>
            <TextField name=field::NAME label=K::f_referrer_name autocomplete="name"/>
            <TextField name=field::ORG label=K::f_org hint=K::f_org_hint autocomplete="organization"/>
            <ReachFields legend=K::f_your_reach phone=field::PHONE phone_label=K::f_your_phone email=field::EMAIL email_label=K::f_your_email own=true/>
            <h2>{t(K::pro_person)}</h2>
            <TextField name=field::PERSON_NAME label=K::f_person_name/>
            <ReachFields legend=K::f_person_reach phone=field::PERSON_PHONE phone_label=K::f_person_phone email=field::PERSON_EMAIL email_label=K::f_person_email/>
            <ChoiceGroup name=field::REASONS legend=K::f_reasons options=&REASONS hint=K::f_reasons_hint multiple=true/>
            <Confirm name=field::PERSON_CONSENTED label=K::f_person_consented/>
            <ChoiceGroup name=field::FEEDBACK legend=K::f_feedback options=&YES_NO hint=K::f_feedback_hint/>
            <TextArea name=field::MESSAGE label=K::f_pro_message hint=K::f_pro_message_hint/>
        </ContactForm>
    }
}
