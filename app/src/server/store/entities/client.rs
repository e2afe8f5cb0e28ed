//! The `clients` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub first_name: String,
    pub last_name: String,
    /// Lower-cased "first last", kept in step with the names, for search.
    pub search_name: String,
    /// Lower-cased last name, for prefix search.
    pub last_name_key: String,
    /// Whether the client uses the portal (their own login, or a contact's); kept by
    /// [`refresh_portal_use`](crate::server::services::clients::refresh_portal_use).
    pub uses_portal: bool,
    pub date_of_birth: Date,
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
