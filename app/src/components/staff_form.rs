//! Building blocks for the staff workspace's forms. They are plain HTML forms that post to their
//! page (the server answers with Post/Redirect/Get, or shows the page again with what to fix), so
//! they behave the same with or without the wasm. The typed values and errors come from
//! `StaffEcho` in the boot data; passwords are never echoed.
use crate::error::AppError;
use crate::i18n::{t, K};
use crate::models::boot::{Boot, StaffEcho};
use crate::models::staff::field;
use crate::status::set_status;
use leptos::prelude::*;
use leptos_meta::Title;

/// The echo of the last post, if this page is the one shown again after it.
pub fn use_echo() -> StaffEcho {
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    use_context::<Boot>()
        .and_then(|b| b.staff_echo)
        .filter(|e| e.path == here)
        .unwrap_or_default()
}

fn id_of(name: &str) -> String {
    format!("s-{name}")
}

/// The error summary at the top of a staff form: links to each field with a problem.
#[component]
pub fn StaffErrors() -> impl IntoView {
    let echo = use_echo();
    let lang = crate::i18n::use_lang();
    let minutes = echo.wait_minutes.unwrap_or(1).to_string();
    (!echo.errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">{t(K::err_summary_title)}</h2>
                <ul>
                    {echo.errors.0.iter().map(|e| {
                        let message = crate::i18n::fill(lang, e.key, &[("minutes", &minutes)]);
                        if e.field == field::FORM {
                            view! { <li>{message}</li> }.into_any()
                        } else {
                            view! { <li><a href=format!("#{}", id_of(&e.field))>{message}</a></li> }.into_any()
                        }
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// A labelled input. Passwords start empty; other fields show what was typed, else `value`.
#[component]
pub fn StaffField(
    name: &'static str,
    label: K,
    #[prop(optional)] hint: Option<K>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let echo = use_echo();
    let error = echo.errors.get(name);
    let typed = echo.values.get(name).to_string();
    let value = if kind == "password" {
        String::new()
    } else if echo.values.0.is_empty() {
        value
    } else {
        typed
    };
    let id = id_of(name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        hint.map(|_| hint_id.clone()),
        error.map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div class="field" class:field-error=error.is_some()>
            <label class="label" for=id.clone()>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{t(h)}</p> })}
            {error.map(|k| view! {
                <p class="error-message" id=error_id>
                    <span class="error-prefix">{t(K::err_prefix)}</span>" "{t(k)}
                </p>
            })}
            <input
                class="input"
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                spellcheck="false"
                required=true
                aria-describedby=(!described.is_empty()).then_some(described)
                aria-invalid=error.map(|_| "true")
            />
        </div>
    }
}

/// A one-time secret (a temporary password) for the admin to pass on.
#[component]
pub fn SecretNotice() -> impl IntoView {
    use_echo().secret.map(|secret| {
        view! {
            <div class="notice" role="status">
                <h2>{t(K::admin_temp_title)}</h2>
                <p>{t(K::admin_temp_text)}</p>
                <p class="secret"><code dir="ltr">{secret}</code></p>
            </div>
        }
    })
}

/// What a refused read shows, with its status: "not allowed" or "not found". Not signed in, or a
/// step still to take, shows nothing here: the workspace frame shows the login or the step.
pub fn refusal(e: AppError) -> AnyView {
    set_status(e.status());
    let (title, text) = match e {
        AppError::Unauthorized | AppError::SetupRequired => return ().into_any(),
        AppError::Forbidden => (K::staff_forbidden_title, K::staff_forbidden_text),
        AppError::NotFound => (K::nf_title, K::staff_not_found_text),
        AppError::Conflict => (K::staff_error_title, K::case_conflict),
        AppError::Invalid(_)
        | AppError::RateLimited
        | AppError::Internal
        | AppError::Request(_) => (K::staff_error_title, K::err_server),
    };
    view! {
        <Title text=t(title)/>
        <h1>{t(title)}</h1>
        <p>{t(text)}</p>
    }
    .into_any()
}

/// The error for `name` after a refused post, as a paragraph above the field.
pub fn field_error(name: &'static str) -> impl IntoView {
    use_echo().errors.get(name).map(|k| {
        view! {
            <p class="error-message" id=format!("s-{name}-error")>
                <span class="error-prefix">{t(K::err_prefix)}</span>" "{t(k)}
            </p>
        }
    })
}
