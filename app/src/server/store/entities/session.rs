//! The `sessions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 (hex) of the cookie token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub staff_user_id: Option<i32>,
    pub portal_account_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    /// The absolute end of the session, whatever the activity.
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
    /// The device at sign-in, e.g. "Chrome on Android".
    pub device: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Read in the same query as the session, for staff sessions.
    #[sea_orm(
        belongs_to = "super::staff_user::Entity",
        from = "Column::StaffUserId",
        to = "super::staff_user::Column::Id"
    )]
    StaffUser,
    /// Read in the same query as the session, for portal sessions.
    #[sea_orm(
        belongs_to = "super::portal_account::Entity",
        from = "Column::PortalAccountId",
        to = "super::portal_account::Column::Id"
    )]
    PortalAccount,
}

impl Related<super::staff_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffUser.def()
    }
}

impl Related<super::portal_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PortalAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
