//! The browser side: hydrates the server-rendered page into the interactive app.

/// Called by the page's hydration script once the wasm has loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
