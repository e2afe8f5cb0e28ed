//! Unread message counts per conversation, in two queries whatever the number of conversations.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::messages::UnreadCounts;
use crate::error::AppError;
use crate::server::store::entities::{message, message_read};

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
