//! The `locations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "locations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    /// The one-line address, composed from the parts below on every save.
    pub address: String,
    pub telehealth: bool,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub phone: String,
    /// When an administrator archived the location; `None` while it is offered.
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
