//! Staff members as other records name them: the names of many staff members in one query, for
//! lists that show who an appointment or a message is with.

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

/// Staff names by id.
#[derive(Debug, Default)]
pub struct StaffNames(HashMap<i32, String>);

impl StaffNames {
    /// The name of staff member `id`; empty if the row is gone.
    pub fn of(&self, id: i32) -> String {
        self.0.get(&id).cloned().unwrap_or_default()
    }
}
