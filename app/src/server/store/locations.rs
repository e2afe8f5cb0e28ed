//! The practice's locations as appointments name them: an active (not archived) location, and
//! the active ones to choose from.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;
use crate::server::store::entities::location;

/// Active location `location_id` of organization `organization_id`, or the appointment form's
/// error on `location`.
pub async fn active(
    db: &impl ConnectionTrait,
    organization_id: i32,
    location_id: i32,
) -> Result<location::Model, AppError> {
    location::Entity::find_by_id(location_id)
        .filter(location::Column::OrganizationId.eq(organization_id))
        .filter(location::Column::ArchivedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("location", "Choose an active location of this practice."))
}

/// The active locations of organization `organization_id`, by name (archived ones are offered
/// for nothing new).
pub async fn active_list(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<Vec<location::Model>, AppError> {
    Ok(location::Entity::find()
        .filter(location::Column::OrganizationId.eq(organization_id))
        .filter(location::Column::ArchivedAt.is_null())
        .order_by_asc(location::Column::Name)
        .all(db)
        .await?)
}
