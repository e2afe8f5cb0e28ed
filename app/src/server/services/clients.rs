//! Clients for staff: the searchable list, a client's page, creating and editing clients,
//! assigning staff and adding contacts. Administrators manage; therapists see their own clients.

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::domain::account::LinkPurpose;
use crate::domain::client::{
    last_name_key, name_prefix, search_name, ClientDetail, ClientInput, ClientPage, ClientSummary,
    StaffRef, CLIENTS_PER_PAGE,
};
use crate::error::AppError;
use crate::server::context::Ctx;
use crate::server::entities::{
    client, client_contact_link, client_staff, portal_account, portal_link, staff_user,
};
use crate::server::services::contacts;
use crate::server::services::links::{self, Invitee};

/// Clients matching `base` whose first name, "first last" or last name starts with `query`;
/// `None` for a blank query. Each branch repeats `base` and is an exact `LIKE` prefix plus the
/// same prefix as a range, so that each can be served by its own index
/// (`(organization_id, …, search_name)` and `(organization_id, …, last_name_key)`).
pub(crate) fn name_filter(query: &str, base: Condition) -> Option<Condition> {
    use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
    let prefix = name_prefix(query)?;
    let starts_with = |col: client::Column| {
        base.clone()
            .add(
                Expr::col((client::Entity, col))
                    .like(LikeExpr::new(prefix.pattern.clone()).escape('\\')),
            )
            .add(col.gte(prefix.low.clone()))
            .add(col.lt(prefix.high.clone()))
    };
    Some(
        Condition::any()
            .add(starts_with(client::Column::SearchName))
            .add(starts_with(client::Column::LastNameKey)),
    )
}

