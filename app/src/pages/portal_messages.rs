//! The portal's Messages tab (only while secure messaging is effective for this login): the
//! conversation with the care team, updated live, and the reply form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::messages::{conversation_resource, Thread};
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
                    Ok(c) => view! {
                        <Thread conversation=c action=send off_notice="Messaging is not available right now."/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
