//! Emails that follow from a change to a record: the requester of an appointment hears that it
//! was answered (by its therapist, or when a deactivated therapist's requests are declined).

use sea_orm::{ConnectionTrait, EntityTrait};

use super::{emails, Mailer};
use crate::error::AppError;
use crate::server::store::entities::{booking, portal_account};
use crate::server::store::organizations::zone;
use crate::server::store::refs::Ref;

/// Emails whoever made the request `row` that it has an answer, with a link to the portal;
/// nothing when staff made it or the login is gone.
pub async fn request_answered(
    mailer: &Mailer,
    db: &impl ConnectionTrait,
    row: &booking::Model,
) -> Result<(), AppError> {
    let Ok(Ref::Portal(account_id)) = row.requested_by.parse() else {
        return Ok(());
    };
    let Some(account) = portal_account::Entity::find_by_id(account_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let (_, practice) = zone(db, row.organization_id).await?;
    let link = mailer.link(&format!("/portal/clients/{}/appointments", row.client_id));
    let letter = emails::appointment_answered(&practice, &link);
    mailer
        .send(db, letter.to(row.organization_id, &account.email))
        .await
}
