//! The current actor: a staff member with their permissions, or a portal account with the
//! clients it may act for (re-checked at every request). Every query that reads client data is scoped through here.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::session::{Holder, Owner};
use crate::domain::access::Scopes;
use crate::domain::settings::{EffectiveSettings, Setting};
use crate::domain::viewer::{portal_home, ClientRef, STAFF_HOME};
use crate::error::AppError;
use crate::server::store::contacts::contact_access;
use crate::server::store::entities::{
    client, client_contact, client_contact_link, client_staff, organization, portal_account,
    staff_user,
};
use crate::server::store::refs::Ref;
use crate::server::store::settings;

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

/// A client a portal login may act for right now, with what the login covers for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingFor {
    pub client: ClientRef,
    /// Everything for a client's own login; the link's scopes for a contact.
    pub scopes: Scopes,
    /// The client's effective settings at this request.
    pub settings: EffectiveSettings,
}

/// A signed-in portal account (a client, or a client contact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    pub account_id: i32,
    pub organization_id: i32,
    /// The organization, read with its settings.
    pub organization: organization::Model,
    pub name: String,
    pub email: String,
    pub is_contact: bool,
    /// The contact this login belongs to; `None` for a client's own login.
    pub contact_id: Option<i32>,
    /// The clients this login may act for at this request: for a contact, only links with
    /// live access whose client has Allow Client Portal Access for Client Contacts effective.
    pub clients: Vec<ActingFor>,
}

/// Whoever is making the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff(Staff),
    Portal(Portal),
}

impl Actor {
    /// The actor holding a session, whose row came with the session.
    pub async fn of_holder(db: &impl ConnectionTrait, holder: Holder) -> Result<Actor, AppError> {
        match holder {
            Holder::Staff(staff) => Ok(Actor::from_staff(staff)),
            Holder::Portal(account) => Ok(Actor::Portal(load_portal(db, account).await?)),
        }
    }

    /// Loads the actor behind a session owner; `None` if the account no longer exists or is
    /// deactivated.
    pub async fn load(db: &impl ConnectionTrait, owner: Owner) -> Result<Option<Actor>, AppError> {
        match owner {
            Owner::Staff(id) => Ok(staff_user::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(staff_user::Model::is_active)
                .map(Actor::from_staff)),
            Owner::Portal(id) => {
                let Some(account) = portal_account::Entity::find_by_id(id).one(db).await? else {
                    return Ok(None);
                };
                Ok(Some(Actor::Portal(load_portal(db, account).await?)))
            }
        }
    }

    /// Where `owner` lands after signing in (see [`Actor::home`]); the sign-in page if the
    /// account is gone.
    pub async fn landing(db: &impl ConnectionTrait, owner: Owner) -> Result<String, AppError> {
        Ok(Actor::load(db, owner)
            .await?
            .map(|actor| actor.home())
            .unwrap_or_else(|| "/sign-in".to_owned()))
    }

    /// The actor of a staff member's row.
    pub fn from_staff(s: staff_user::Model) -> Actor {
        Actor::Staff(Staff {
            id: s.id,
            organization_id: s.organization_id,
            name: s.name,
            email: s.email,
            is_admin: s.is_admin,
            is_therapist: s.is_therapist,
        })
    }

    /// How the audit log, messages and bookings name this actor, e.g. `staff:3`.
    pub fn label(&self) -> Ref {
        match self {
            Actor::Staff(s) => s.label(),
            Actor::Portal(p) => p.label(),
        }
    }

    pub fn organization_id(&self) -> i32 {
        match self {
            Actor::Staff(s) => s.organization_id,
            Actor::Portal(p) => p.organization_id,
        }
    }

    /// Where this person lands after signing in: the admin, their only client's home, or the
    /// overview of their clients.
    pub fn home(&self) -> String {
        match self {
            Actor::Staff(_) => STAFF_HOME.to_owned(),
            Actor::Portal(p) => portal_home(p.clients.iter().map(|c| c.client.id)),
        }
    }
}

