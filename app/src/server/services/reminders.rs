//! Appointment reminders: how many hours ahead the practice reminds (administrators), each
//! portal login's own choice to receive them, and the minute's job that reminds every booked
//! appointment once. The job claims an appointment with a conditional update and queues its
//! emails in the same transaction, so two server processes never remind it twice and a crash
//! loses neither the claim nor the emails; the queued emails go out through the retrying mail
//! path.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::reminders::{check_hours, local_time};
use crate::domain::schedule::BookingStatus;
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::mail::{emails, retry, Attachment, Mailer};
use crate::server::store::appointment_files::appointment_file;
use crate::server::store::audit::Entry;
use crate::server::store::entities::{booking, organization, portal_account};
use crate::server::store::refs::Ref;
use crate::server::store::{organizations, portal_recipients, txn};

/// Appointments one organization reminds per pass of the job; the rest wait a minute.
const BATCH: u64 = 200;

/// Sets how many hours ahead the practice reminds (0: none); administrators. Audited. Returns
/// the hours saved.
pub async fn set_hours(ctx: &Ctx, typed: &str) -> Result<u32, AppError> {
    let admin = ctx.admin().await?;
    let hours = check_hours(typed).map_err(|m| AppError::invalid("hours", &m))?;
    let db = ctx.db();
    let org = organizations::get(db, admin.organization_id).await?;
    let (id, old) = (org.id, org.reminder_hours);
    let mut row: organization::ActiveModel = org.into();
    row.reminder_hours = Set(hours as i32);
    let txn = txn::begin(db).await?;
    row.update(&*txn).await?;
    txn.commit_audited(ctx.entry(
        "organization.reminder_hours",
        format!("organization:{id}"),
        Some(old.to_string()),
        Some(hours.to_string()),
    ))
    .await?;
    Ok(hours)
}

/// Turns appointment reminders on or off for the signed-in portal login only. Audited.
pub async fn set_mine(ctx: &Ctx, on: bool) -> Result<(), AppError> {
    let portal = ctx.portal().await?;
    let before = portal_account::Entity::find_by_id(portal.account_id)
        .one(ctx.db())
        .await?
        .ok_or(AppError::Unauthenticated)?
        .appointment_reminders;
    let txn = txn::begin(ctx.db()).await?;
    portal_account::Entity::update_many()
        .col_expr(
            portal_account::Column::AppointmentReminders,
            Expr::value(on),
        )
        .filter(portal_account::Column::Id.eq(portal.account_id))
        .exec(&*txn)
        .await?;
    txn.commit_audited(ctx.entry(
        "portal.reminders",
        format!("portal:{}", portal.account_id),
        Some(before.to_string()),
        Some(on.to_string()),
    ))
    .await?;
    Ok(())
}

/// The minute's job: reminds every booked appointment that starts within its practice's hours
/// and was not reminded yet. Returns how many appointments this call reminded.
pub async fn send_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let practices = organization::Entity::find()
        .filter(organization::Column::ReminderHours.gt(0))
        .all(db)
        .await?;
    let mut reminded = 0;
    for org in practices {
        let due = booking::Entity::find()
            .filter(booking::Column::OrganizationId.eq(org.id))
            .filter(booking::Column::Status.eq(BookingStatus::Booked))
            .filter(booking::Column::StartsAt.gt(now))
            .filter(booking::Column::StartsAt.lte(now + Duration::hours(org.reminder_hours.into())))
            .filter(booking::Column::RemindedAt.is_null())
            .order_by_asc(booking::Column::StartsAt)
            .limit(BATCH)
            .all(db)
            .await?;
        for row in due {
            // One appointment that cannot be reminded does not hold up the others.
            match remind(db, mailer, &org, &row, now).await {
                Ok(true) => reminded += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(booking = row.id, error = %e, "a reminder could not be queued")
                }
            }
        }
    }
    Ok(reminded)
}

/// Claims `row` and queues its reminder to the client's own login and the contacts with the
/// scheduling scope who want reminders; `false` when another process claimed it first or it
/// changed since it was read.
async fn remind(
    db: &DatabaseConnection,
    mailer: &Mailer,
    org: &organization::Model,
    row: &booking::Model,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let found =
        portal_recipients::recipients(db, org, row.client_id, |s| s.scheduling, now).await?;
    let show_address = !found.settings.get(Setting::HideLocationAddress);
    let file = appointment_file(db, row, &org.name, show_address, now).await?;
    let when = local_time(row.starts_at, &org.zone());
    let link = mailer.link(&format!("/portal/clients/{}/appointments", row.client_id));
    let txn = txn::begin(db).await?;
    let claimed = booking::Entity::update_many()
        .col_expr(booking::Column::RemindedAt, Expr::value(now))
        .filter(booking::Column::Id.eq(row.id))
        .filter(booking::Column::RemindedAt.is_null())
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::StartsAt.eq(row.starts_at))
        .exec(&*txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let wanted: Vec<&portal_account::Model> = found
        .logins
        .iter()
        .filter(|l| l.appointment_reminders)
        .collect();
    for login in &wanted {
        let mut email =
            emails::appointment_reminder(&org.name, &when, &link).to(org.id, &login.email);
        email.attachment = Some(Attachment {
            name: "appointment.ics".into(),
            content: file.clone(),
        });
        retry::queue(&*txn, email, now).await?;
    }
    txn.commit_audited(Entry {
        organization_id: Some(org.id),
        actor: "system".into(),
        action: "appointment.reminded".into(),
        object: Ref::Booking(row.id).to_string(),
        old_value: None,
        new_value: Some(format!("{} recipient(s)", wanted.len())),
        ip: None,
    })
    .await?;
    Ok(true)
}
