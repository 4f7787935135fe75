//! The browser side. The pages are rendered on the server; only their islands (the public forms)
//! run here. The page's loader script (`app::ssr::shell`) calls `hydrate`, then each island's
//! exported function on its `<leptos-island>` element.

// Links the app's islands (their `#[wasm_bindgen]` exports) into this bundle.
#[allow(unused_imports)]
use app::pages::public::contact_form as _;

/// Called by the page's loader script once the wasm has loaded, before the islands.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
