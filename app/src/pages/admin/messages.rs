//! The envelope: the therapist's conversations with their assigned clients (unread counts update
//! live), a new message to any assigned client whose messaging is effective, and each thread.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::messages::{get_message_inbox, SendMessage};
use crate::domain::messages::MessageInbox;
use crate::pages::form::{successes, ActionMessage, Submit};
use crate::pages::live::use_live;
use crate::pages::messages::{conversation_resource, MessageField, Thread};
use crate::pages::{route_id, ErrorNotice};

/// `/admin/messages`.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let send = ServerAction::<SendMessage>::new();
    let sent = successes(send.value(), send.version());
    let live = use_live();
    let inbox = Resource::new(
        move || (sent.get(), live.map(|l| l.changed.get().1)),
        |_| get_message_inbox(),
    );
    // After a new message, open its thread.
    let to = RwSignal::new(0);
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let now = sent.get();
        if previous.is_some_and(|p| p != now) && to.get_untracked() > 0 {
            navigate(
                &format!("/admin/messages/{}", to.get_untracked()),
                Default::default(),
            );
        }
        now
    });
    view! {
        <Title text="Messages"/>
        <h1>"Messages"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) => view! { <Inbox inbox send to/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Inbox(inbox: MessageInbox, send: ServerAction<SendMessage>, to: RwSignal<i32>) -> impl IntoView {
    if let Some(first) = inbox.startable.first() {
        if to.get_untracked() == 0 {
            to.set(first.id);
        }
    }
    view! {
        <section aria-labelledby="conversations-heading">
            <h2 id="conversations-heading">"Conversations"</h2>
            {if inbox.conversations.is_empty() {
                view! { <p class="empty">"No messages yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows conversations">
                        {inbox.conversations.into_iter().map(|c| view! {
                            <li class="row">
                                <div>
                                    <A href=format!("/admin/messages/{}", c.client.id)>{c.client.name.clone()}</A>
                                    <div class="meta">
                                        {c.last_at.clone().unwrap_or_default()}{c.last_from.clone().map(|f| format!(" · {f}"))}
                                        {(!c.can_send).then_some(" · messaging off")}
                                    </div>
                                </div>
                                {(c.unread > 0).then(|| view! {
                                    <span class="badge">{c.unread}</span><span class="sr-only">" unread"</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="new-message-heading">
            <h2 id="new-message-heading">"New message"</h2>
            {if inbox.startable.is_empty() {
                view! { <p class="empty">"None of your clients can receive messages right now."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=send attr:class="stacked">
                        <div class="field">
                            <label for="new-message-client">"To"</label>
                            <select id="new-message-client" name="client_id"
                                on:change=move |ev| to.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {inbox.startable.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <MessageField id="new-message-body" action=send/>
                        <ActionMessage value=send.value() success="Sent."/>
                        <Submit label="Send" pending_label="Sending…" pending=send.pending()/>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// `/admin/messages/:client`.
#[component]
pub fn ThreadPage() -> impl IntoView {
    let client = route_id("client");
    let send = ServerAction::<SendMessage>::new();
    let conversation = conversation_resource(client, send);
    view! {
        <p><A href="/admin/messages">"All conversations"</A></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(c) => view! {
                        <Title text=format!("Messages with {}", c.client.name)/>
                        <h1>{format!("Messages with {}", c.client.name)}</h1>
                        <Thread conversation=c action=send
                            off_notice="Secure messaging is turned off for this client. The history stays here; new messages cannot be sent."/>
                    }.into_any(),
                    Err(e) => view! { <Title text="Messages"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
