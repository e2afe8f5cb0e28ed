//! An islands bundle: what a browser loads for an islands page (sign-in and the pages behind its
//! links, and the portal: `app::pages::islands`). It holds islands of `app` (by default the
//! islands pages'; with the `tasks` feature a form to fill in's and card entry's, with
//! `insurance` Billing & Insurance Info's) and this entry point, which the page's inline script
//! calls before it hydrates each island; the build (`build`, beside this crate) makes the three
//! bundles and splits each lazy island out into a file of its own.

// Links `app`, whose islands are this bundle's exports (`_island_…`).
use app as _;

/// Starts the reactive system of an islands page; the page's script then hydrates each island.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
