//! The `availability_exceptions` table: time off and extra hours on one day.

use sea_orm::entity::prelude::*;

use crate::domain::schedule::ExceptionKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "availability_exceptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub staff_id: i32,
    pub date: Date,
    pub start_minute: i32,
    pub end_minute: i32,
    /// `time_off` or `extra_hours`.
    pub kind: ExceptionKind,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
