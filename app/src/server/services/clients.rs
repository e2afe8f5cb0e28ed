//! Clients for staff: the searchable list, a client's page, creating and editing clients,
//! assigning staff and adding contacts. Administrators manage; therapists see their own clients.

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, NotSet, QueryFilter, QueryOrder, Set,
};

use crate::domain::client::{
    last_name_key, search_name, ClientDetail, ClientInput, ClientPage, ClientSummary, StaffRef,
    CLIENTS_PER_PAGE,
};
use crate::domain::paging::PageAt;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store;
use crate::server::store::clients::name_filter;
use crate::server::store::clients::refresh_portal_use;
use crate::server::store::contacts;
use crate::server::store::entities::{client, client_contact_link, client_staff, staff_user};
use crate::server::store::portal_links::{self, Invitee};
use crate::server::store::refs::Ref;
use crate::server::store::txn;

/// The page starting `at` of the clients the caller may see, filtered by name, by last and
/// first name.
pub async fn list(ctx: &Ctx, query: &str, at: PageAt) -> Result<ClientPage, AppError> {
    let staff = ctx.staff().await?;
    let mut select = staff.visible_clients();
    let org = Condition::all().add(client::Column::OrganizationId.eq(staff.organization_id));
    if let Some(names) = name_filter(query, org) {
        select = select.filter(names);
    }
    let (rows, paging) = store::clients::by_name(CLIENTS_PER_PAGE)
        .page(ctx.db(), select, at)
        .await?;
    let clients = rows
        .into_iter()
        .map(|c| ClientSummary {
            id: c.id,
            name: c.full_name(),
            date_of_birth: c.date_of_birth,
            email: c.email,
        })
        .collect();
    Ok(ClientPage { clients, paging })
}

