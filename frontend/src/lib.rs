//! The browser entry points: hydrate the server-rendered page, or, offline, render the app in
//! the browser from the shell the service worker keeps.
#![forbid(unsafe_code)]

fn mark_interactive() {
    // Lets browser tests (and curious people) see that the page is interactive now.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "1");
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    mark_interactive();
}

/// Renders the whole app in the browser (the offline shell has no server-rendered page).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    mark_interactive();
}
