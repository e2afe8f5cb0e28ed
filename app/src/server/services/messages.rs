//! Secure messaging: one conversation per client, shared by the client's assigned staff, the
//! client and the contacts with the messages scope. Reading is always allowed to staff (the
//! history is never deleted); sending needs Allow Secure Messaging through Client Portal to be
//! effective for the client, on both sides. Opening a conversation marks it read (the sender's
//! read receipt). Every send is audited, with metadata only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::domain::messages::{
    check_body, thread_window, Conversation, ConversationSummary, MessageInbox, MessageView,
    UnreadCounts,
};
use crate::domain::settings::{effective, Setting};
use crate::domain::validation::FieldErrors;
use crate::domain::viewer::ClientRef;
use crate::error::AppError;
use crate::server::actor::Actor;
use crate::server::context::Ctx;
use crate::server::entities::{client, client_staff, message, message_read};
use crate::server::live::{announce, Topic};
use crate::server::services::appointments::zone;
use crate::server::services::portal::acting_for;
use crate::server::services::settings;

/// The viewer as a participant of one conversation.
struct Participant {
    /// `staff:ID` or `portal:ID`.
    key: String,
    name: String,
    staff: bool,
    can_send: bool,
}

fn client_ref(c: &client::Model) -> ClientRef {
    ClientRef {
        id: c.id,
        name: format!("{} {}", c.first_name, c.last_name),
    }
}

/// Whether Allow Secure Messaging through Client Portal is effective for each of `clients`.
async fn messaging_on(
    db: &impl ConnectionTrait,
    organization_id: i32,
    clients: &[i32],
) -> Result<HashMap<i32, bool>, AppError> {
    let org = settings::load(db, organization_id).await?;
    let off = settings::overrides_of(db, clients).await?;
    Ok(clients
        .iter()
        .map(|id| {
            let client_off = off.get(id).copied().unwrap_or_default();
            (
                *id,
                effective(&org.org, &client_off, org.card_processing())
                    .get(Setting::SecureMessaging),
            )
        })
        .collect())
}

