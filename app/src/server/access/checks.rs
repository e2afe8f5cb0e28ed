//! The access checks, one per question, each auditing its denials: may this staff member see
//! this client; may this portal login act for this client, and use one ability for them; what
//! are a client's effective settings for whoever is asking; which conversations may they read.

use crate::domain::access::PortalAbilities;
use crate::domain::messages::UnreadCounts;
use crate::domain::settings::EffectiveSettings;
use crate::error::AppError;
use crate::server::access::actor::{ActingFor, Actor, Staff};
use crate::server::access::context::Ctx;
use crate::server::store::entities::{client, payment};
use crate::server::store::refs::Ref;
use crate::server::store::{clients, messages, settings};

/// What a portal login may do for one client at this request.
#[derive(Debug, Clone)]
pub struct Permit {
    pub acting: ActingFor,
    pub abilities: PortalAbilities,
    /// The client's effective settings (for rules that are not abilities, such as Hide
    /// Location Address on Intake Forms).
    pub settings: EffectiveSettings,
}

/// One portal ability, as the portal checks name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ability {
    Forms,
    Payments,
    Insurance,
    AddPayers,
    Messages,
    Scheduling,
    Appointments,
}

impl Ability {
    /// The name of the area in audited denials (`client:3:payments`).
    pub fn area(self) -> &'static str {
        match self {
            Ability::Forms => "forms",
            Ability::Payments => "payments",
            Ability::Insurance => "insurance",
            Ability::AddPayers => "add_payers",
            Ability::Messages => "messages",
            Ability::Scheduling => "scheduling",
            Ability::Appointments => "appointments",
        }
    }

    /// Whether `abilities` include this one.
    pub fn allowed(self, abilities: &PortalAbilities) -> bool {
        match self {
            Ability::Forms => abilities.forms,
            Ability::Payments => abilities.payments,
            Ability::Insurance => abilities.insurance,
            Ability::AddPayers => abilities.add_payers,
            Ability::Messages => abilities.messages,
            Ability::Scheduling => abilities.scheduling,
            Ability::Appointments => abilities.appointments,
        }
    }
}

impl Ctx {
    /// The payment `id`, if `staff` sees its client; a denial is audited and answers 404.
    pub async fn visible_payment(
        &self,
        staff: &Staff,
        id: i32,
    ) -> Result<payment::Model, AppError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let row = payment::Entity::find_by_id(id)
            .filter(payment::Column::OrganizationId.eq(staff.organization_id))
            .one(self.db())
            .await?
            .ok_or(AppError::NotFound)?;
        match staff.client(self.db(), row.client_id).await {
            Ok(_) => Ok(row),
            // Another client's payment: audited, and answered as if it did not exist.
            Err(e) => Err(self.deny(Ref::Payment(id), e).await),
        }
    }

    /// The signed-in staff member and the client `client_id`, if they may see it: the whole
    /// organization for administrators, the assigned clients for others. A denial is audited
    /// and answers 404, so that other clients' existence is not revealed.
    pub async fn staff_client(&self, client_id: i32) -> Result<(&Staff, client::Model), AppError> {
        let staff = self.staff().await?;
        match staff.client(self.db(), client_id).await {
            Ok(client) => Ok((staff, client)),
            Err(e) => Err(self.deny(Ref::Client(client_id), e).await),
        }
    }

    /// The administrator and the client `client_id` of their organization (audited denial).
    pub async fn admin_client(&self, client_id: i32) -> Result<(&Staff, client::Model), AppError> {
        let admin = self.admin().await?;
        match admin.client(self.db(), client_id).await {
            Ok(client) => Ok((admin, client)),
            Err(e) => Err(self.deny(Ref::Client(client_id), e).await),
        }
    }

    /// What the signed-in portal login may do for `client_id`; 403 (audited) when it may not
    /// act for them, or no longer may.
    pub async fn permit(&self, client_id: i32) -> Result<Permit, AppError> {
        let portal = self.portal().await?;
        let Some(acting) = portal.acting_for(client_id).cloned() else {
            return Err(self.deny(Ref::Client(client_id), AppError::Forbidden).await);
        };
        // Read with the actor at the start of this request.
        let settings = acting.settings;
        let abilities = PortalAbilities::new(&settings, acting.scopes);
        Ok(Permit {
            acting,
            abilities,
            settings,
        })
    }

    /// [`Ctx::permit`], refused with 403 (audited) unless it includes `ability`.
    pub async fn permit_for(&self, client_id: i32, ability: Ability) -> Result<Permit, AppError> {
        let permit = self.permit(client_id).await?;
        if ability.allowed(&permit.abilities) {
            Ok(permit)
        } else {
            let area = Ref::Client(client_id).area(ability.area());
            Err(self.deny(area, AppError::Forbidden).await)
        }
    }

    /// The effective settings of one client, for the client, a contact acting for them, or
    /// staff who may see them (audited denial otherwise).
    pub async fn effective_for(&self, client_id: i32) -> Result<EffectiveSettings, AppError> {
        let organization_id = match &self.actor {
            None => return Err(AppError::Unauthenticated),
            // A portal login's clients' settings were read with the login, at this request.
            Some(Actor::Portal(p)) => match p.acting_for(client_id) {
                Some(acting) => return Ok(acting.settings),
                None => return Err(self.deny(Ref::Client(client_id), AppError::Forbidden).await),
            },
            Some(Actor::Staff(_)) => self.staff_client(client_id).await?.1.organization_id,
        };
        settings::effective_of(self.db(), organization_id, client_id).await
    }

    /// The conversations the signed-in person takes part in, with their reader reference: a
    /// staff member's assigned clients; a portal login's clients whose messaging it may use.
    pub async fn conversations(&self) -> Result<(Ref, Vec<i32>), AppError> {
        match &self.actor {
            Some(Actor::Staff(staff)) => {
                let assigned = clients::assigned(self.db(), staff.id).await?;
                Ok((staff.label(), assigned.iter().map(|c| c.id).collect()))
            }
            Some(Actor::Portal(portal)) => {
                let mut ids = Vec::new();
                for acting in &portal.clients {
                    if self.permit(acting.client.id).await?.abilities.messages {
                        ids.push(acting.client.id);
                    }
                }
                Ok((portal.label(), ids))
            }
            None => Err(AppError::Unauthenticated),
        }
    }

    /// The signed-in person's unread messages (the envelope's badge; the portal's Messages tab).
    pub async fn unread(&self) -> Result<UnreadCounts, AppError> {
        let (reader, clients) = self.conversations().await?;
        messages::unread_in(self.db(), &reader.to_string(), &clients).await
    }
}
