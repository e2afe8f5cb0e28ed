//! The current actor: a staff member with their permissions, or a portal account with the
//! clients it may act for. Every query that reads client data is scoped through here.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::entities::{
    client, client_contact, client_contact_link, client_staff, portal_account, staff_user,
};
use super::session::Owner;
use crate::domain::viewer::ClientRef;
use crate::error::AppError;

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    pub email: String,
    /// The Organization Administration permission.
    pub is_admin: bool,
    pub is_therapist: bool,
}

/// A signed-in portal account (a client, or a client contact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    pub account_id: i32,
    pub organization_id: i32,
    pub name: String,
    pub email: String,
    pub is_contact: bool,
    /// The clients this login may act for, by name.
    pub clients: Vec<ClientRef>,
}

/// Whoever is making the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff(Staff),
    Portal(Portal),
}

impl Actor {
    /// Loads the actor behind a session owner; `None` if the account no longer exists.
    pub async fn load(db: &impl ConnectionTrait, owner: Owner) -> Result<Option<Actor>, AppError> {
        match owner {
            Owner::Staff(id) => Ok(staff_user::Entity::find_by_id(id).one(db).await?.map(|s| {
                Actor::Staff(Staff {
                    id: s.id,
                    organization_id: s.organization_id,
                    name: s.name,
                    email: s.email,
                    is_admin: s.is_admin,
                    is_therapist: s.is_therapist,
                })
            })),
            Owner::Portal(id) => {
                let Some(account) = portal_account::Entity::find_by_id(id).one(db).await? else {
                    return Ok(None);
                };
                Ok(Some(Actor::Portal(load_portal(db, account).await?)))
            }
        }
    }

    /// How the audit log names this actor, e.g. `staff:3`.
    pub fn label(&self) -> String {
        match self {
            Actor::Staff(s) => format!("staff:{}", s.id),
            Actor::Portal(p) => format!("portal:{}", p.account_id),
        }
    }

    pub fn organization_id(&self) -> i32 {
        match self {
            Actor::Staff(s) => s.organization_id,
            Actor::Portal(p) => p.organization_id,
        }
    }
}

async fn load_portal(
    db: &impl ConnectionTrait,
    account: portal_account::Model,
) -> Result<Portal, AppError> {
    let org = account.organization_id;
    let (name, client_ids) = match (account.client_id, account.contact_id) {
        (Some(client_id), _) => {
            let client = client::Entity::find_by_id(client_id).one(db).await?;
            let name = client.map(|c| format!("{} {}", c.first_name, c.last_name));
            (name.unwrap_or_default(), vec![client_id])
        }
        (None, Some(contact_id)) => {
            let contact = client_contact::Entity::find_by_id(contact_id)
                .one(db)
                .await?;
            let links = client_contact_link::Entity::find()
                .filter(client_contact_link::Column::ContactId.eq(contact_id))
                .all(db)
                .await?;
            let name = contact.map(|c| c.name).unwrap_or_default();
            (name, links.into_iter().map(|l| l.client_id).collect())
        }
        (None, None) => (String::new(), Vec::new()),
    };
    let clients = client::Entity::find()
        .filter(client::Column::OrganizationId.eq(org))
        .filter(client::Column::Id.is_in(client_ids))
        .order_by_asc(client::Column::FirstName)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ClientRef {
            id: c.id,
            name: format!("{} {}", c.first_name, c.last_name),
        })
        .collect();
    Ok(Portal {
        account_id: account.id,
        organization_id: org,
        name,
        email: account.email,
        is_contact: account.contact_id.is_some(),
        clients,
    })
}

impl Staff {
    /// The clients this staff member may see: the whole organization for administrators,
    /// the assigned clients for everyone else.
    pub fn visible_clients(&self) -> Select<client::Entity> {
        let query =
            client::Entity::find().filter(client::Column::OrganizationId.eq(self.organization_id));
        if self.is_admin {
            query
        } else {
            query.filter(
                client::Column::Id.in_subquery(
                    Query::select()
                        .column(client_staff::Column::ClientId)
                        .from(client_staff::Entity)
                        .and_where(client_staff::Column::StaffId.eq(self.id))
                        .to_owned(),
                ),
            )
        }
    }

    /// The client `id`, if this staff member may see it; `NotFound` otherwise, so that the
    /// existence of other clients is not revealed.
    pub async fn client(
        &self,
        db: &impl ConnectionTrait,
        id: i32,
    ) -> Result<client::Model, AppError> {
        self.visible_clients()
            .filter(client::Column::Id.eq(id))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }
}

impl Portal {
    /// Whether this login may act for the client `id`.
    pub fn may_act_for(&self, id: i32) -> bool {
        self.clients.iter().any(|c| c.id == id)
    }
}
