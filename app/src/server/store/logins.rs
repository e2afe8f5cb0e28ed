//! Logins by email: a staff member's or a portal account's.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::server::store::entities::{portal_account, staff_user};

/// The login behind a normalized email: a staff member's, else a portal account's.
pub async fn find_login(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
) -> Result<(Option<staff_user::Model>, Option<portal_account::Model>), AppError> {
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await?;
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
