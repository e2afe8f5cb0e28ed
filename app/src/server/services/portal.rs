//! The portal home of one client: what the signed-in login may do for them, and what needs
//! doing (open forms, unread messages, the next appointment, the amount due).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::domain::access::PortalClientHome;
use crate::domain::agenda::{Agenda, NextAppointment};
use crate::domain::intake::FormStatus;
use crate::domain::schedule::{when_label, BookingStatus};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store;
use crate::server::store::entities::{booking, sent_form};
use crate::server::store::messages::unread_in;

/// A client's portal home at `now`, read once per request (a page's tabs and its content both
/// show it). Each part of the agenda is read only when the login may use that part of the portal.
pub async fn home(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<PortalClientHome, AppError> {
    ctx.memo
        .get_or_load(format!("portal_home:{client_id}"), || {
            read_home(ctx, client_id, now)
        })
        .await
}

async fn read_home(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<PortalClientHome, AppError> {
    let permit = ctx.permit(client_id).await?;
    let abilities = permit.abilities;
    let db = ctx.db();
    let mut agenda = Agenda::default();
    if abilities.messages {
        let reader = ctx.portal().await?.label().to_string();
        agenda.unread_messages = unread_in(db, &reader, &[client_id]).await?.total;
    }
    if abilities.forms {
        let open = sent_form::Entity::find()
            .filter(sent_form::Column::ClientId.eq(client_id))
            .filter(sent_form::Column::Status.is_in([FormStatus::Sent, FormStatus::InProgress]))
            .count(db)
            .await?;
        agenda.open_forms = u32::try_from(open).unwrap_or(u32::MAX);
    }
    if abilities.payments {
        agenda.amount_due_cents = store::payments::amount_due(db, client_id, now).await?;
    }
    if abilities.appointments {
        let next = booking::Entity::find()
            .filter(booking::Column::ClientId.eq(client_id))
            .filter(
                booking::Column::Status.is_in([BookingStatus::Requested, BookingStatus::Booked]),
            )
            .filter(booking::Column::StartsAt.gt(now))
            .order_by_asc(booking::Column::StartsAt)
            .one(db)
            .await?;
        if let Some(row) = next {
            let tz = ctx.organization().await?.zone();
            let names = store::staff::names(db, [row.staff_id]).await?;
            agenda.next_appointment = Some(NextAppointment {
                when: when_label(&tz, row.starts_at, row.ends_at),
                staff_name: names.of(row.staff_id),
                requested: row.status == BookingStatus::Requested,
            });
        }
    }
    Ok(PortalClientHome {
        client: permit.acting.client,
        abilities,
        agenda,
    })
}
