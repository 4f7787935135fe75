//! Form building blocks for the public forms, GOV.UK style: label, hint, error above the field, an
//! error summary at the top. Without JavaScript the form posts to its own page; hydrated, the
//! same rules (`models::contact::parse`) run as the person types and on submit, and the request is
//! sent through the `submit_contact` server function.
//!
//! The forms are the only interactive part of the public pages, so each form is an island
//! (`pages::public::contact_form`): the browser's wasm holds them and nothing else. An island runs
//! in the browser without the app around it, so `ContactForm` reads what it needs (language, team,
//! form key, a failed submit's echo) from the page's boot data itself, and leaves the page with a
//! plain navigation: there is no client-side router.
use crate::api::contact::submit_contact;
use crate::error::AppError;
use crate::i18n::{t, K};
use crate::models::boot::Boot;
use crate::models::contact::{field, parse, Channel};
use crate::models::form::{FieldErrors, RawForm};
use leptos::ev::{Event, MouseEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// The boot data and language of the page, for an island. On the server the shell provides them;
/// in the browser an island has no app around it and reads them from the page (the same JSON the
/// server rendered, so both sides render alike).
pub fn island_boot() -> Boot {
    match use_context::<Boot>() {
        Some(boot) => boot,
        None => {
            let boot = Boot::from_document();
            provide_context(boot.lang);
            provide_context(boot.clone());
            boot
        }
    }
}

/// How long a pause in typing must be before a problem in that field is shown.
const TYPING_PAUSE: Duration = Duration::from_millis(900);

/// State shared by the fields of one form.
#[derive(Clone, Copy)]
struct FormState {
    errors: RwSignal<FieldErrors>,
    touched: RwSignal<Vec<String>>,
    submitted: RwSignal<bool>,
    values: StoredValue<RawForm>,
}

impl FormState {
    /// The error to show at `name`: after a submit attempt, or once the person has left the field.
    fn error(&self, name: &'static str) -> Signal<Option<K>> {
        let s = *self;
        Signal::derive(move || {
            let shown = s.submitted.get() || s.touched.with(|t| t.iter().any(|n| n == name));
            shown.then(|| s.errors.with(|e| e.get(name))).flatten()
        })
    }

    fn initial(&self, name: &str) -> String {
        self.values.with_value(|v| v.get(name).to_string())
    }

    fn initially_checked(&self, name: &str, value: &str) -> bool {
        self.values.with_value(|v| v.has(name, value))
    }
}

fn use_form_state() -> FormState {
    expect_context::<FormState>()
}

fn field_id(name: &str) -> String {
    format!("f-{name}")
}

/// Reads the form's current fields in the browser.
fn read_form(form: &web_sys::HtmlFormElement) -> RawForm {
    let mut pairs = Vec::new();
    if let Ok(data) = web_sys::FormData::new_with_form(form) {
        if let Ok(Some(iter)) = js_sys::try_iter(&data) {
            for entry in iter.flatten() {
                let entry: js_sys::Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                    pairs.push((k, v));
                }
            }
        }
    }
    RawForm(pairs)
}

/// A fresh idempotency key, made in the browser after a successful submit (never during render).
fn new_client_key() -> String {
    (0..4)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * 4_294_967_296.0) as u32))
        .collect()
}