/// Recomputes whether each of `client_ids` uses the portal: their own login or open
/// invitation, or a login or open invitation of a contact linked to them. Call it whenever
/// portal accounts, invitations or contact links change.
pub async fn refresh_portal_use(
    db: &impl ConnectionTrait,
    client_ids: &[i32],
) -> Result<(), AppError> {
    let ids = || client_ids.iter().copied();
    let own = portal_account::Entity::find()
        .filter(portal_account::Column::ClientId.is_in(ids()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| a.client_id);
    let open_invitation = || {
        Condition::all()
            .add(portal_link::Column::Purpose.eq(LinkPurpose::Invitation.key()))
            .add(portal_link::Column::UsedAt.is_null())
            .add(portal_link::Column::RevokedAt.is_null())
    };
    let invited = portal_link::Entity::find()
        .filter(open_invitation())
        .filter(portal_link::Column::ClientId.is_in(ids()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| l.client_id);
    let contact_logins = Query::select()
        .column(portal_account::Column::ContactId)
        .from(portal_account::Entity)
        .and_where(portal_account::Column::ContactId.is_not_null())
        .to_owned();
    let invited_contacts = Query::select()
        .column(portal_link::Column::ContactId)
        .from(portal_link::Entity)
        .cond_where(open_invitation().add(portal_link::Column::ContactId.is_not_null()))
        .to_owned();
    let through_contacts = client_contact_link::Entity::find()
        .filter(client_contact_link::Column::ClientId.is_in(ids()))
        .filter(
            Condition::any()
                .add(client_contact_link::Column::ContactId.in_subquery(contact_logins))
                .add(client_contact_link::Column::ContactId.in_subquery(invited_contacts)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.client_id);
    let users: std::collections::BTreeSet<i32> =
        own.chain(invited).chain(through_contacts).collect();
    for (value, ids) in [
        (true, users.iter().copied().collect::<Vec<_>>()),
        (
            false,
            client_ids
                .iter()
                .copied()
                .filter(|id| !users.contains(id))
                .collect(),
        ),
    ] {
        client::Entity::update_many()
            .col_expr(
                client::Column::UsesPortal,
                sea_orm::sea_query::Expr::value(value),
            )
            .filter(client::Column::Id.is_in(ids))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// One page (1-based) of the clients the caller may see, filtered by name.
pub async fn list(ctx: &Ctx, query: &str, page: u64) -> Result<ClientPage, AppError> {
    let staff = ctx.staff().await?;
    let mut select = staff.visible_clients();
    let org = Condition::all().add(client::Column::OrganizationId.eq(staff.organization_id));
    if let Some(names) = name_filter(query, org) {
        select = select.filter(names);
    }
    let paginator = select
        .order_by_asc(client::Column::LastName)
        .order_by_asc(client::Column::FirstName)
        .order_by_asc(client::Column::Id)
        .paginate(ctx.db(), CLIENTS_PER_PAGE);
    let counts = paginator.num_items_and_pages().await?;
    let page = page.clamp(1, counts.number_of_pages.max(1));
    let clients = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(|c| ClientSummary {
            id: c.id,
            name: format!("{} {}", c.first_name, c.last_name),
            date_of_birth: c.date_of_birth,
            email: c.email,
        })
        .collect();
    Ok(ClientPage {
        clients,
        total: counts.number_of_items,
        page,
        pages: counts.number_of_pages.max(1),
    })
}

/// A client's page: details, assigned staff and contacts.
pub async fn detail(ctx: &Ctx, id: i32) -> Result<ClientDetail, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let client = match staff.client(db, id).await {
        Ok(client) => client,
        Err(e) => return Err(ctx.deny(&format!("client:{id}"), e).await),
    };
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
            .all(db)
            .await?
            .into_iter()
            .map(to_ref)
            .collect()
    } else {
        Vec::new()
    };
    let contacts = contacts::summaries(db, &client).await?;
    let linkable_contacts = contacts::linkable(db, &client).await?;
    let portal = links::status(db, &Invitee::Client(id), Utc::now()).await?;
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
    .insert(ctx.db())
    .await?;
    ctx.audit(
        "client.create",
        &format!("client:{}", row.id),
        None,
        Some(describe(&row)),
    )
    .await?;
    Ok(row.id)
}

/// Updates a client's details; administrators only.
pub async fn update(ctx: &Ctx, id: i32, input: &ClientInput) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let valid = input.validate(Utc::now().date_naive())?;
    let before = admin.client(ctx.db(), id).await?;
    let mut row: client::ActiveModel = before.clone().into();
    row.search_name = Set(search_name(&valid.first_name, &valid.last_name));
    row.last_name_key = Set(last_name_key(&valid.last_name));
    row.first_name = Set(valid.first_name);
    row.last_name = Set(valid.last_name);
    row.date_of_birth = Set(valid.date_of_birth);
    row.email = Set(valid.email);
    let after = row.update(ctx.db()).await?;
    ctx.audit(
        "client.update",
        &format!("client:{id}"),
        Some(describe(&before)),
        Some(describe(&after)),
    )
    .await
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
    let admin = ctx.admin().await?;
    let db = ctx.db();
    admin.client(db, client_id).await?;
    let member = staff_user::Entity::find_by_id(staff_id)
        .filter(staff_user::Column::OrganizationId.eq(admin.organization_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Invalid(crate::domain::validation::FieldErrors::single(
                "staff_id",
                "Choose a staff member of this organization.",
            ))
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
    client_staff::ActiveModel {
        client_id: Set(client_id),
        staff_id: Set(member.id),
    }
    .insert(db)
    .await?;
    ctx.audit(
        "client.assign_staff",
        &format!("client:{client_id}"),
        None,
        Some(format!("staff:{}", member.id)),
    )
    .await
}

/// Removes a staff member from a client; administrators only.
pub async fn unassign(ctx: &Ctx, client_id: i32, staff_id: i32) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    admin.client(ctx.db(), client_id).await?;
    let deleted = client_staff::Entity::delete_by_id((client_id, staff_id))
        .exec(ctx.db())
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    ctx.audit(
        "client.unassign_staff",
        &format!("client:{client_id}"),
        Some(format!("staff:{staff_id}")),
        None,
    )
    .await
}