/// The clients assigned to staff member `staff_id`.
async fn assigned(
    db: &impl ConnectionTrait,
    staff_id: i32,
) -> Result<Vec<client::Model>, AppError> {
    let ids: Vec<i32> = client_staff::Entity::find()
        .filter(client_staff::Column::StaffId.eq(staff_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.client_id)
        .collect();
    Ok(client::Entity::find()
        .filter(client::Column::Id.is_in(ids))
        .order_by_asc(client::Column::FirstName)
        .order_by_asc(client::Column::LastName)
        .all(db)
        .await?)
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
                    key: format!("staff:{}", staff.id),
                    name: staff.name.clone(),
                    staff: true,
                    can_send: on.get(&client_id).copied().unwrap_or(false),
                },
            ))
        }
        Some(Actor::Portal(portal)) => {
            let (_, abilities) = acting_for(ctx, client_id).await?;
            if !abilities.messages {
                return Err(ctx
                    .deny(&format!("client:{client_id}:messages"), AppError::Forbidden)
                    .await);
            }
            let client = client::Entity::find_by_id(client_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((
                client,
                Participant {
                    key: format!("portal:{}", portal.account_id),
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
    db: &impl ConnectionTrait,
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
            message::Entity::update_many()
                .col_expr(message::Column::SeenAt, Some(now).into())
                .filter(message::Column::ClientId.eq(client_id))
                .filter(message::Column::Id.lte(last.id))
                .filter(message::Column::SeenAt.is_null())
                .filter(message::Column::SenderKey.starts_with(other_side))
                .exec(db)
                .await?;
            announce(db, Topic::Conversation(client_id), now).await;
        }
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
        client: client_ref(&client),
        messages,
        shown,
        has_earlier,
        can_send: me.can_send,
    })
}

/// Sends a message to the conversation; returns its id. 403 when messaging is not effective
/// for the client (either side); the body is checked by the shared rule.
pub async fn send(
    ctx: &Ctx,
    client_id: i32,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (client, me) = participant(ctx, client_id).await?;
    if !me.can_send {
        return Err(ctx
            .deny(&format!("client:{client_id}:messages"), AppError::Forbidden)
            .await);
    }
    let body = check_body(body).map_err(|m| AppError::Invalid(FieldErrors::single("body", &m)))?;
    let length = body.chars().count();
    let db = ctx.db();
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
    .insert(db)
    .await?;
    // The sender has read their own message.
    read_up_to(db, client_id, &me.key, row.id, now).await?;
    announce(db, Topic::Conversation(client_id), now).await;
    // Metadata only: never the body.
    ctx.audit(
        "message.sent",
        &format!("client:{client_id} message:{}", row.id),
        None,
        Some(format!("{length} characters")),
    )
    .await?;
    Ok(row.id)
}

/// Unread messages of `reader` in each of `clients`: newer than their read pointer and not
/// their own. Two queries, whatever the number of clients (this runs on every admin page).
pub async fn unread_in(
    db: &impl ConnectionTrait,
    reader: &str,
    clients: &[i32],
) -> Result<UnreadCounts, AppError> {
    if clients.is_empty() {
        return Ok(UnreadCounts::default());
    }
    let pointers: HashMap<i32, i32> = message_read::Entity::find()
        .filter(message_read::Column::ReaderKey.eq(reader))
        .filter(message_read::Column::ClientId.is_in(clients.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.client_id, r.last_read_id))
        .collect();
    let newer = clients.iter().fold(Condition::any(), |any, client_id| {
        any.add(
            Condition::all()
                .add(message::Column::ClientId.eq(*client_id))
                .add(message::Column::Id.gt(pointers.get(client_id).copied().unwrap_or(0))),
        )
    });
    let rows: Vec<(i32, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::ClientId)
        .column_as(message::Column::Id.count(), "unread")
        .filter(message::Column::SenderKey.ne(reader))
        .filter(newer)
        .group_by(message::Column::ClientId)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = UnreadCounts::default();
    for (client_id, n) in rows {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        counts.by_client.push((client_id, n));
        counts.total = counts.total.saturating_add(n);
    }
    counts.by_client.sort_unstable();
    Ok(counts)
}

/// The conversations the signed-in person takes part in: a staff member's assigned clients;
/// a portal login's clients whose messaging it may use.
pub async fn my_conversations(ctx: &Ctx) -> Result<(String, Vec<i32>), AppError> {
    match &ctx.actor {
        Some(Actor::Staff(staff)) => Ok((
            format!("staff:{}", staff.id),
            assigned(ctx.db(), staff.id)
                .await?
                .iter()
                .map(|c| c.id)
                .collect(),
        )),
        Some(Actor::Portal(portal)) => {
            let mut ids = Vec::new();
            for acting in &portal.clients {
                if acting_for(ctx, acting.client.id).await?.1.messages {
                    ids.push(acting.client.id);
                }
            }
            Ok((format!("portal:{}", portal.account_id), ids))
        }
        None => Err(AppError::Unauthenticated),
    }
}

/// The signed-in person's unread messages (the envelope's badge; the portal's Messages tab).
pub async fn unread(ctx: &Ctx) -> Result<UnreadCounts, AppError> {
    let (reader, clients) = my_conversations(ctx).await?;
    unread_in(ctx.db(), &reader, &clients).await
}

/// The envelope's page: conversations with messages, newest first, and the assigned clients
/// a new message can go to (messaging effective).
pub async fn inbox(ctx: &Ctx) -> Result<MessageInbox, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let clients = assigned(db, staff.id).await?;
    let ids: Vec<i32> = clients.iter().map(|c| c.id).collect();
    let on = messaging_on(db, staff.organization_id, &ids).await?;
    let reader = format!("staff:{}", staff.id);
    let unread = unread_in(db, &reader, &ids).await?;
    let (tz, _) = zone(db, staff.organization_id).await?;
    let mut conversations = Vec::new();
    for c in &clients {
        let last = message::Entity::find()
            .filter(message::Column::ClientId.eq(c.id))
            .order_by_desc(message::Column::Id)
            .one(db)
            .await?;
        if let Some(last) = last {
            conversations.push((
                last.id,
                ConversationSummary {
                    client: client_ref(c),
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
            .map(client_ref)
            .collect(),
    })
}
