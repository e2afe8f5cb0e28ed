//! Secure messaging: one conversation per client, shared by the client's assigned staff, the
//! client and the contacts with the messages scope. Reading is always allowed to staff (the
//! history is never deleted); sending needs Allow Secure Messaging through Client Portal to be
//! effective for the client, on both sides. Opening a conversation marks it read (the sender's
//! read receipt). Every send is audited, with metadata only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::messages::{
    check_body, thread_window, Conversation, ConversationSummary, MessageInbox, MessageView,
};
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::actor::Actor;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::store::clients::assigned;
use crate::server::store::entities::{client, message, message_read};
use crate::server::store::live_events::{announce, Topic};
use crate::server::store::messages::unread_in;
use crate::server::store::organizations::zone;
use crate::server::store::refs::Ref;
use crate::server::store::settings;
use crate::server::store::txn::{self, Writer};

/// The viewer as a participant of one conversation.
struct Participant {
    /// `staff:ID` or `portal:ID`.
    key: String,
    name: String,
    staff: bool,
    can_send: bool,
}

/// Whether Allow Secure Messaging through Client Portal is effective for each of `clients`.
async fn messaging_on(
    db: &impl ConnectionTrait,
    organization_id: i32,
    clients: &[i32],
) -> Result<HashMap<i32, bool>, AppError> {
    let org = settings::load(db, organization_id).await?;
    Ok(settings::effective_of_each(db, &org, clients)
        .await?
        .into_iter()
        .map(|(id, on)| (id, on.get(Setting::SecureMessaging)))
        .collect())
}

