//! The organization overview for administrators: name, time zone, contact details, locations
//! and staff, and the profile form that changes the first four (a new time zone once confirmed).

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::organization::{
    LocationSummary, OrganizationOverview, ProfileInput, ProfileSaved, StaffSummary, TimeZoneChange,
};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::bookings::HOLDING;
use crate::server::store::entities::{
    availability_hour, booking, location, organization, staff_user,
};
use crate::server::store::{organizations, txn};

/// The caller's organization; administrators only.
pub async fn overview(ctx: &Ctx) -> Result<OrganizationOverview, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let org = organizations::get(db, admin.organization_id).await?;
    let locations = location::Entity::find()
        .filter(location::Column::OrganizationId.eq(org.id))
        .filter(location::Column::ArchivedAt.is_null())
        .order_by_asc(location::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LocationSummary {
            name: l.name,
            address: l.address,
            telehealth: l.telehealth,
        })
        .collect();
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(org.id))
        .order_by_asc(staff_user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| StaffSummary {
            name: s.name,
            email: s.email,
            is_admin: s.is_admin,
            is_therapist: s.is_therapist,
        })
        .collect();
    Ok(OrganizationOverview {
        name: org.name,
        time_zone: org.time_zone,
        contact_email: org.contact_email,
        contact_phone: org.contact_phone,
        reminder_hours: org.reminder_hours.max(0) as u32,
        locations,
        staff,
    })
}

/// Saves the practice's name, time zone and contact details; administrators only. A new time
/// zone is saved only with `confirm_time_zone`: without it, the answer says what would change
/// (appointments keep their instants, weekly hours are re-read in the new zone).
pub async fn update_profile(ctx: &Ctx, input: &ProfileInput) -> Result<ProfileSaved, AppError> {
    let admin = ctx.admin().await?;
    let valid = input.validate()?;
    let new_zone: chrono_tz::Tz = valid.time_zone.parse().map_err(|_| {
        AppError::invalid("time_zone", "Choose a time zone such as America/Chicago.")
    })?;
    let db = ctx.db();
    let org = organizations::get(db, admin.organization_id).await?;
    let zone_changes = org.time_zone != valid.time_zone;
    if zone_changes && !valid.confirm_time_zone {
        return Ok(ProfileSaved::ConfirmTimeZone(
            time_zone_change(ctx, &org, new_zone, valid).await?,
        ));
    }
    let old = describe(&org);
    let mut row: organization::ActiveModel = org.into();
    row.name = Set(valid.name);
    row.time_zone = Set(valid.time_zone);
    row.contact_email = Set(valid.contact_email);
    row.contact_phone = Set(valid.contact_phone);
    let txn = txn::begin(db).await?;
    let saved = row.update(&*txn).await?;
    txn.commit_audited(ctx.entry(
        "organization.updated",
        format!("organization:{}", saved.id),
        Some(old),
        Some(describe(&saved)),
    ))
    .await?;
    Ok(ProfileSaved::Saved)
}

fn describe(org: &organization::Model) -> String {
    format!(
        "{}; {}; {}; {}",
        org.name, org.time_zone, org.contact_email, org.contact_phone
    )
}

/// What moving `org` to `zone` does: its upcoming bookings and weekly-hours rows, counted in two
/// queries, and how 10:00 today reads in the new zone.
async fn time_zone_change(
    ctx: &Ctx,
    org: &organization::Model,
    zone: chrono_tz::Tz,
    input: ProfileInput,
) -> Result<TimeZoneChange, AppError> {
    let db = ctx.db();
    let now = Utc::now();
    let upcoming = booking::Entity::find()
        .filter(booking::Column::OrganizationId.eq(org.id))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.gt(now))
        .count(db)
        .await?;
    let weekly_hours = availability_hour::Entity::find()
        .filter(
            availability_hour::Column::StaffId.in_subquery(
                Query::select()
                    .column(staff_user::Column::Id)
                    .from(staff_user::Entity)
                    .and_where(staff_user::Column::OrganizationId.eq(org.id))
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    let old_zone = org.zone();
    let ten = org
        .today(now)
        .and_hms_opt(10, 0, 0)
        .and_then(|t| t.and_local_timezone(old_zone).earliest())
        .unwrap_or_else(|| now.with_timezone(&old_zone));
    let example = format!(
        "{} in {} is {} in {}",
        ten.format("%-I:%M %p"),
        org.time_zone,
        ten.with_timezone(&zone).format("%-I:%M %p"),
        input.time_zone
    );
    Ok(TimeZoneChange {
        from: org.time_zone.clone(),
        to: input.time_zone.clone(),
        input,
        upcoming: upcoming as u32,
        weekly_hours: weekly_hours as u32,
        example,
    })
}
