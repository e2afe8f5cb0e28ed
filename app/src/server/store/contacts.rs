//! A client's contacts as staff see them, with their access and portal status, and the access stored on a link.

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::access::{ContactAccess, Scopes};
use crate::domain::client::{ContactRef, ContactSummary};
use crate::error::AppError;
use crate::server::store::entities::{client, client_contact, client_contact_link, client_staff};
use crate::server::store::organizations;
use crate::server::store::portal_links::{self, Invitee};

/// How many unlinked contacts the "link an existing contact" list offers.
const LINKABLE_LIMIT: u64 = 200;

/// The contacts linked to `client`, with their access and portal status.
pub async fn summaries(
    db: &impl ConnectionTrait,
    client: &client::Model,
) -> Result<Vec<ContactSummary>, AppError> {
    let links = client_contact_link::Entity::find()
        .filter(client_contact_link::Column::ClientId.eq(client.id))
        .all(db)
        .await?;
    let contacts = client_contact::Entity::find()
        .filter(client_contact::Column::Id.is_in(links.iter().map(|l| l.contact_id)))
        .order_by_asc(client_contact::Column::Name)
        .all(db)
        .await?;
    let today = organizations::today(db, client.organization_id).await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(contacts.len());
    for c in contacts {
        let Some(link) = links.iter().find(|l| l.contact_id == c.id) else {
            continue;
        };
        let access = contact_access(link);
        out.push(ContactSummary {
            id: c.id,
            portal: portal_links::status(db, &Invitee::Contact(c.id), now).await?,
            name: c.name,
            email: c.email,
            phone: c.phone,
            relationship: c.relationship,
            access_live: access.is_live(today),
            access,
        });
    }
    Ok(out)
}

/// The contacts a staff member may see: every contact of the organization for an administrator
/// (`assigned_to` = `None`); for a therapist (`Some(their id)`), only the contacts of the
/// clients they are assigned to.
pub fn visible_contacts(assigned_to: Option<i32>) -> Condition {
    let Some(staff_id) = assigned_to else {
        return Condition::all();
    };
    Condition::all().add(
        client_contact::Column::Id.in_subquery(
            Query::select()
                .column(client_contact_link::Column::ContactId)
                .from(client_contact_link::Entity)
                .and_where(
                    client_contact_link::Column::ClientId.in_subquery(
                        Query::select()
                            .column(client_staff::Column::ClientId)
                            .from(client_staff::Entity)
                            .and_where(client_staff::Column::StaffId.eq(staff_id))
                            .to_owned(),
                    ),
                )
                .to_owned(),
        ),
    )
}

/// The contacts the staff member may see ([`visible_contacts`]) that are not linked to
/// `client`, by name.
pub async fn linkable(
    db: &impl ConnectionTrait,
    assigned_to: Option<i32>,
    client: &client::Model,
) -> Result<Vec<ContactRef>, AppError> {
    Ok(client_contact::Entity::find()
        .filter(client_contact::Column::OrganizationId.eq(client.organization_id))
        .filter(visible_contacts(assigned_to))
        .filter(
            client_contact::Column::Id.not_in_subquery(
                Query::select()
                    .column(client_contact_link::Column::ContactId)
                    .from(client_contact_link::Entity)
                    .and_where(client_contact_link::Column::ClientId.eq(client.id))
                    .to_owned(),
            ),
        )
        .order_by_asc(client_contact::Column::Name)
        .limit(LINKABLE_LIMIT)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ContactRef {
            id: c.id,
            name: c.name,
        })
        .collect())
}

/// The access stored on a client–contact link.
pub fn contact_access(link: &client_contact_link::Model) -> ContactAccess {
    ContactAccess {
        portal_access: link.portal_access,
        scopes: Scopes {
            forms: link.scope_forms,
            payments: link.scope_payments,
            scheduling: link.scope_scheduling,
            messages: link.scope_messages,
        },
        ends_on: link.access_ends_on,
    }
}
