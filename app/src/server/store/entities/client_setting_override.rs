//! The `client_setting_overrides` table: a row means the setting is turned off for the client.

use sea_orm::entity::prelude::*;

use crate::domain::settings::Setting;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_setting_overrides")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: i32,
    /// A [`Setting`](crate::domain::settings::Setting) key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub setting: Setting,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
