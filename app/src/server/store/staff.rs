//! Staff members as other records name them: the names of many staff members in one query, for
//! lists that show who an appointment or a message is with; and the active therapist an
//! appointment may be made with.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppError;
use crate::server::store::entities::staff_user;

/// The names of the staff members `ids`, in one query whatever the number of rows that name them.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<StaffNames, AppError> {
    let mut ids: Vec<i32> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(StaffNames::default());
    }
    let rows: Vec<(i32, String)> = staff_user::Entity::find()
        .select_only()
        .column(staff_user::Column::Id)
        .column(staff_user::Column::Name)
        .filter(staff_user::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(StaffNames(rows.into_iter().collect()))
}

/// Active therapist `staff_id` of organization `organization_id`, or the appointment form's
/// error on `staff_id`.
pub async fn active_therapist(
    db: &impl ConnectionTrait,
    organization_id: i32,
    staff_id: i32,
) -> Result<staff_user::Model, AppError> {
    staff_user::Entity::find_by_id(staff_id)
        .filter(staff_user::Column::OrganizationId.eq(organization_id))
        .filter(staff_user::Column::IsTherapist.eq(true))
        .filter(staff_user::Column::DeactivatedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::invalid("staff_id", "Choose an active therapist of this practice.")
        })
}

/// Staff names by id.
#[derive(Debug, Default)]
pub struct StaffNames(HashMap<i32, String>);

impl StaffNames {
    /// The name of staff member `id`; empty if the row is gone.
    pub fn of(&self, id: i32) -> String {
        self.0.get(&id).cloned().unwrap_or_default()
    }
}
