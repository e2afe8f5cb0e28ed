//! The `portal_links` table as invitations use it: whom one is for, where an invitee stands with the portal, revoking open ones, and whether an email is free for a new login.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::domain::account::{LinkPurpose, PortalStatus};
use crate::error::AppError;
use crate::server::store::entities::{portal_account, portal_link, staff_user};
use crate::server::store::refs::Ref;

/// Who an invitation is for: a client, or a contact (with the clients they are linked to).
#[derive(Debug, Clone)]
pub enum Invitee {
    Client(i32),
    Contact(i32),
}

impl Invitee {
    pub fn filter(&self) -> sea_orm::Condition {
        let c = sea_orm::Condition::all();
        match self {
            Invitee::Client(id) => c.add(portal_link::Column::ClientId.eq(*id)),
            Invitee::Contact(id) => c.add(portal_link::Column::ContactId.eq(*id)),
        }
    }

    pub fn account_filter(&self) -> sea_orm::Condition {
        let c = sea_orm::Condition::all();
        match self {
            Invitee::Client(id) => c.add(portal_account::Column::ClientId.eq(*id)),
            Invitee::Contact(id) => c.add(portal_account::Column::ContactId.eq(*id)),
        }
    }

    /// The invitee as the audit log names them.
    pub fn label(&self) -> Ref {
        match *self {
            Invitee::Client(id) => Ref::Client(id),
            Invitee::Contact(id) => Ref::Contact(id),
        }
    }
}

/// Where `invitee` stands with the portal at `now`.
pub async fn status(
    db: &impl ConnectionTrait,
    invitee: &Invitee,
    now: DateTime<Utc>,
) -> Result<PortalStatus, AppError> {
    let has_login = portal_account::Entity::find()
        .filter(invitee.account_filter())
        .count(db)
        .await?
        > 0;
    if has_login {
        return Ok(PortalStatus::Active);
    }
    let last = portal_link::Entity::find()
        .filter(invitee.filter())
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .order_by_desc(portal_link::Column::Id)
        .one(db)
        .await?;
    Ok(match last {
        Some(l) if l.used_at.is_none() && l.revoked_at.is_none() => {
            if now < l.expires_at {
                PortalStatus::Invited {
                    expires_at: l.expires_at,
                }
            } else {
                PortalStatus::InvitationExpired
            }
        }
        _ => PortalStatus::NotInvited,
    })
}

/// Revokes the open invitations of `invitee`; returns how many there were.
pub async fn revoke_open(
    db: &impl ConnectionTrait,
    invitee: &Invitee,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(invitee.filter())
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Fails with a conflict when `email` already signs in somewhere.
pub async fn ensure_email_free(db: &impl ConnectionTrait, email: &str) -> Result<(), AppError> {
    ensure_email_free_in(db, email, None).await
}

/// [`ensure_email_free`] among the logins of `organization_id` only (all when `None`). Staff
/// inviting someone learn only about their own practice's logins: whether an address has a
/// login at another practice is not theirs to know (the invitee learns it on accepting).
pub async fn ensure_email_free_in(
    db: &impl ConnectionTrait,
    email: &str,
    organization_id: Option<i32>,
) -> Result<(), AppError> {
    let mut portal = portal_account::Entity::find().filter(portal_account::Column::Email.eq(email));
    let mut staff = staff_user::Entity::find().filter(staff_user::Column::Email.eq(email));
    if let Some(org) = organization_id {
        portal = portal.filter(portal_account::Column::OrganizationId.eq(org));
        staff = staff.filter(staff_user::Column::OrganizationId.eq(org));
    }
    if portal.count(db).await? + staff.count(db).await? > 0 {
        Err(AppError::Conflict(format!(
            "{email} already has a login. Use a different email, or ask them to reset their password."
        )))
    } else {
        Ok(())
    }
}
