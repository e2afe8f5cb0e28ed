//! Logins by email: a staff member's (once they have joined) or a portal account's.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::account::LinkPurpose;
use crate::error::AppError;
use crate::server::store::entities::{portal_account, portal_link, staff_user};

/// Whether staff member `staff_id` has used an invitation, or never had one (the demo's staff).
pub async fn has_joined(
    db: &impl sea_orm::ConnectionTrait,
    staff_id: i32,
) -> Result<bool, AppError> {
    let links = portal_link::Entity::find()
        .filter(portal_link::Column::StaffUserId.eq(staff_id))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .all(db)
        .await?;
    Ok(links.is_empty() || links.iter().any(|l| l.used_at.is_some()))
}

/// The login behind a normalized email: a staff member's who has joined, else a portal
/// account's.
pub async fn find_login(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
) -> Result<(Option<staff_user::Model>, Option<portal_account::Model>), AppError> {
    let staff = match staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await?
    {
        // Invited but not joined: not a login yet (the address may be a portal login at
        // another practice, which the invitation must not shadow).
        Some(s) if !has_joined(db, s.id).await? => None,
        found => found,
    };
    let portal = match staff {
        Some(_) => None,
        None => {
            portal_account::Entity::find()
                .filter(portal_account::Column::Email.eq(email))
                .one(db)
                .await?
        }
    };
    Ok((staff, portal))
}

/// The name a portal account's emails greet: the client's or the contact's.
pub async fn greeting_name(
    db: &impl sea_orm::ConnectionTrait,
    account: &portal_account::Model,
) -> Result<String, AppError> {
    use crate::server::store::entities::{client, client_contact};
    Ok(match (account.client_id, account.contact_id) {
        (Some(id), _) => client::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.full_name()),
        (None, Some(id)) => client_contact::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.name),
        _ => None,
    }
    .unwrap_or_else(|| "there".into()))
}
