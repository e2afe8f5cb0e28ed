//! Portal invitations: issuing one (single use, 72 hours, emailed) and revoking it, audited.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, PaginatorTrait, QueryFilter, Set,
};

use crate::domain::account::{
    LinkPurpose, PortalStatus, INVITATION_HOURS, MAX_INVITATIONS_PER_DAY, RESET_HOURS,
};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::access::session;
use crate::server::mail::emails;
use crate::server::store::clients::refresh_portal_use;
use crate::server::store::entities::portal_link;
use crate::server::store::portal_links::{ensure_email_free_in, revoke_open, status, Invitee};
use crate::server::store::{organizations, txn};

/// A new link row for `token` (stored as its SHA-256), valid for its purpose's lifetime; the
/// caller sets whom it is for.
pub fn new_link(
    token: &str,
    purpose: LinkPurpose,
    organization_id: i32,
    (email, name): (&str, &str),
    created_by: String,
    now: DateTime<Utc>,
) -> portal_link::ActiveModel {
    let hours = match purpose {
        LinkPurpose::Invitation => INVITATION_HOURS,
        LinkPurpose::PasswordReset => RESET_HOURS,
    };
    portal_link::ActiveModel {
        id: NotSet,
        token_hash: Set(session::digest(token)),
        purpose: Set(purpose),
        organization_id: Set(organization_id),
        email: Set(email.to_owned()),
        name: Set(name.to_owned()),
        client_id: Set(None),
        contact_id: Set(None),
        portal_account_id: Set(None),
        staff_user_id: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(hours)),
        used_at: Set(None),
        revoked_at: Set(None),
    }
}

/// Sends a new invitation to `invitee` at `email` (revoking any earlier open one), audited.
/// `clients` are the clients whose portal use the invitation affects.
pub async fn invite(
    ctx: &Ctx,
    organization_id: i32,
    invitee: Invitee,
    name: &str,
    email: &str,
    clients: &[i32],
) -> Result<PortalStatus, AppError> {
    let db = ctx.db();
    if status(db, &invitee, Utc::now()).await? == PortalStatus::Active {
        return Err(AppError::Conflict(format!(
            "{name} already has a portal login. They can reset their password from the sign-in page."
        )));
    }
    ensure_email_free_in(db, email, Some(organization_id)).await?;
    let now = Utc::now();
    let token = session::new_token();
    let txn = txn::begin(db).await?;
    // Re-sends are counted under the invitee's turn, so parallel clicks cannot pass the cap.
    txn::serialize_on(&txn, &format!("invitations of {}", invitee.label())).await?;
    let sent_today = portal_link::Entity::find()
        .filter(invitee.filter())
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .filter(portal_link::Column::CreatedAt.gt(now - Duration::hours(24)))
        .count(&*txn)
        .await?;
    if sent_today >= MAX_INVITATIONS_PER_DAY {
        return Err(AppError::TooFrequent(format!(
            "{name} has been sent {MAX_INVITATIONS_PER_DAY} invitations in the last 24 hours. \
             Please try again tomorrow, or check the email address with them."
        )));
    }
    let resent = revoke_open(&*txn, &invitee, now).await? > 0;
    let (client_id, contact_id) = match invitee {
        Invitee::Client(id) => (Some(id), None),
        Invitee::Contact(id) => (None, Some(id)),
    };
    let mut link = new_link(
        &token,
        LinkPurpose::Invitation,
        organization_id,
        (email, name),
        ctx.actor
            .as_ref()
            .map(|a| a.label().to_string())
            .unwrap_or_default(),
        now,
    );
    link.client_id = Set(client_id);
    link.contact_id = Set(contact_id);
    let link = link.insert(&*txn).await?;
    refresh_portal_use(&*txn, clients).await?;
    let action = if resent {
        "portal.invitation_resent"
    } else {
        "portal.invitation_sent"
    };
    txn.commit_audited(ctx.entry(
        action,
        invitee.label(),
        None,
        Some(format!("{email}, expires {}", link.expires_at.to_rfc3339())),
    ))
    .await?;
    let practice = organizations::get(db, organization_id).await?.name;
    let link = ctx.state.mailer.link(&format!("/welcome?token={token}"));
    let letter = emails::invitation(name, &practice, &link);
    ctx.state
        .mailer
        .send(db, letter.to(organization_id, email))
        .await?;
    status(db, &invitee, Utc::now()).await
}

/// Revokes `invitee`'s open invitation, audited.
pub async fn revoke(ctx: &Ctx, invitee: Invitee, clients: &[i32]) -> Result<(), AppError> {
    let txn = txn::begin(ctx.db()).await?;
    if revoke_open(&*txn, &invitee, Utc::now()).await? == 0 {
        return Err(AppError::Conflict(
            "There is no pending invitation to revoke.".into(),
        ));
    }
    refresh_portal_use(&*txn, clients).await?;
    txn.commit_audited(ctx.entry("portal.invitation_revoked", invitee.label(), None, None))
        .await?;
    Ok(())
}
