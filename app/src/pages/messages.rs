//! A conversation on a page: the messages (text always escaped; only plain http and https
//! addresses become links) with read receipts on the viewer's own, and the reply form, which
//! runs the shared message rule as the user types. Shared by the envelope's thread page and the
//! portal's Messages tab (whose islands page has them in `ConversationIsland`).

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::messages::{get_conversation, SendMessage};
use crate::domain::messages::{
    check_body, segments, Conversation, Segment, MAX_MESSAGE, THREAD_PAGE,
};
use crate::error::AppError;
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::live::use_live;

/// The conversation of `client`, reloaded after each message sent with `send` and whenever it
/// changes live (a message or a read, from anyone, in any server process). The page's `shown`
/// query says how many of the latest messages it shows (one page by default).
pub fn conversation_resource(
    client: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    send: ServerAction<SendMessage>,
) -> Resource<Result<Conversation, AppError>> {
    let sent = successes(send.value(), send.version());
    let changes = use_live().map(|l| l.changes_of(client));
    let query = use_query_map();
    let shown = move || query.with(|q| q.get("shown").and_then(|s| s.parse::<u32>().ok()));
    // A reload caused by a live change alone is the page's, not the person's.
    let last_change = StoredValue::new(0u64);
    Resource::new(
        move || {
            (
                client(),
                shown(),
                sent.get(),
                changes.map(|c| c.get()).unwrap_or(0),
            )
        },
        move |(c, shown, _, change)| {
            let live = change != last_change.get_value();
            last_change.set_value(change);
            get_conversation(c, shown, live.then_some(true))
        },
    )
}

/// A message body: text, and links for plain http and https addresses.
#[component]
pub fn MessageBody(body: String) -> impl IntoView {
    segments(&body)
        .into_iter()
        .map(|s| match s {
            Segment::Text(text) => text.into_any(),
            Segment::Link(url) => {
                let href = url.clone();
                view! { <a href=href rel="noopener noreferrer nofollow" target="_blank">{url}</a> }
                    .into_any()
            }
        })
        .collect_view()
}

/// The messages and, when the viewer may send, the reply form; otherwise `off_notice`.
#[component]
pub fn Thread(
    conversation: Conversation,
    action: ServerAction<SendMessage>,
    off_notice: &'static str,
) -> impl IntoView {
    let client_id = conversation.client.id;
    let can_send = conversation.can_send;
    let path = use_location().pathname.get_untracked();
    view! {
        <ThreadMessages conversation path/>
        {if can_send {
            view! { <ReplyForm client_id action/> }.into_any()
        } else {
            view! { <p class="notice" role="note">{off_notice}</p> }.into_any()
        }}
    }
}

/// The messages of a conversation, oldest first, after a link to earlier ones (on the page at
/// `path`) when there are more.
#[component]
pub fn ThreadMessages(conversation: Conversation, path: String) -> impl IntoView {
    // A plain link, so that it works before the page is interactive too.
    let earlier = conversation.has_earlier.then(|| {
        let href = format!("{path}?shown={}", conversation.shown + THREAD_PAGE);
        view! { <p class="earlier"><a href=href>"Show earlier messages"</a></p> }
    });
    view! {
        {earlier}
        {if conversation.messages.is_empty() {
            view! { <p class="empty">"No messages yet."</p> }.into_any()
        } else {
            view! {
                <ol class="thread" aria-label=format!("Messages with {}", conversation.client.name)>
                    {conversation.messages.into_iter().map(|m| view! {
                        <li class=if m.mine { "message mine" } else { "message" }>
                            <div class="meta"><strong>{m.sender}</strong>" · "{m.at}</div>
                            <p class="body"><MessageBody body=m.body/></p>
                            {m.seen.map(|s| view! { <div class="seen">{s}</div> })}
                        </li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The reply form of the conversation with `client_id`.
#[component]
pub fn ReplyForm(client_id: i32, action: ServerAction<SendMessage>) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class="stacked reply">
            <input type="hidden" name="client_id" value=client_id/>
            <MessageField id="message-body" action/>
            <ActionMessage value=action.value()/>
            <Submit label="Send" pending_label="Sending…" pending=action.pending()/>
        </ActionForm>
    }
}

/// The message box: the shared message rule as the user types (blocking the submission), a
/// character count, and the server's message for the body. It empties after each message sent.
#[component]
pub fn MessageField(id: &'static str, action: ServerAction<SendMessage>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let sent = successes(action.value(), action.version());
    Effect::new(move |previous: Option<usize>| {
        let now = sent.get();
        if previous.is_some_and(|p| p != now) {
            text.set(String::new());
        }
        now
    });
    let node = NodeRef::<leptos::html::Textarea>::new();
    let local = Memo::new(move |_| {
        let t = text.get();
        if t.is_empty() {
            None
        } else {
            check_body(&t).err()
        }
    });
    Effect::new(move |_| {
        if let Some(area) = node.get() {
            area.set_custom_validity(&local.get().unwrap_or_default());
        }
    });
    let server = server_error(action.value(), "body");
    let count = move || format!("{} / {MAX_MESSAGE}", text.with(|t| t.chars().count()));
    let (error_id, count_id) = (format!("{id}-error"), format!("{id}-count"));
    view! {
        <div class="field">
            <label for=id>"Message"</label>
            <textarea id=id name="body" rows="4" required node_ref=node prop:value=move || text.get()
                aria-describedby=format!("{error_id} {count_id}")
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <p class="meta" id=count_id>{count}</p>
            <p class="field-error" id=error_id aria-live="polite">{move || local.get().or_else(|| server.get())}</p>
        </div>
    }
}
