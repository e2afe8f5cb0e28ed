//! The Client Contact Network for staff: adding and linking contacts, granting portal access
//! with scopes and an end date, and inviting clients and contacts to the portal. Any staff
//! member who can see the client (administrators, and the client's assigned staff) may do this;
//! every change is audited.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::domain::access::AccessInput;
use crate::domain::account::PortalStatus;
use crate::domain::contact::ContactInput;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::access::invitations;
use crate::server::store::clients::linked_clients;
use crate::server::store::clients::refresh_portal_use;
use crate::server::store::contacts::{contact_access, visible_contacts};
use crate::server::store::entities::{client, client_contact, client_contact_link};
use crate::server::store::organizations;
use crate::server::store::portal_links::Invitee;
use crate::server::store::refs::Ref;
use crate::server::store::txn;

/// The link between a visible client and one of their contacts.
async fn link_of(
    ctx: &Ctx,
    client_id: i32,
    contact_id: i32,
) -> Result<
    (
        client::Model,
        client_contact::Model,
        client_contact_link::Model,
    ),
    AppError,
> {
    let (_, client) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let link = client_contact_link::Entity::find()
        .filter(client_contact_link::Column::ClientId.eq(client_id))
        .filter(client_contact_link::Column::ContactId.eq(contact_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let contact = client_contact::Entity::find_by_id(contact_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((client, contact, link))
}

/// Adds a new contact linked to a client; returns the contact's id.
pub async fn add(ctx: &Ctx, client_id: i32, input: &ContactInput) -> Result<i32, AppError> {
    let (staff, _) = ctx.staff_client(client_id).await?;
    let valid = input.validate()?;
    let now = Utc::now();
    let txn = txn::begin(ctx.db()).await?;
    let contact = client_contact::ActiveModel {
        id: NotSet,
        organization_id: Set(staff.organization_id),
        name: Set(valid.name),
        email: Set(valid.email),
        phone: Set(valid.phone),
        relationship: Set(valid.relationship.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    insert_link(&*txn, contact.id, client_id).await?;
    txn.commit_audited(ctx.entry(
        "client.add_contact",
        Ref::Client(client_id),
        None,
        Some(format!(
            "{} ({})",
            Ref::Contact(contact.id),
            contact.relationship
        )),
    ))
    .await?;
    Ok(contact.id)
}

async fn insert_link(
    db: &impl ConnectionTrait,
    contact_id: i32,
    client_id: i32,
) -> Result<(), AppError> {
    client_contact_link::ActiveModel {
        id: NotSet,
        contact_id: Set(contact_id),
        client_id: Set(client_id),
        created_at: Set(Utc::now()),
        portal_access: Set(false),
        scope_forms: Set(false),
        scope_payments: Set(false),
        scope_scheduling: Set(false),
        scope_messages: Set(false),
        access_ends_on: Set(None),
        access_granted_by: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Links an existing contact to another client (a parent of siblings): any contact of the
/// organization for an administrator, a contact of one of their own clients for a therapist.
pub async fn link(ctx: &Ctx, client_id: i32, contact_id: i32) -> Result<(), AppError> {
    let (staff, _) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let contact = client_contact::Entity::find_by_id(contact_id)
        .filter(client_contact::Column::OrganizationId.eq(staff.organization_id))
        .filter(visible_contacts(staff.assigned_scope()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("contact_id", "Choose a contact from the list."))?;
    if linked_clients(db, contact.id).await?.contains(&client_id) {
        return Err(AppError::Conflict(format!(
            "{} is already a contact of this client.",
            contact.name
        )));
    }
    let txn = txn::begin(db).await?;
    insert_link(&*txn, contact.id, client_id).await?;
    refresh_portal_use(&*txn, &[client_id]).await?;
    txn.commit_audited(ctx.entry(
        "client.link_contact",
        Ref::Client(client_id),
        None,
        Some(Ref::Contact(contact.id).to_string()),
    ))
    .await?;
    Ok(())
}

/// Grants, changes or withdraws a contact's portal access to a client.
pub async fn set_access(
    ctx: &Ctx,
    client_id: i32,
    contact_id: i32,
    input: &AccessInput,
) -> Result<(), AppError> {
    let (client, _, link) = link_of(ctx, client_id, contact_id).await?;
    let staff = ctx.staff().await?;
    let today = organizations::today(ctx.db(), client.organization_id).await?;
    let access = input.validate(today)?;
    let before = contact_access(&link);
    let mut row: client_contact_link::ActiveModel = link.into();
    row.portal_access = Set(access.portal_access);
    row.scope_forms = Set(access.scopes.forms);
    row.scope_payments = Set(access.scopes.payments);
    row.scope_scheduling = Set(access.scopes.scheduling);
    row.scope_messages = Set(access.scopes.messages);
    row.access_ends_on = Set(access.ends_on);
    // A therapist's grant lasts while they are assigned; an administrator's stands.
    row.access_granted_by = Set((!staff.is_admin).then_some(staff.id));
    let txn = txn::begin(ctx.db()).await?;
    row.update(&*txn).await?;
    let action = match (before.portal_access, access.portal_access) {
        (false, true) => "contact.access_granted",
        (true, false) => "contact.access_revoked",
        _ => "contact.access_changed",
    };
    txn.commit_audited(ctx.entry(
        action,
        Ref::Client(client_id),
        Some(describe(contact_id, &before)),
        Some(describe(contact_id, &access)),
    ))
    .await?;
    Ok(())
}

fn describe(contact_id: i32, access: &crate::domain::access::ContactAccess) -> String {
    serde_json::json!({
        "contact": contact_id,
        "portal_access": access.portal_access,
        "scopes": access.scopes.labels(),
        "ends_on": access.ends_on.map(|d| d.to_string()),
    })
    .to_string()
}

/// Invites a client to the portal at their own email (or sends a fresh invitation).
pub async fn invite_client(ctx: &Ctx, client_id: i32) -> Result<PortalStatus, AppError> {
    let (_, client) = ctx.staff_client(client_id).await?;
    let Some(email) = client.email.clone() else {
        return Err(AppError::invalid(
            "email",
            "This client has no email. Add one to their details, or invite a contact who manages their care.",
        ));
    };
    let name = client.full_name();
    invitations::invite(
        ctx,
        client.organization_id,
        Invitee::Client(client.id),
        &name,
        &email,
        &[client.id],
    )
    .await
}

/// Invites a contact to the portal (or sends a fresh invitation). The contact needs an email
/// and portal access to this client.
pub async fn invite_contact(
    ctx: &Ctx,
    client_id: i32,
    contact_id: i32,
) -> Result<PortalStatus, AppError> {
    let (client, contact, link) = link_of(ctx, client_id, contact_id).await?;
    let Some(email) = contact.email.clone() else {
        return Err(AppError::invalid(
            "email",
            "This contact has no email, so they cannot be invited.",
        ));
    };
    if !link.portal_access {
        return Err(AppError::invalid(
            "portal_access",
            "Grant portal access to this client first, then invite the contact.",
        ));
    }
    let clients = linked_clients(ctx.db(), contact.id).await?;
    invitations::invite(
        ctx,
        client.organization_id,
        Invitee::Contact(contact.id),
        &contact.name,
        &email,
        &clients,
    )
    .await
}

/// Revokes the pending invitation of a client (`contact_id` = `None`) or of one of their contacts.
pub async fn revoke_invitation(
    ctx: &Ctx,
    client_id: i32,
    contact_id: Option<i32>,
) -> Result<(), AppError> {
    match contact_id {
        None => {
            ctx.staff_client(client_id).await?;
            invitations::revoke(ctx, Invitee::Client(client_id), &[client_id]).await
        }
        Some(contact_id) => {
            let (_, contact, _) = link_of(ctx, client_id, contact_id).await?;
            let clients = linked_clients(ctx.db(), contact.id).await?;
            invitations::revoke(ctx, Invitee::Contact(contact.id), &clients).await
        }
    }
}
