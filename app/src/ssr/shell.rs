//! The HTML document around the app, rendered only on the server.
use super::host::public_team;
use super::infra::random::{form_key, valid_form_key};
use super::lang::from_parts;
use super::state::AppState;
use crate::models::boot::{Boot, FormEcho, StaffEcho};
use crate::models::contact::field;
use crate::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The script that makes the page's islands interactive, in place of Leptos' `HydrationScripts`.
///
/// Only the public forms are islands, so the script fetches the JS and wasm only on a page that
/// has one: the other pages (start, receipt, privacy, the staff workspace) download no script at
/// all. Nothing is preloaded: a module script runs after the page is parsed, so the stylesheet
/// and the text come first on a slow phone, and the form works as a plain HTML form until the
/// wasm has arrived. When the islands are hydrated, `<html data-hydrated>` says so (tests wait on it).
#[component]
fn IslandLoader(options: LeptosOptions) -> impl IntoView {
    // Islands mode: nothing outside an island is hydrated, so the server writes no hydration
    // markers or resource data for it (what `HydrationScripts islands=true` would switch off).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    // The site is always built by cargo-leptos, which names the wasm after the output name (Leptos'
    // own loader guesses `_bg` when the server was compiled without cargo-leptos's environment).
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let script = format!(
        r#"const islands=document.querySelectorAll("leptos-island");if(islands.length){{import("{pkg}.js").then(async m=>{{await m.default({{module_or_path:"{pkg}.wasm"}});m.hydrate();for(const el of islands){{const f=m[el.dataset.component];if(f)f(el);else console.warn("no island "+el.dataset.component)}}document.documentElement.dataset.hydrated="true"}})}}"#
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=script></script> }
}

/// This response's Content-Security-Policy nonce, put into the request by the server's middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The page for this request: `lang`/`dir` on `<html>`, the stylesheet, the boot data the
/// browser hydrates from, and the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let boot = boot_for_request();
    provide_context(boot.clone());
    // The hydration loader is an inline script: it runs only with the nonce the CSP names.
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang=boot.lang.code() dir=boot.lang.dir()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <IslandLoader options/>
                <MetaTags/>
                <script type="application/json" id="boot" inner_html=boot.to_script_json()></script>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

fn boot_for_request() -> Boot {
    let parts = use_context::<http::request::Parts>();
    let lang = parts.as_ref().map(from_parts).unwrap_or_default();
    let team = match (use_context::<AppState>(), parts) {
        (Some(s), Some(p)) => public_team(&s, &p).details,
        _ => Default::default(),
    };
    let echo = use_context::<FormEcho>();
    // A page shown again after a failed submit keeps its key: the retry is the same request.
    // Without a random source the page gets no key; the submit then needs one and fails closed.
    let form_key = echo
        .as_ref()
        .and_then(|e| valid_form_key(e.values.get(field::KEY)))
        .or_else(|| form_key().ok())
        .unwrap_or_default();
    Boot {
        lang,
        team,
        form_key,
        echo,
        staff_echo: use_context::<StaffEcho>(),
    }
}
