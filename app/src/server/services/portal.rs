//! The portal home of one client: what the signed-in login may do for them, and what needs
//! doing (open forms, unread messages, the next appointment, the amount due), in two queries
//! after the request's context.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::domain::access::{PortalAbilities, PortalClientHome};
use crate::domain::agenda::{Agenda, NextAppointment};
use crate::domain::intake::FormStatus;
use crate::domain::schedule::{when_label, BookingStatus};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store;
use crate::server::store::entities::{booking, message, sent_form, staff_user};
use crate::server::store::messages::unread_messages;
use crate::server::store::subqueries;

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
    let reader = ctx.portal().await?.label().to_string();
    let mut agenda = counts(ctx, client_id, &reader, &abilities, now).await?;
    if abilities.appointments {
        agenda.next_appointment = next_appointment(ctx, client_id, now).await?;
    }
    Ok(PortalClientHome {
        client: permit.acting.client,
        abilities,
        agenda,
    })
}

/// Open forms, unread messages and the amount due, in one query of sub-queries; a part the
/// login may not use is not read and stays zero.
async fn counts(
    ctx: &Ctx,
    client_id: i32,
    reader: &str,
    abilities: &PortalAbilities,
    now: DateTime<Utc>,
) -> Result<Agenda, AppError> {
    let open_forms = sent_form::Entity::find()
        .select_only()
        .column_as(sent_form::Column::Id.count(), "n")
        .filter(sent_form::Column::ClientId.eq(client_id))
        .filter(sent_form::Column::Status.is_in(FormStatus::OPEN))
        .filter(match ctx.portal().await?.contact_id {
            Some(contact) => sent_form::Column::ContactId.eq(contact),
            None => sent_form::Column::ContactId.is_null(),
        })
        .into_query();
    let unread = unread_messages(reader, &[client_id])
        .select_only()
        .column_as(message::Column::Id.count(), "n")
        .into_query();
    let due = booking::Entity::find()
        .select_only()
        .column_as(booking::Column::PriceCents.sum(), "n")
        .filter(store::payments::owed(client_id, now))
        .into_query();
    let part = |on: bool, query: SelectStatement| -> SimpleExpr {
        if on {
            subqueries::or_zero(query)
        } else {
            Expr::val(0i64)
        }
    };
    let select = Query::select()
        .expr_as(part(abilities.forms, open_forms), "open_forms")
        .expr_as(part(abilities.messages, unread), "unread")
        .expr_as(part(abilities.payments, due), "due")
        .to_owned();
    let row = ctx
        .db()
        .query_one(&select)
        .await?
        .ok_or_else(|| AppError::internal("the agenda query returned no row"))?;
    let count = |name: &str| -> Result<i64, AppError> { Ok(row.try_get::<i64>("", name)?) };
    Ok(Agenda {
        open_forms: u32::try_from(count("open_forms")?).unwrap_or(u32::MAX),
        unread_messages: u32::try_from(count("unread")?).unwrap_or(u32::MAX),
        next_appointment: None,
        amount_due_cents: count("due")?,
    })
}

/// Start, end, status and therapist's name of an appointment.
type NextRow = (DateTime<Utc>, DateTime<Utc>, BookingStatus, Option<String>);

/// The client's next appointment or request, with its therapist's name, in one query.
async fn next_appointment(
    ctx: &Ctx,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<NextAppointment>, AppError> {
    let staff_name = Query::select()
        .column(staff_user::Column::Name)
        .from(staff_user::Entity)
        .and_where(
            Expr::col((staff_user::Entity, staff_user::Column::Id))
                .equals((booking::Entity, booking::Column::StaffId)),
        )
        .to_owned();
    let next: Option<NextRow> = booking::Entity::find()
        .select_only()
        .column(booking::Column::StartsAt)
        .column(booking::Column::EndsAt)
        .column(booking::Column::Status)
        .expr_as(subqueries::value(staff_name), "staff_name")
        .filter(booking::Column::ClientId.eq(client_id))
        .filter(booking::Column::Status.is_in([BookingStatus::Requested, BookingStatus::Booked]))
        .filter(booking::Column::StartsAt.gt(now))
        .order_by_asc(booking::Column::StartsAt)
        .into_tuple()
        .one(ctx.db())
        .await?;
    let Some((starts_at, ends_at, status, staff_name)) = next else {
        return Ok(None);
    };
    let tz = ctx.organization().await?.zone();
    Ok(Some(NextAppointment {
        when: when_label(&tz, starts_at, ends_at),
        staff_name: staff_name.unwrap_or_default(),
        requested: status == BookingStatus::Requested,
    }))
}
