//! Two islands like the portal home's interactive parts: the envelope's unread count, kept live
//! by an `EventSource`, and the idle warning with a server action and an `ActionForm`. Everything
//! else of an islands page is server-rendered HTML and ships no WASM.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the envelope shows (as `app::domain::messages::UnreadCounts`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UnreadCounts {
    pub total: u32,
    pub by_client: Vec<(i32, u32)>,
}

/// A server function, so that the client side of one is in the bundle.
#[server]
pub async fn mark_read(client: i32) -> Result<UnreadCounts, ServerFnError> {
    Ok(UnreadCounts {
        total: client as u32,
        by_client: vec![],
    })
}

/// The envelope's unread count, updated by the live stream.
#[island]
pub fn Envelope(initial: UnreadCounts) -> impl IntoView {
    let unread = RwSignal::new(initial);
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        if let Ok(source) = web_sys::EventSource::new("/events") {
            let on_unread = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |ev: web_sys::MessageEvent| {
                    if let Some(n) = ev.data().as_string().and_then(|t| t.parse().ok()) {
                        unread.update(|u| u.total = n);
                    }
                },
            );
            let _ = source
                .add_event_listener_with_callback("unread", on_unread.as_ref().unchecked_ref());
            on_unread.forget();
        }
    });
    view! {
        <a href="/messages" aria-label=move || format!("{} unread", unread.get().total)>
            <span class="badge">{move || unread.get().total}</span>
        </a>
    }
}

/// The idle warning: shown near the end, with a button that calls the server.
#[island]
pub fn IdleWarning(minutes: u32) -> impl IntoView {
    let left = RwSignal::new(minutes);
    let stay = ServerAction::<MarkRead>::new();
    view! {
        <Show when=move || { left.get() < 2 }>
            <div role="alertdialog">
                <p>"You will be signed out soon"</p>
                <button on:click=move |_| {
                    stay.dispatch(MarkRead { client: 1 });
                    left.set(30);
                }>"Stay signed in"</button>
            </div>
        </Show>
        <ActionForm action=stay>
            <input type="hidden" name="client" value="1"/>
            <button>"Mark read"</button>
        </ActionForm>
        <p>{move || stay.value().get().map(|r| r.map(|u| u.total).unwrap_or_default())}</p>
    }
}

/// The browser entry point of an islands page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
