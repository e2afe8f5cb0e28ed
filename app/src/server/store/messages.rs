//! Unread message counts per conversation, in one query whatever the number of conversations
//! (and, for the live streams, whatever the number of readers).

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};

use crate::domain::messages::UnreadCounts;
use crate::error::AppError;
use crate::server::store::entities::{client_staff, message, message_read};
use crate::server::store::refs::Ref;

/// Unread messages of `reader` in each of `clients`: newer than their read pointer and not
/// their own. One query, whatever the number of clients (this runs on every admin page).
pub async fn unread_in(
    db: &impl ConnectionTrait,
    reader: &str,
    clients: &[i32],
) -> Result<UnreadCounts, AppError> {
    if clients.is_empty() {
        return Ok(UnreadCounts::default());
    }
    let rows: Vec<(i32, i64)> = unread_messages(reader, clients)
        .select_only()
        .column(message::Column::ClientId)
        .column_as(message::Column::Id.count(), "unread")
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

/// Readers asked about in one statement by [`unread_of`] (each is one part of a `UNION ALL`).
const READERS_PER_STATEMENT: usize = 100;

/// Unread messages of several readers, each in some conversations: `(reader, client) → count`,
/// with no entry where nothing is unread. One statement per 100 readers, whatever the number
/// of conversations (the live streams' counts after a change).
pub async fn unread_of(
    db: &impl ConnectionTrait,
    wanted: &[(String, Vec<i32>)],
) -> Result<HashMap<(String, i32), u32>, AppError> {
    let mut counts = HashMap::new();
    let wanted: Vec<_> = wanted.iter().filter(|(_, c)| !c.is_empty()).collect();
    for chunk in wanted.chunks(READERS_PER_STATEMENT) {
        let mut parts = chunk.iter().map(|(reader, clients)| {
            unread_messages(reader, clients)
                .select_only()
                .expr_as(Expr::val(reader.as_str()), "reader")
                .column(message::Column::ClientId)
                .column_as(message::Column::Id.count(), "unread")
                .group_by(message::Column::ClientId)
                .into_query()
        });
        let Some(mut select) = parts.next() else {
            continue;
        };
        for part in parts {
            select.union(UnionType::All, part);
        }
        for row in db.query_all(&select).await? {
            let reader: String = row.try_get("", "reader")?;
            let client_id: i32 = row.try_get("", "client_id")?;
            let n: i64 = row.try_get("", "unread")?;
            counts.insert((reader, client_id), u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    Ok(counts)
}

/// The messages of `clients` that `reader` has not read: newer than their read pointer and not
/// their own (to count, or to use as a sub-query).
pub fn unread_messages(reader: &str, clients: &[i32]) -> Select<message::Entity> {
    unread_messages_where(
        reader,
        message::Column::ClientId.is_in(clients.iter().copied()),
    )
}

/// The messages in the conversations of the clients assigned to staff member `staff_id` that
/// they have not read (the envelope's number), as a query.
pub fn unread_by_staff(staff_id: i32) -> Select<message::Entity> {
    let assigned = Query::select()
        .column(client_staff::Column::ClientId)
        .from(client_staff::Entity)
        .and_where(client_staff::Column::StaffId.eq(staff_id))
        .to_owned();
    unread_messages_where(
        &Ref::Staff(staff_id).to_string(),
        message::Column::ClientId.in_subquery(assigned),
    )
}

fn unread_messages_where(reader: &str, clients: SimpleExpr) -> Select<message::Entity> {
    let read = Query::select()
        .expr(Expr::val(1))
        .from(message_read::Entity)
        .and_where(
            Expr::col((message_read::Entity, message_read::Column::ClientId))
                .equals((message::Entity, message::Column::ClientId)),
        )
        .and_where(Expr::col((message_read::Entity, message_read::Column::ReaderKey)).eq(reader))
        .and_where(
            Expr::col((message_read::Entity, message_read::Column::LastReadId))
                .gte(Expr::col((message::Entity, message::Column::Id))),
        )
        .to_owned();
    message::Entity::find()
        .filter(clients)
        .filter(message::Column::SenderKey.ne(reader))
        .filter(Expr::not_exists(read))
}
