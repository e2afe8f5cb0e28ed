//! The organization overview for administrators: name, time zone, locations and staff.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::organization::{LocationSummary, OrganizationOverview, StaffSummary};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::entities::{location, staff_user};
use crate::server::store::organizations;

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
        locations,
        staff,
    })
}
