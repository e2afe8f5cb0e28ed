//! Live updates in the browser: one `EventSource` on `/events` per page, opened by the admin
//! and portal shells once the page is interactive (on an islands page, one shared by its
//! islands: the Messages tab's badge and the conversation). It keeps the unread counts (the
//! envelope's and the Messages tab's badges), the calendar icon's count (staff), and a counter
//! per changed conversation, which open threads watch to reload.

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
    let Some(source) = open() else {
        return;
    };
    on_unread(&source, move |counts| live.unread.set(Some(counts)));
    on_event(&source, "calendar", move |data| {
        if let Ok(count) = data.parse::<u64>() {
            live.calendar.set(Some(count));
        }
    });
    on_conversation(&source, move |id| {
        live.changed.update(|(changed, n)| {
            *changed = id;
            *n += 1;
        });
    });
    // The stream lives as long as the page: the browser keeps it open and reconnects it.
    std::mem::forget(source);
}

/// Calls `f` with every unread count this login receives (an island, which has no shell's
/// [`Live`] to share).
#[cfg(feature = "hydrate")]
pub fn watch_unread(f: impl Fn(UnreadCounts) + 'static) {
    if let Some(source) = shared() {
        on_unread(&source, f);
    }
}

/// Calls `f` with the client of every conversation that changes (a message or a read), for an
/// island.
#[cfg(feature = "hydrate")]
pub fn watch_conversations(f: impl Fn(i32) + 'static) {
    if let Some(source) = shared() {
        on_conversation(&source, f);
    }
}

/// A new stream of this login's live events.
#[cfg(feature = "hydrate")]
fn open() -> Option<web_sys::EventSource> {
    web_sys::EventSource::new("/events").ok()
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The one stream that the islands of a page share, opened by the first that watches.
    static SHARED: std::cell::OnceCell<Option<web_sys::EventSource>> = const { std::cell::OnceCell::new() };
}

/// The page's stream for its islands: one per page, however many islands watch it (the server
/// caps the streams of a session). It lives as long as the page.
#[cfg(feature = "hydrate")]
fn shared() -> Option<web_sys::EventSource> {
    SHARED.with(|stream| stream.get_or_init(open).clone())
}

/// Calls `f` with each `unread` event's counts.
#[cfg(feature = "hydrate")]
fn on_unread(source: &web_sys::EventSource, f: impl Fn(UnreadCounts) + 'static) {
    on_event(source, "unread", move |data| {
        if let Ok(counts) = serde_json::from_str::<UnreadCounts>(&data) {
            f(counts);
        }
    });
}

/// Calls `f` with each `conversation` event's client.
#[cfg(feature = "hydrate")]
fn on_conversation(source: &web_sys::EventSource, f: impl Fn(i32) + 'static) {
    on_event(source, "conversation", move |data| {
        if let Ok(id) = data.parse::<i32>() {
            f(id);
        }
    });
}

/// Calls `f` with the data of each `event` on `source`, for as long as the page lives.
#[cfg(feature = "hydrate")]
fn on_event(source: &web_sys::EventSource, event: &str, f: impl Fn(String) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let listener =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(data) = ev.data().as_string() {
                f(data);
            }
        });
    let _ = source.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    listener.forget();
}