/// A portal login as it may act at this request. Reads the organization with its settings, the
/// clients' turn-offs and the clients in one query each (and, for a contact, its name and links),
/// whatever the number of clients.
async fn load_portal(
    db: &impl ConnectionTrait,
    account: portal_account::Model,
) -> Result<Portal, AppError> {
    let org_id = account.organization_id;
    let (organization, org_settings) = settings::load_with_organization(db, org_id).await?;
    // Each candidate client, with the contact's grant (none for a client's own login).
    let (name, candidates) = match (account.client_id, account.contact_id) {
        (Some(client_id), _) => (None, vec![(client_id, None)]),
        (None, Some(contact_id)) => {
            let contact = client_contact::Entity::find_by_id(contact_id)
                .one(db)
                .await?;
            let links = client_contact_link::Entity::find()
                .filter(client_contact_link::Column::ContactId.eq(contact_id))
                .filter(client_contact_link::Column::PortalAccess.eq(true))
                .all(db)
                .await?;
            let grants = links
                .iter()
                .map(|l| (l.client_id, Some(contact_access(l))))
                .collect();
            (contact.map(|c| c.name), grants)
        }
        (None, None) => (None, Vec::new()),
    };
    let ids: Vec<i32> = candidates.iter().map(|(id, _)| *id).collect();
    let effective = if ids.is_empty() {
        HashMap::new()
    } else {
        settings::effective_of_each(db, &org_settings, &ids).await?
    };
    // A contact acts for a client while the grant is live (the organization's date) and
    // contact access is effective for the client.
    let today = organization.today(Utc::now());
    let grants: HashMap<i32, (Scopes, EffectiveSettings)> = candidates
        .into_iter()
        .filter_map(|(id, access)| {
            let on = effective.get(&id).copied()?;
            match access {
                None => Some((id, (Scopes::ALL, on))),
                Some(a) if a.is_live(today) && on.get(Setting::ContactAccess) => {
                    Some((id, (a.scopes, on)))
                }
                Some(_) => None,
            }
        })
        .collect();
    let rows = if grants.is_empty() {
        Vec::new()
    } else {
        client::Entity::find()
            .filter(client::Column::OrganizationId.eq(org_id))
            .filter(client::Column::Id.is_in(grants.keys().copied()))
            .order_by_asc(client::Column::FirstName)
            .order_by_asc(client::Column::Id)
            .all(db)
            .await?
    };
    let own_name = account
        .client_id
        .and_then(|id| rows.iter().find(|c| c.id == id))
        .map(|c| c.full_name());
    let clients = rows
        .into_iter()
        .map(|c| {
            let (scopes, settings) = grants[&c.id];
            ActingFor {
                scopes,
                settings,
                client: c.to_ref(),
            }
        })
        .collect();
    Ok(Portal {
        account_id: account.id,
        organization_id: org_id,
        organization,
        name: name.or(own_name).unwrap_or_default(),
        email: account.email,
        is_contact: account.contact_id.is_some(),
        contact_id: account.contact_id,
        clients,
    })
}

impl Staff {
    /// This staff member as stored in references, `staff:3`.
    pub fn label(&self) -> Ref {
        Ref::Staff(self.id)
    }

    /// `None` for an administrator, who sees the whole organization; the staff member's id for
    /// everyone else, who sees only what concerns their assigned clients.
    pub fn assigned_scope(&self) -> Option<i32> {
        (!self.is_admin).then_some(self.id)
    }

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
    /// This login as stored in references, `portal:7`.
    pub fn label(&self) -> Ref {
        Ref::Portal(self.account_id)
    }

    /// Whether this login may act for the client `id`.
    pub fn may_act_for(&self, id: i32) -> bool {
        self.acting_for(id).is_some()
    }

    /// The client `id` with this login's scopes, if it may act for them.
    pub fn acting_for(&self, id: i32) -> Option<&ActingFor> {
        self.clients.iter().find(|c| c.client.id == id)
    }

    /// Whether a form addressed to `contact_id` (`None`: to the client) is this login's: a
    /// contact's own, or, for a client's own login, one addressed to the client.
    pub fn is_addressee(&self, contact_id: Option<i32>) -> bool {
        self.contact_id == contact_id
    }

    /// The clients, as the browser may see them.
    pub fn client_refs(&self) -> Vec<ClientRef> {
        self.clients.iter().map(|c| c.client.clone()).collect()
    }
}
