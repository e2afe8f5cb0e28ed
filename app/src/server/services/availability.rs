//! A therapist's own availability: weekly hours, time off and extra hours, and the slot length.
//! Open slots in the portal are computed from these at every request; extra hours added and time
//! off taken back are offered to the waitlist.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};

use crate::domain::availability::{
    hhmm, weekday_name, AvailabilityInput, AvailabilityRow, AvailabilityView, ValidAvailability,
};
use crate::domain::schedule::ExceptionKind;
use crate::domain::series::local_start;
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::store::entities::{availability_exception, availability_hour, staff_user};
use crate::server::store::{txn, waitlist};

async fn therapist(ctx: &Ctx) -> Result<&Staff, AppError> {
    let staff = ctx.staff().await?;
    if staff.is_therapist {
        Ok(staff)
    } else {
        Err(ctx.deny("availability", AppError::Forbidden).await)
    }
}

/// The signed-in therapist's availability.
pub async fn view(ctx: &Ctx) -> Result<AvailabilityView, AppError> {
    let staff = therapist(ctx).await?;
    let db = ctx.db();
    let weekly = availability_hour::Entity::find()
        .filter(availability_hour::Column::StaffId.eq(staff.id))
        .order_by_asc(availability_hour::Column::Weekday)
        .order_by_asc(availability_hour::Column::StartMinute)
        .all(db)
        .await?
        .into_iter()
        .map(|h| AvailabilityRow {
            id: h.id,
            when: weekday_name(h.weekday).into(),
            hours: format!("{}–{}", hhmm(h.start_minute), hhmm(h.end_minute)),
        })
        .collect();
    let exceptions = availability_exception::Entity::find()
        .filter(availability_exception::Column::StaffId.eq(staff.id))
        .order_by_asc(availability_exception::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .map(|e| AvailabilityRow {
            id: e.id,
            when: format!(
                "{} · {}",
                e.date,
                if e.kind == ExceptionKind::ExtraHours {
                    "extra hours"
                } else {
                    "time off"
                }
            ),
            hours: format!("{}–{}", hhmm(e.start_minute), hhmm(e.end_minute)),
        })
        .collect();
    let me = staff_user::Entity::find_by_id(staff.id).one(db).await?;
    Ok(AvailabilityView {
        weekly,
        exceptions,
        slot_minutes: me.as_ref().map(|s| s.slot_minutes).unwrap_or(60),
        video_link: me.and_then(|s| s.video_link).unwrap_or_default(),
    })
}

/// Adds weekly hours or an exception for the signed-in therapist. Audited.
pub async fn add(ctx: &Ctx, input: &AvailabilityInput) -> Result<(), AppError> {
    let staff = therapist(ctx).await?;
    let valid = input.validate()?;
    let txn = txn::begin(ctx.db()).await?;
    let db = &*txn;
    let added = format!("{valid:?}");
    match valid {
        ValidAvailability::Weekly {
            weekday,
            start,
            end,
        } => {
            availability_hour::ActiveModel {
                id: NotSet,
                staff_id: Set(staff.id),
                weekday: Set(weekday as i32),
                start_minute: Set(start as i32),
                end_minute: Set(end as i32),
            }
            .insert(db)
            .await?;
        }
        ValidAvailability::Exception {
            date,
            start,
            end,
            extra,
        } => {
            availability_exception::ActiveModel {
                id: NotSet,
                staff_id: Set(staff.id),
                date: Set(date),
                start_minute: Set(start as i32),
                end_minute: Set(end as i32),
                kind: Set(if extra {
                    ExceptionKind::ExtraHours
                } else {
                    ExceptionKind::TimeOff
                }),
            }
            .insert(db)
            .await?;
            if extra {
                // New hours: the waitlist may be offered them.
                let window = local_window(ctx, date, (start, end)).await?;
                waitlist::time_freed(db, staff.id, window, Utc::now()).await?;
            }
        }
    }
    let entry = ctx.entry("availability.added", staff.label(), None, Some(added));
    Ok(txn.commit_audited(entry).await?)
}

/// Minutes `start` to `end` of local `date`, in UTC.
async fn local_window(
    ctx: &Ctx,
    date: chrono::NaiveDate,
    (start, end): (u32, u32),
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let tz = ctx.organization().await?.zone();
    let at = |minute: u32| {
        let time = chrono::NaiveTime::MIN + chrono::Duration::minutes(minute.into());
        local_start(&tz, date, time).unwrap_or_default()
    };
    Ok((at(start), at(end)))
}

/// Removes one of the signed-in therapist's weekly rows (`weekly`) or exceptions.
pub async fn remove(ctx: &Ctx, weekly: bool, id: i32) -> Result<(), AppError> {
    let staff = therapist(ctx).await?;
    let txn = txn::begin(ctx.db()).await?;
    let db = &*txn;
    if !weekly {
        // Time off taken back: the waitlist may be offered that time.
        let time_off = availability_exception::Entity::find_by_id(id)
            .filter(availability_exception::Column::StaffId.eq(staff.id))
            .filter(availability_exception::Column::Kind.eq(ExceptionKind::TimeOff))
            .one(db)
            .await?;
        if let Some(off) = time_off {
            let minutes = (off.start_minute as u32, off.end_minute as u32);
            let window = local_window(ctx, off.date, minutes).await?;
            waitlist::time_freed(db, staff.id, window, Utc::now()).await?;
        }
    }
    let removed = if weekly {
        availability_hour::Entity::delete_many()
            .filter(availability_hour::Column::Id.eq(id))
            .filter(availability_hour::Column::StaffId.eq(staff.id))
            .exec(db)
            .await?
    } else {
        availability_exception::Entity::delete_many()
            .filter(availability_exception::Column::Id.eq(id))
            .filter(availability_exception::Column::StaffId.eq(staff.id))
            .exec(db)
            .await?
    };
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let kind = if weekly { "weekly" } else { "exception" };
    let entry = ctx.entry(
        "availability.removed",
        staff.label(),
        Some(format!("{kind}:{id}")),
        None,
    );
    Ok(txn.commit_audited(entry).await?)
}

/// Sets the length of the signed-in therapist's slots (15 to 240 minutes).
pub async fn set_slot_minutes(ctx: &Ctx, minutes: i32) -> Result<(), AppError> {
    let staff = therapist(ctx).await?;
    if !(15..=240).contains(&minutes) {
        return Err(AppError::invalid(
            "minutes",
            "Choose a slot length from 15 to 240 minutes.",
        ));
    }
    let txn = txn::begin(ctx.db()).await?;
    let before = current(&txn, staff.id).await?;
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::SlotMinutes, minutes.into())
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&*txn)
        .await?;
    let entry = ctx.entry(
        "availability.slot_minutes",
        staff.label(),
        Some(before.slot_minutes.to_string()),
        Some(minutes.to_string()),
    );
    Ok(txn.commit_audited(entry).await?)
}