/// The form element: error summary, hidden key and honeypot, the fields, and the submit button.
#[component]
pub fn ContactForm(channel: Channel, submit_label: K, children: Children) -> impl IntoView {
    let boot = island_boot();
    // The idempotency key of this form view. A new one is made after each successful submit, so a
    // second, different request in the same visit is not taken for a repeat of the first.
    let key = RwSignal::new(boot.form_key.clone());
    let echo = boot.echo.filter(|e| e.channel == channel);
    let state = FormState {
        errors: RwSignal::new(echo.as_ref().map(|e| e.errors.clone()).unwrap_or_default()),
        touched: RwSignal::new(Vec::new()),
        submitted: RwSignal::new(echo.is_some()),
        values: StoredValue::new(echo.map(|e| e.values).unwrap_or_default()),
    };
    provide_context(state);
    let pending = RwSignal::new(false);
    // After a successful submit the browser leaves for the receipt with the form still "sending";
    // coming back with the back button may restore that very page from the back-forward cache,
    // so let the person use the form again.
    let _ = window_event_listener_untyped("pageshow", move |ev| {
        let restored = js_sys::Reflect::get(&ev, &"persisted".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if restored {
            pending.set(false);
        }
    });
    let form_ref = NodeRef::<html::Form>::new();
    let summary_ref = NodeRef::<html::Div>::new();

    let revalidate = move || {
        if let Some(form) = form_ref.get_untracked() {
            let errors = parse(channel, &read_form(&form)).err().unwrap_or_default();
            state.errors.set(errors);
        }
    };
    let focus_summary = move || {
        request_animation_frame(move || {
            if let Some(el) = summary_ref.get_untracked() {
                let _ = el.focus();
            }
        });
    };
    let target_name = |ev: &Event| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.get_attribute("name"))
    };
    let touch = move |name: String| {
        state.touched.update(|t| {
            if !t.contains(&name) {
                t.push(name)
            }
        });
    };
    // Checkboxes and radios count as answered as soon as they change. Text fields also fire
    // `change` when they lose focus: for them nothing new is shown then, or a message could
    // appear under the finger that is tapping the submit button and move it away.
    let on_change = move |ev: Event| {
        let is_choice = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| matches!(input.type_().as_str(), "checkbox" | "radio"));
        if let (true, Some(name)) = (is_choice, target_name(&ev)) {
            touch(name);
        }
        revalidate();
    };
    // Typed fields are checked as the person types, and a problem is shown once they pause. Not on
    // blur: a message appearing at blur moves the submit button away from a tap that is under way.
    let on_input = move |ev: Event| {
        revalidate();
        if let Some(name) = target_name(&ev) {
            set_timeout(move || touch(name), TYPING_PAUSE);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        let raw = read_form(&form);
        state.submitted.set(true);
        if let Err(errors) = parse(channel, &raw) {
            state.errors.set(errors);
            focus_summary();
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match submit_contact(channel, raw).await {
                Ok(receipt) => {
                    key.set(new_client_key());
                    let _ = window()
                        .location()
                        .assign(&format!("/kvitto/{}", receipt.code));
                }
                Err(AppError::Invalid(errors)) => {
                    state.errors.set(errors);
                    pending.set(false);
                    focus_summary();
                }
                Err(other) => {
                    let mut errors = FieldErrors::default();
                    errors.add(field::FORM, other.form_message());
                    state.errors.set(errors);
                    pending.set(false);
                    focus_summary();
                }
            }
        });
    };

    view! {
        <form
            node_ref=form_ref
            method="post"
            action=channel.path()
            novalidate
            on:submit=on_submit
            on:change=on_change
            on:input=on_input
        >
            <ErrorSummary node_ref=summary_ref autofocus=state.submitted.get_untracked()/>
            <input type="hidden" name=field::KEY value=move || key.get()/>
            <div class="hp" aria-hidden="true">
                <label for="f-website">{t(K::honeypot_label)}</label>
                <input id="f-website" type="text" name=field::HONEYPOT tabindex="-1" autocomplete="off"/>
            </div>
            {children()}
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if pending.get() { t(K::submitting) } else { t(submit_label) }}
            </button>
        </form>
    }
}

/// The list of problems at the top of the form; each links to its field. Focused when it appears.
#[component]
fn ErrorSummary(node_ref: NodeRef<html::Div>, autofocus: bool) -> impl IntoView {
    let state = use_form_state();
    let visible = move || state.submitted.get() && state.errors.with(|e| !e.is_empty());
    view! {
        <div
            node_ref=node_ref
            class="error-summary"
            hidden=move || !visible()
            tabindex="-1"
            role="alert"
            aria-labelledby="error-summary-title"
            autofocus=autofocus
        >
            <Show when=visible>
                <h2 id="error-summary-title">{t(K::err_summary_title)}</h2>
                <ul>
                    <For
                        each=move || state.errors.get().0
                        key=|e| (e.field.clone(), e.key)
                        children=move |e| {
                            let message = t(e.key);
                            if e.field == field::FORM {
                                view! { <li>{message}</li> }.into_any()
                            } else {
                                let id = field_id(&e.field);
                                // Following a `#id` link scrolls but does not focus the field; the
                                // person wants to type there, so focus it (GOV.UK's pattern).
                                let focus_field = {
                                    let id = id.clone();
                                    move |ev: MouseEvent| {
                                        let field = document().get_element_by_id(&id).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                                        if let Some(field) = field {
                                            ev.prevent_default();
                                            field.scroll_into_view();
                                            let _ = field.focus();
                                        }
                                    }
                                };
                                view! { <li><a href=format!("#{id}") on:click=focus_field>{message}</a></li> }.into_any()
                            }
                        }
                    />
                </ul>
            </Show>
        </div>
    }
}

/// "Fel: …" above a field, tied to it by `aria-describedby`.
#[component]
fn FieldError(name: &'static str, error: Signal<Option<K>>) -> impl IntoView {
    move || {
        error.get().map(|k| {
            view! {
                <p class="error-message" id=format!("{}-error", field_id(name))>
                    <span class="error-prefix">{t(K::err_prefix)}</span>" "{t(k)}
                </p>
            }
        })
    }
}

