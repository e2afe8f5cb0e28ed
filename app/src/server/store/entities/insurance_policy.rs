//! The `insurance_policies` table: a client's insurance policies.

use sea_orm::entity::prelude::*;

use crate::domain::insurance::Relationship;

use crate::domain::insurance::Rank;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insurance_policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub client_id: i32,
    pub payer_id: i32,
    pub member_id: String,
    pub group_number: Option<String>,
    pub subscriber_name: String,
    pub subscriber_dob: Date,
    /// `self`, `spouse`, `child` or `other`.
    pub relationship: Relationship,
    /// `primary`, `secondary` or `tertiary`.
    pub rank: Rank,
    pub effective_on: Date,
    pub terminates_on: Option<Date>,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
