//! Whom the portal side of a client is emailed about a change: the client's own login, and the
//! contacts whose access to the client is live, with the scope the change concerns, while
//! Allow Client Portal Access for Client Contacts is effective for the client.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::access::Scopes;
use crate::domain::settings::{EffectiveSettings, Setting};
use crate::error::AppError;
use crate::server::store::contacts::contact_access;
use crate::server::store::entities::{client_contact_link, organization, portal_account};
use crate::server::store::settings;

/// The portal logins of one client that an email concerns, and the client's effective settings.
pub struct Recipients {
    pub logins: Vec<portal_account::Model>,
    pub settings: EffectiveSettings,
}

/// The email addresses of the portal logins of client `client_id` that `wants` (a scope of a
/// contact's grant; a client's own login has every scope); four queries.
pub async fn emails(
    db: &impl ConnectionTrait,
    org: &organization::Model,
    client_id: i32,
    wants: impl Fn(&Scopes) -> bool,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let found = recipients(db, org, client_id, wants, now).await?;
    Ok(found.logins.into_iter().map(|l| l.email).collect())
}

/// [`emails`], with the whole login rows (their own email choices) and the client's settings.
pub async fn recipients(
    db: &impl ConnectionTrait,
    org: &organization::Model,
    client_id: i32,
    wants: impl Fn(&Scopes) -> bool,
    now: DateTime<Utc>,
) -> Result<Recipients, AppError> {
    let stored = settings::settings_of(db, org).await?;
    let on = settings::effective_of_each(db, &stored, &[client_id])
        .await?
        .remove(&client_id)
        .unwrap_or_default();
    let today = org.today(now);
    let contacts: Vec<i32> = if on.get(Setting::ContactAccess) {
        client_contact_link::Entity::find()
            .filter(client_contact_link::Column::ClientId.eq(client_id))
            .all(db)
            .await?
            .iter()
            .filter(|link| {
                let access = contact_access(link);
                access.is_live(today) && wants(&access.scopes)
            })
            .map(|link| link.contact_id)
            .collect()
    } else {
        Vec::new()
    };
    let logins = portal_account::Entity::find()
        .filter(portal_account::Column::OrganizationId.eq(org.id))
        .filter(
            sea_orm::Condition::any()
                .add(portal_account::Column::ClientId.eq(client_id))
                .add(portal_account::Column::ContactId.is_in(contacts)),
        )
        .all(db)
        .await?;
    Ok(Recipients {
        logins,
        settings: on,
    })
}
