//! Client queries shared by features: name search, portal use, a contact's clients, a staff
//! member's assigned clients, many clients by id in one query, and the alphabetical keyset.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::account::LinkPurpose;
use crate::domain::client::name_prefix;
use crate::domain::viewer::ClientRef;
use crate::error::AppError;
use crate::server::store::entities::{
    client, client_contact_link, client_staff, portal_account, portal_link,
};
use crate::server::store::paging::Keyset;

/// Client lists in alphabetical order (last name, first name), `per_page` at a time: the clients
/// list and Manage Clients. Served by the `(organization_id, [uses_portal,] last_name,
/// first_name, id)` indexes.
pub fn by_name(per_page: u64) -> Keyset<client::Column> {
    Keyset::new(
        vec![
            client::Column::LastName,
            client::Column::FirstName,
            client::Column::Id,
        ],
        false,
        per_page,
    )
}

/// Clients matching `base` whose first name, "first last" or last name starts with `query`;
/// `None` for a blank query. Each branch repeats `base` and is an exact `LIKE` prefix plus the
/// same prefix as a range, so that each can be served by its own index
/// (`(organization_id, …, search_name)` and `(organization_id, …, last_name_key)`).
pub fn name_filter(query: &str, base: Condition) -> Option<Condition> {
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
            .add(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
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

/// The clients `contact_id` is linked to.
pub async fn linked_clients(
    db: &impl ConnectionTrait,
    contact_id: i32,
) -> Result<Vec<i32>, AppError> {
    Ok(client_contact_link::Entity::find()
        .filter(client_contact_link::Column::ContactId.eq(contact_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.client_id)
        .collect())
}

/// The clients assigned to staff member `staff_id`.
pub async fn assigned(
    db: &impl ConnectionTrait,
    staff_id: i32,
) -> Result<Vec<client::Model>, AppError> {
    let ids: Vec<i32> = client_staff::Entity::find()
        .filter(client_staff::Column::StaffId.eq(staff_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.client_id)
        .collect();
    Ok(client::Entity::find()
        .filter(client::Column::Id.is_in(ids))
        .order_by_asc(client::Column::FirstName)
        .order_by_asc(client::Column::LastName)
        .all(db)
        .await?)
}

impl client::Model {
    /// The client's full name, as every page and email shows it: "Jordan Lee".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The client as the browser may see them: id and name.
    pub fn to_ref(&self) -> ClientRef {
        ClientRef {
            id: self.id,
            name: self.full_name(),
        }
    }
}

/// The clients `ids`, by id, in one query whatever the number of rows that name them.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, client::Model>, AppError> {
    let mut ids: Vec<i32> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(client::Entity::find()
        .filter(client::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