fn described_by(
    name: &str,
    has_hint: bool,
    error: Signal<Option<K>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let id = field_id(name);
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.get().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
fn Hint(name: &'static str, hint: Option<K>) -> impl IntoView {
    hint.map(|h| view! { <p class="hint" id=format!("{}-hint", field_id(name))>{t(h)}</p> })
}

#[component]
fn Label(name: &'static str, label: K, optional: bool) -> impl IntoView {
    view! {
        <label class="label" for=field_id(name)>
            {t(label)}
            {optional.then(|| view! { " "<span class="optional">{t(K::optional)}</span> })}
        </label>
    }
}

/// A one-line text input. `kind` is the input type (`text`, `tel`, `email`).
#[component]
pub fn TextField(
    name: &'static str,
    label: K,
    #[prop(optional)] hint: Option<K>,
    #[prop(optional)] optional: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let state = use_form_state();
    let error = state.error(name);
    view! {
        <div class="field" class:field-error=move || error.get().is_some()>
            <Label name label optional/>
            <Hint name hint/>
            <FieldError name error/>
            <input
                class="input"
                id=field_id(name)
                name=name
                type=kind
                value=state.initial(name)
                autocomplete=autocomplete
                spellcheck=if kind == "text" { "true" } else { "false" }
                aria-describedby=described_by(name, hint.is_some(), error)
                aria-invalid=move || error.get().map(|_| "true")
            />
        </div>
    }
}

/// Leptos 0.8 (tachys 0.2) does not escape the children of `<textarea>` when rendering on the
/// server (it treats them like `<script>`), so typed text such as `</textarea><script>` would
/// break out. We escape it ourselves there; in the browser a text node needs no escaping.
#[cfg(feature = "ssr")]
fn textarea_text(text: String) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(not(feature = "ssr"))]
fn textarea_text(text: String) -> String {
    text
}

/// A multi-line text input.
#[component]
pub fn TextArea(name: &'static str, label: K, #[prop(optional)] hint: Option<K>) -> impl IntoView {
    let state = use_form_state();
    let error = state.error(name);
    view! {
        <div class="field" class:field-error=move || error.get().is_some()>
            <Label name label optional=true/>
            <Hint name hint/>
            <FieldError name error/>
            <textarea
                class="input"
                id=field_id(name)
                name=name
                rows="5"
                aria-describedby=described_by(name, hint.is_some(), error)
                aria-invalid=move || error.get().map(|_| "true")
            >
                {textarea_text(state.initial(name))}
            </textarea>
        </div>
    }
}

/// A group of checkboxes (`multiple`) or radio buttons, in a fieldset with a legend.
#[component]
pub fn ChoiceGroup(
    name: &'static str,
    legend: K,
    options: &'static [(&'static str, K)],
    #[prop(optional)] hint: Option<K>,
    #[prop(optional)] optional: bool,
    #[prop(optional)] multiple: bool,
) -> impl IntoView {
    let state = use_form_state();
    let error = state.error(name);
    let kind = if multiple { "checkbox" } else { "radio" };
    view! {
        <div class="field" class:field-error=move || error.get().is_some()>
            <fieldset class="fieldset" aria-describedby=described_by(name, hint.is_some(), error)>
                <legend class="legend">
                    {t(legend)}
                    {optional.then(|| view! { " "<span class="optional">{t(K::optional)}</span> })}
                </legend>
                <Hint name hint/>
                <FieldError name error/>
                <div class="choices">
                    {options
                        .iter()
                        .enumerate()
                        .map(|(i, (value, label))| {
                            // The first option carries the field's id, so the error summary can link to it.
                            let id = if i == 0 { field_id(name) } else { format!("{}-{i}", field_id(name)) };
                            view! {
                                <div class="choice">
                                    <input
                                        type=kind
                                        id=id.clone()
                                        name=name
                                        value=*value
                                        checked=state.initially_checked(name, value)
                                    />
                                    <label for=id>{t(*label)}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// One checkbox that must be ticked (consent).
#[component]
pub fn Confirm(
    name: &'static str,
    label: K,
    #[prop(optional)] hint: Option<K>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let state = use_form_state();
    let error = state.error(name);
    view! {
        <div class="field" class:field-error=move || error.get().is_some()>
            <FieldError name error/>
            <div class="choice">
                <input
                    type="checkbox"
                    id=field_id(name)
                    name=name
                    value="yes"
                    checked=state.initially_checked(name, "yes")
                    aria-describedby=described_by(name, hint.is_some(), error)
                    aria-invalid=move || error.get().map(|_| "true")
                />
                <label for=field_id(name)>{t(label)}</label>
            </div>
            <Hint name hint/>
            {children.map(|c| c())}
        </div>
    }
}

/// Phone and e-mail together, in a fieldset: at least one is needed.
#[component]
pub fn ReachFields(
    legend: K,
    phone: &'static str,
    phone_label: K,
    email: &'static str,
    email_label: K,
    /// The sender's own details: let the browser fill them in.
    #[prop(optional)]
    own: bool,
) -> impl IntoView {
    let (tel, mail) = if own {
        ("tel", "email")
    } else {
        ("off", "off")
    };
    view! {
        <fieldset class="fieldset group">
            <legend class="legend">{t(legend)}</legend>
            <p class="hint">{t(K::f_reach_hint)}</p>
            <TextField name=phone label=phone_label hint=K::f_phone_hint kind="tel" autocomplete=tel/>
            <TextField name=email label=email_label kind="email" autocomplete=mail/>
        </fieldset>
    }
}
