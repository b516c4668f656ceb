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
    // Hydration waits for the code of a lazily loaded page (see `app::App`'s routes) before it
    // walks the server's HTML, so it runs as a task; the page is interactive when it ends.
    // (An error only says the executor is already set up.)
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document().body().expect("a page has a body");
        leptos::mount::hydrate_from_async(body, app::App).await.forget();
        mark_interactive();
    });
}

/// Renders the whole app in the browser (the offline shell has no server-rendered page).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    mark_interactive();
}
