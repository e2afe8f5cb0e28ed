//! Live updates in the browser: one `EventSource` on `/events` per page, opened by the admin
//! and portal shells once the page is interactive. It keeps the unread counts (the envelope's
//! and the Messages tab's badges), the calendar icon's count (staff), and a counter per changed
//! conversation, which open threads watch to reload.

use leptos::prelude::*;

use crate::domain::messages::UnreadCounts;

/// The live state of this page.
#[derive(Clone, Copy)]
pub struct Live {
    /// `None` until the first event arrives (the server-rendered counts stand until then).
    pub unread: RwSignal<Option<UnreadCounts>>,
    /// The last changed conversation and a counter of changes.
    pub changed: RwSignal<(i32, u64)>,
    /// The calendar icon's count (staff); `None` until the first event arrives.
    pub calendar: RwSignal<Option<u64>>,
}

impl Live {
    /// Counts changes to conversation `client_id`, to key a resource on.
    pub fn changes_of(self, client_id: impl Fn() -> i32 + Send + Sync + 'static) -> Memo<u64> {
        Memo::new(move |previous: Option<&u64>| {
            let (changed, n) = self.changed.get();
            match previous {
                Some(p) if changed != client_id() => *p,
                _ => n,
            }
        })
    }
}

/// Provides [`Live`] to the page and connects it in the browser.
pub fn provide_live() -> Live {
    let live = Live {
        unread: RwSignal::new(None),
        changed: RwSignal::new((0, 0)),
        calendar: RwSignal::new(None),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| connect(live));
    live
}

/// The page's [`Live`], if a shell provided one.
pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

#[cfg(feature = "hydrate")]
fn connect(live: Live) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    let on_unread =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(counts) = ev
                .data()
                .as_string()
                .and_then(|d| serde_json::from_str::<UnreadCounts>(&d).ok())
            {
                live.unread.set(Some(counts));
            }
        });
    let on_conversation =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(id) = ev.data().as_string().and_then(|d| d.parse::<i32>().ok()) {
                live.changed.update(|(changed, n)| {
                    *changed = id;
                    *n += 1;
                });
            }
        });
    let on_calendar =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(count) = ev.data().as_string().and_then(|d| d.parse::<u64>().ok()) {
                live.calendar.set(Some(count));
            }
        });
    let _ = source.add_event_listener_with_callback("unread", on_unread.as_ref().unchecked_ref());
    let _ =
        source.add_event_listener_with_callback("calendar", on_calendar.as_ref().unchecked_ref());
    let _ = source
        .add_event_listener_with_callback("conversation", on_conversation.as_ref().unchecked_ref());
    // The stream lives as long as the page: the browser keeps it open and reconnects it.
    on_unread.forget();
    on_conversation.forget();
    on_calendar.forget();
    std::mem::forget(source);
}
