//! The portal's Messages tab (only while secure messaging is effective for this login): the
//! conversation with the care team, updated live, and the reply form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::form::successes;
use super::live::use_live;
use super::messages::Thread;
use super::{route_id, ErrorNotice};
use crate::api::messages::{get_conversation, SendMessage};

/// `/portal/clients/:id/messages`.
#[component]
pub fn PortalMessagesPage() -> impl IntoView {
    let client = route_id("id");
    let send = ServerAction::<SendMessage>::new();
    let sent = successes(send.value(), send.version());
    let changes = use_live().map(|l| l.changes_of(client));
    let conversation = Resource::new(
        move || (client(), sent.get(), changes.map(|c| c.get())),
        |(c, ..)| get_conversation(c),
    );
    view! {
        <Title text="Messages"/>
        <h1>"Messages"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(c) => view! {
                        <Thread conversation=c action=send off_notice="Messaging is not available right now."/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