/// Sets the signed-in therapist's default telehealth video link (blank removes it); the portal
/// offers it as "Join" around their telehealth appointments that have none of their own.
pub async fn set_video_link(ctx: &Ctx, link: &str) -> Result<(), AppError> {
    let staff = therapist(ctx).await?;
    let link = crate::domain::schedule::video_link(link)
        .map_err(|message| AppError::invalid("link", &message))?;
    let txn = txn::begin(ctx.db()).await?;
    let before = current(&txn, staff.id).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::VideoLink,
            sea_orm::sea_query::Expr::value(link.clone()),
        )
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&*txn)
        .await?;
    // The link itself is not audited: it may carry a meeting's passcode.
    let state = |set: bool| Some(if set { "set" } else { "none" }.to_owned());
    let entry = ctx.entry(
        "availability.video_link",
        staff.label(),
        state(before.video_link.is_some()),
        state(link.is_some()),
    );
    Ok(txn.commit_audited(entry).await?)
}

/// The staff member's row as it is before a change, read in the change's transaction.
async fn current(txn: &txn::WriteTxn, staff_id: i32) -> Result<staff_user::Model, AppError> {
    staff_user::Entity::find_by_id(staff_id)
        .one(&**txn)
        .await?
        .ok_or(AppError::NotFound)
}
