//! The waitlist's writes that other changes make in their own transaction: time freed up (to
//! be offered to waiting clients) and a client taken off a therapist's list once booked.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::server::store::entities::{freed_time, waitlist_entry};

/// `left_reason` of an entry whose client was booked with the therapist.
pub const LEFT_BOOKED: &str = "booked";
/// `left_reason` of an entry the family took back.
pub const LEFT_BY_FAMILY: &str = "left";
/// `left_reason` of an entry staff removed.
pub const REMOVED_BY_STAFF: &str = "removed";

/// Records that staff member `staff_id`'s time from `starts` to `ends` became free, for the
/// waitlist's next pass; nothing for time already past.
pub async fn time_freed(
    db: &impl ConnectionTrait,
    staff_id: i32,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ends <= now {
        return Ok(());
    }
    freed_time::ActiveModel {
        id: NotSet,
        staff_id: Set(staff_id),
        starts_at: Set(starts.max(now)),
        ends_at: Set(ends),
        created_at: Set(now),
        claimed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes client `client_id` off staff member `staff_id`'s waitlist: they are booked.
pub async fn booked(
    db: &impl ConnectionTrait,
    client_id: i32,
    staff_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::LeftAt, Expr::value(Some(now)))
        .col_expr(
            waitlist_entry::Column::LeftReason,
            Expr::value(Some(LEFT_BOOKED)),
        )
        .filter(waitlist_entry::Column::ClientId.eq(client_id))
        .filter(waitlist_entry::Column::StaffId.eq(staff_id))
        .filter(waitlist_entry::Column::LeftAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
