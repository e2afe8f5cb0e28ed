//! The portal's Messages tab (only while secure messaging is effective for this login): the
//! conversation with the care team, updated live, and the reply form. Loaded afresh, it is an
//! islands page, whose conversation is one island (`islands::ConversationIsland`).

use leptos::prelude::*;
use leptos_meta::Title;

use super::islands::thread;
use super::messages::conversation_resource;
use super::{route_id, ErrorNotice};
use crate::api::messages::SendMessage;

/// `/portal/clients/:id/messages`.
#[component]
pub fn PortalMessagesPage() -> impl IntoView {
    let client = route_id("id");
    let send = ServerAction::<SendMessage>::new();
    let conversation = conversation_resource(client, send);
    view! {
        <Title text="Messages"/>
        <h1>"Messages"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(c) => thread(c, send),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