async fn participant(ctx: &Ctx, client_id: i32) -> Result<(client::Model, Participant), AppError> {
    let db = ctx.db();
    match &ctx.actor {
        Some(Actor::Staff(staff)) => {
            // The conversation belongs to the client's assigned staff.
            let client = assigned(db, staff.id)
                .await?
                .into_iter()
                .find(|c| c.id == client_id && c.organization_id == staff.organization_id)
                .ok_or(AppError::NotFound)?;
            let on = messaging_on(db, staff.organization_id, &[client_id]).await?;
            Ok((
                client,
                Participant {
                    key: staff.label().to_string(),
                    name: staff.name.clone(),
                    staff: true,
                    can_send: on.get(&client_id).copied().unwrap_or(false),
                },
            ))
        }
        Some(Actor::Portal(portal)) => {
            ctx.permit_for(client_id, Ability::Messages).await?;
            let client = client::Entity::find_by_id(client_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((
                client,
                Participant {
                    key: portal.label().to_string(),
                    name: portal.name.clone(),
                    staff: false,
                    can_send: true,
                },
            ))
        }
        None => Err(AppError::Unauthenticated),
    }
}

/// Moves `reader`'s read pointer in the conversation up to `last_id` (never back).
async fn read_up_to(
    db: &impl Writer,
    client_id: i32,
    reader: &str,
    last_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let current = message_read::Entity::find_by_id((client_id, reader.to_owned()))
        .one(db)
        .await?;
    if current.as_ref().is_some_and(|r| r.last_read_id >= last_id) {
        return Ok(false);
    }
    let _turn = db.single_write().await;
    message_read::Entity::insert(message_read::ActiveModel {
        client_id: Set(client_id),
        reader_key: Set(reader.to_owned()),
        last_read_id: Set(last_id),
        read_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            message_read::Column::ClientId,
            message_read::Column::ReaderKey,
        ])
        .update_columns([
            message_read::Column::LastReadId,
            message_read::Column::ReadAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(true)
}

fn side_prefix(staff: bool) -> &'static str {
    if staff {
        "staff:"
    } else {
        "portal:"
    }
}

/// The conversation's latest messages (`shown` of them, see [`thread_window`]), which the
/// viewer has now read: the other side's messages get their read receipt, and the change goes
/// out live.
pub async fn conversation(
    ctx: &Ctx,
    client_id: i32,
    shown: Option<u32>,
    by_person: bool,
    now: DateTime<Utc>,
) -> Result<Conversation, AppError> {
    let (client, me) = participant(ctx, client_id).await?;
    let db = ctx.db();
    let shown = thread_window(shown);
    let mut rows = message::Entity::find()
        .filter(message::Column::ClientId.eq(client_id))
        .order_by_desc(message::Column::Id)
        .limit(u64::from(shown) + 1)
        .all(db)
        .await?;
    let has_earlier = rows.len() > shown as usize;
    rows.truncate(shown as usize);
    rows.reverse();
    if let Some(last) = rows.last() {
        if read_up_to(db, client_id, &me.key, last.id, now).await? {
            // The first read by the other side is the sender's "Seen".
            let other_side = side_prefix(!me.staff);
            let turn = db.single_write().await;
            message::Entity::update_many()
                .col_expr(message::Column::SeenAt, Some(now).into())
                .filter(message::Column::ClientId.eq(client_id))
                .filter(message::Column::Id.lte(last.id))
                .filter(message::Column::SeenAt.is_null())
                .filter(message::Column::SenderKey.starts_with(other_side))
                .exec(db)
                .await?;
            drop(turn);
            announce(db, Topic::Conversation(client_id), now).await;
        }
    }
    // A staff member opening the conversation (not the page's own reload after a live change)
    // is a view of the client's record.
    if me.staff && by_person {
        ctx.record_event("messages.viewed", Ref::Client(client_id), None)
            .await?;
    }
    let (tz, _) = zone(db, client.organization_id).await?;
    let time = |at: DateTime<Utc>| at.with_timezone(&tz).format("%-d %b, %H:%M").to_string();
    let messages = rows
        .into_iter()
        .map(|m| {
            let mine = m.sender_key == me.key;
            MessageView {
                id: m.id,
                mine,
                sender: m.sender_name.clone(),
                at: time(m.created_at),
                // A receipt only on the viewer's own messages, read by the other side.
                seen: m
                    .seen_at
                    .filter(|_| mine)
                    .map(|at| format!("Seen {}", at.with_timezone(&tz).format("%H:%M"))),
                body: m.body,
            }
        })
        .collect();
    Ok(Conversation {
        client: client.to_ref(),
        messages,
        shown,
        has_earlier,
        can_send: me.can_send,
    })
}

/// Sends a message to the conversation; returns its id. 403 when messaging is not effective
/// for the client (either side); the body is checked by the shared rule.
/// Messages one person may send in one conversation within [`SEND_WINDOW_MINUTES`].
pub const MAX_SENDS_PER_WINDOW: u64 = 60;
pub const SEND_WINDOW_MINUTES: i64 = 10;

pub async fn send(
    ctx: &Ctx,
    client_id: i32,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (client, me) = participant(ctx, client_id).await?;
    if !me.can_send {
        return Err(ctx
            .deny(Ref::Client(client_id).area("messages"), AppError::Forbidden)
            .await);
    }
    let body = check_body(body).map_err(|m| AppError::invalid("body", &m))?;
    let length = body.chars().count();
    let txn = txn::begin(ctx.db()).await?;
    // A person's messages in one conversation are limited, counted under the conversation's
    // turn so a burst cannot race past the count (a script, or a stuck send button).
    txn::serialize_on(&txn, &format!("messages of client {client_id}")).await?;
    let recent = message::Entity::find()
        .filter(message::Column::ClientId.eq(client_id))
        .filter(message::Column::SenderKey.eq(me.key.as_str()))
        .filter(message::Column::CreatedAt.gt(now - chrono::Duration::minutes(SEND_WINDOW_MINUTES)))
        .count(&*txn)
        .await?;
    if recent >= MAX_SENDS_PER_WINDOW {
        return Err(AppError::TooFrequent(format!(
            "You have sent {MAX_SENDS_PER_WINDOW} messages in this conversation in the last \
             {SEND_WINDOW_MINUTES} minutes. Please wait a few minutes before sending more."
        )));
    }
    let row = message::ActiveModel {
        id: NotSet,
        organization_id: Set(client.organization_id),
        client_id: Set(client_id),
        sender_key: Set(me.key.clone()),
        sender_name: Set(me.name.clone()),
        body: Set(body),
        created_at: Set(now),
        seen_at: Set(None),
        notified_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    // The sender has read their own message.
    read_up_to(&*txn, client_id, &me.key, row.id, now).await?;
    // Metadata only: never the body.
    let object = Ref::Client(client_id).and(Ref::Message(row.id));
    let length = Some(format!("{length} characters"));
    txn.commit_audited(ctx.entry("message.sent", object, None, length))
        .await?;
    announce(ctx.db(), Topic::Conversation(client_id), now).await;
    Ok(row.id)
}

/// The envelope's page: conversations with messages, newest first, and the assigned clients
/// a new message can go to (messaging effective).
pub async fn inbox(ctx: &Ctx) -> Result<MessageInbox, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let clients = assigned(db, staff.id).await?;
    let ids: Vec<i32> = clients.iter().map(|c| c.id).collect();
    let on = messaging_on(db, staff.organization_id, &ids).await?;
    let reader = Ref::Staff(staff.id).to_string();
    let unread = unread_in(db, &reader, &ids).await?;
    let (tz, _) = zone(db, staff.organization_id).await?;
    // The newest message of each conversation, in one query.
    let newest = Query::select()
        .expr(Func::max(Expr::col(message::Column::Id)))
        .from(message::Entity)
        .and_where(message::Column::ClientId.is_in(ids.iter().copied()))
        .group_by_col(message::Column::ClientId)
        .to_owned();
    let lasts: HashMap<i32, message::Model> = message::Entity::find()
        .filter(message::Column::Id.in_subquery(newest))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.client_id, m))
        .collect();
    let mut conversations = Vec::new();
    for c in &clients {
        if let Some(last) = lasts.get(&c.id).cloned() {
            conversations.push((
                last.id,
                ConversationSummary {
                    client: c.to_ref(),
                    last_at: Some(
                        last.created_at
                            .with_timezone(&tz)
                            .format("%-d %b, %H:%M")
                            .to_string(),
                    ),
                    last_from: Some(last.sender_name),
                    unread: unread.of(c.id),
                    can_send: on.get(&c.id).copied().unwrap_or(false),
                },
            ));
        }
    }
    conversations.sort_by_key(|c| std::cmp::Reverse(c.0));
    Ok(MessageInbox {
        conversations: conversations.into_iter().map(|(_, s)| s).collect(),
        startable: clients
            .iter()
            .filter(|c| on.get(&c.id).copied().unwrap_or(false))
            .map(|c| c.to_ref())
            .collect(),
    })
}
