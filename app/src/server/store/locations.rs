//! The practice's locations as appointments name them: an active (not archived) location.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

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