/// A client's page: details, assigned staff and contacts.
pub async fn detail(ctx: &Ctx, id: i32) -> Result<ClientDetail, AppError> {
    let (staff, client) = ctx.staff_client(id).await?;
    let db = ctx.db();
    let assigned_ids = Query::select()
        .column(client_staff::Column::StaffId)
        .from(client_staff::Entity)
        .and_where(client_staff::Column::ClientId.eq(id))
        .to_owned();
    let org_staff = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(staff.organization_id))
        .order_by_asc(staff_user::Column::Name);
    let to_ref = |s: staff_user::Model| StaffRef {
        id: s.id,
        active: s.is_active(),
        name: s.name,
        is_therapist: s.is_therapist,
    };
    let assigned_staff = org_staff
        .clone()
        .filter(staff_user::Column::Id.in_subquery(assigned_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(to_ref)
        .collect();
    let assignable_staff = if staff.is_admin {
        org_staff
            .filter(staff_user::Column::Id.not_in_subquery(assigned_ids))
            .filter(staff_user::Column::DeactivatedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(to_ref)
            .collect()
    } else {
        Vec::new()
    };
    let contacts = contacts::summaries(db, &client).await?;
    let linkable_contacts = contacts::linkable(db, staff.assigned_scope(), &client).await?;
    let portal = portal_links::status(db, &Invitee::Client(id), Utc::now()).await?;
    // A staff view of the client's record (the client's own access log shows it).
    ctx.record_event("client.viewed", Ref::Client(id), None)
        .await?;
    Ok(ClientDetail {
        id: client.id,
        first_name: client.first_name,
        last_name: client.last_name,
        date_of_birth: client.date_of_birth,
        email: client.email,
        assigned_staff,
        contacts,
        linkable_contacts,
        portal,
        assignable_staff,
        can_manage: staff.is_admin,
    })
}

/// Creates a client in the administrator's organization; returns its id.
pub async fn create(ctx: &Ctx, input: &ClientInput) -> Result<i32, AppError> {
    let admin = ctx.admin().await?;
    let valid = input.validate(Utc::now().date_naive())?;
    let txn = txn::begin(ctx.db()).await?;
    let row = client::ActiveModel {
        id: NotSet,
        organization_id: Set(admin.organization_id),
        search_name: Set(search_name(&valid.first_name, &valid.last_name)),
        last_name_key: Set(last_name_key(&valid.last_name)),
        uses_portal: Set(false),
        first_name: Set(valid.first_name),
        last_name: Set(valid.last_name),
        date_of_birth: Set(valid.date_of_birth),
        email: Set(valid.email),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    let entry = ctx.entry(
        "client.create",
        Ref::Client(row.id),
        None,
        Some(describe(&row)),
    );
    txn.commit_audited(entry).await?;
    Ok(row.id)
}

/// Updates a client's details; administrators only.
pub async fn update(ctx: &Ctx, id: i32, input: &ClientInput) -> Result<(), AppError> {
    let valid = input.validate(Utc::now().date_naive())?;
    let (_, before) = ctx.admin_client(id).await?;
    let mut row: client::ActiveModel = before.clone().into();
    row.search_name = Set(search_name(&valid.first_name, &valid.last_name));
    row.last_name_key = Set(last_name_key(&valid.last_name));
    row.first_name = Set(valid.first_name);
    row.last_name = Set(valid.last_name);
    row.date_of_birth = Set(valid.date_of_birth);
    row.email = Set(valid.email);
    let txn = txn::begin(ctx.db()).await?;
    let after = row.update(&*txn).await?;
    let (old, new) = (Some(describe(&before)), Some(describe(&after)));
    Ok(txn
        .commit_audited(ctx.entry("client.update", Ref::Client(id), old, new))
        .await?)
}

fn describe(c: &client::Model) -> String {
    serde_json::json!({
        "first_name": c.first_name,
        "last_name": c.last_name,
        "date_of_birth": c.date_of_birth.to_string(),
        "email": c.email,
    })
    .to_string()
}

/// Assigns a staff member of the same organization to a client; administrators only.
pub async fn assign(ctx: &Ctx, client_id: i32, staff_id: i32) -> Result<(), AppError> {
    let (admin, _) = ctx.admin_client(client_id).await?;
    let db = ctx.db();
    let member = staff_user::Entity::find_by_id(staff_id)
        .filter(staff_user::Column::OrganizationId.eq(admin.organization_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::invalid("staff_id", "Choose a staff member of this organization.")
        })?;
    let exists = client_staff::Entity::find_by_id((client_id, member.id))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "{} is already assigned to this client.",
            member.name
        )));
    }
    let txn = txn::begin(db).await?;
    client_staff::ActiveModel {
        client_id: Set(client_id),
        staff_id: Set(member.id),
    }
    .insert(&*txn)
    .await?;
    let assigned = Some(Ref::Staff(member.id).to_string());
    let entry = ctx.entry(
        "client.assign_staff",
        Ref::Client(client_id),
        None,
        assigned,
    );
    Ok(txn.commit_audited(entry).await?)
}

/// Removes a staff member from a client; administrators only.
pub async fn unassign(ctx: &Ctx, client_id: i32, staff_id: i32) -> Result<(), AppError> {
    ctx.admin_client(client_id).await?;
    let txn = txn::begin(ctx.db()).await?;
    let deleted = client_staff::Entity::delete_by_id((client_id, staff_id))
        .exec(&*txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let removed = Some(Ref::Staff(staff_id).to_string());
    let mut entries = vec![ctx.entry(
        "client.unassign_staff",
        Ref::Client(client_id),
        removed,
        None,
    )];
    // The portal access this therapist granted for the client ends with their assignment.
    let granted = client_contact_link::Entity::find()
        .filter(client_contact_link::Column::ClientId.eq(client_id))
        .filter(client_contact_link::Column::AccessGrantedBy.eq(staff_id))
        .filter(client_contact_link::Column::PortalAccess.eq(true))
        .all(&*txn)
        .await?;
    for link in granted {
        let contact = Ref::Contact(link.contact_id).to_string();
        let mut row: client_contact_link::ActiveModel = link.into();
        row.portal_access = Set(false);
        row.access_granted_by = Set(None);
        row.update(&*txn).await?;
        entries.push(ctx.entry(
            "contact.access_ended_with_assignment",
            Ref::Client(client_id),
            Some(format!("{contact} granted by {}", Ref::Staff(staff_id))),
            None,
        ));
    }
    refresh_portal_use(&*txn, &[client_id]).await?;
    Ok(txn.commit_audited_all(entries).await?)
}
