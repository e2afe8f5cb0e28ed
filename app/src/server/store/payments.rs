//! What a client owes (as a condition, for the Payments tab and the portal home's sum), and a
//! payment's receipt, as the portal and staff both show them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::payments::{PaymentStatus, Receipt, RefundLine};
use crate::domain::schedule::{when_label, BookingStatus};
use crate::error::AppError;
use crate::server::store::entities::{booking, client, payment, refund};
use crate::server::store::organizations;

/// Appointments that are owed for: booked, started by `now`, with a price, and not paid (no
/// successful payment, whatever its refunds).
pub fn owed(client_id: i32, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(booking::Column::ClientId.eq(client_id))
        .add(booking::Column::Status.eq(BookingStatus::Booked))
        .add(booking::Column::StartsAt.lte(now))
        .add(booking::Column::PriceCents.gt(0))
        .add(
            booking::Column::Id.not_in_subquery(
                Query::select()
                    .column(payment::Column::BookingId)
                    .from(payment::Entity)
                    .and_where(payment::Column::ClientId.eq(client_id))
                    .and_where(payment::Column::Status.eq(PaymentStatus::Succeeded))
                    .to_owned(),
            ),
        )
}

/// The receipt of a successful payment (for the portal and for staff).
pub async fn receipt_of(
    db: &impl ConnectionTrait,
    row: &payment::Model,
) -> Result<Receipt, AppError> {
    let (tz, practice) = organizations::zone(db, row.organization_id).await?;
    let appointment = booking::Entity::find_by_id(row.booking_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let client = client::Entity::find_by_id(row.client_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let refunds = refund::Entity::find()
        .filter(refund::Column::PaymentId.eq(row.id))
        .order_by_asc(refund::Column::CreatedAt)
        .all(db)
        .await?;
    let date = |at: DateTime<Utc>| {
        at.with_timezone(&tz)
            .format("%-d %b %Y, %H:%M %Z")
            .to_string()
    };
    Ok(Receipt {
        payment_id: row.id,
        practice,
        client_name: client.full_name(),
        service: appointment.service.clone(),
        appointment_when: when_label(&tz, appointment.starts_at, appointment.ends_at),
        paid_at: date(row.completed_at.unwrap_or(row.created_at)),
        amount_cents: row.amount_cents,
        card_brand: row.card_brand.clone().unwrap_or_default(),
        card_last4: row.card_last4.clone().unwrap_or_default(),
        refunds: refunds
            .into_iter()
            .map(|r| RefundLine {
                on: date(r.created_at),
                amount_cents: r.amount_cents,
                pending: r.processor_ref.is_none(),
                reason: r.reason,
            })
            .collect(),
        refunded_cents: row.refunded_cents,
    })
}
