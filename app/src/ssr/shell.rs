//! The HTML document around the app, rendered only on the server.
use super::infra::random::{form_key, valid_form_key};
use super::lang::from_parts;
use super::state::AppState;
use crate::models::boot::{Boot, FormEcho, StaffEcho};
use crate::models::contact::field;
use crate::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;

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
                <HydrationScripts options/>
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
    let lang = use_context::<http::request::Parts>()
        .map(|p| from_parts(&p))
        .unwrap_or_default();
    let team = use_context::<AppState>()
        .map(|s| s.team.get())
        .unwrap_or_default();
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
