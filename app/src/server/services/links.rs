//! Single-use links sent by email: invitations to the portal and password resets. A link is
//! stored only as the SHA-256 of its token, works once, expires, and can be revoked.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::domain::account::{
    LinkInfo, LinkPurpose, LinkState, NewPasswordInput, PortalStatus, ResetRequestInput,
    INVITATION_HOURS, RESET_HOURS,
};
use crate::error::AppError;
use crate::server::audit::{self, Entry};
use crate::server::context::Ctx;
use crate::server::entities::{organization, portal_account, portal_link, staff_user};
use crate::server::mail::{self, Email};
use crate::server::password;
use crate::server::services::auth::{find_login, SignedIn};
use crate::server::services::clients::refresh_portal_use;
use crate::server::session::{self, Owner};
use crate::server::write;

/// At most this many reset emails per address per hour.
const RESETS_PER_HOUR: u64 = 3;

/// Who an invitation is for: a client, or a contact (with the clients they are linked to).
#[derive(Debug, Clone)]
pub enum Invitee {
    Client(i32),
    Contact(i32),
}

impl Invitee {
    fn filter(&self) -> sea_orm::Condition {
        let c = sea_orm::Condition::all();
        match self {
            Invitee::Client(id) => c.add(portal_link::Column::ClientId.eq(*id)),
            Invitee::Contact(id) => c.add(portal_link::Column::ContactId.eq(*id)),
        }
    }

    fn account_filter(&self) -> sea_orm::Condition {
        let c = sea_orm::Condition::all();
        match self {
            Invitee::Client(id) => c.add(portal_account::Column::ClientId.eq(*id)),
            Invitee::Contact(id) => c.add(portal_account::Column::ContactId.eq(*id)),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Invitee::Client(id) => format!("client:{id}"),
            Invitee::Contact(id) => format!("contact:{id}"),
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
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation.key()))
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

/// A new link row for `token` (stored as its SHA-256), valid for its purpose's lifetime; the
/// caller sets whom it is for.
fn new_link(
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
        purpose: Set(purpose.key().to_owned()),
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

/// Fails with a conflict when `email` already signs in somewhere.
async fn ensure_email_free(db: &impl ConnectionTrait, email: &str) -> Result<(), AppError> {
    let portal = portal_account::Entity::find()
        .filter(portal_account::Column::Email.eq(email))
        .count(db)
        .await?;
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .count(db)
        .await?;
    if portal + staff > 0 {
        Err(AppError::Conflict(format!(
            "{email} already has a login. Use a different email, or ask them to reset their password."
        )))
    } else {
        Ok(())
    }
}

/// Revokes the open invitations of `invitee`; returns how many there were.
async fn revoke_open(
    db: &impl ConnectionTrait,
    invitee: &Invitee,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(invitee.filter())
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation.key()))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

async fn practice_name(db: &impl ConnectionTrait, org: i32) -> Result<String, AppError> {
    Ok(organization::Entity::find_by_id(org)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
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
    ensure_email_free(db, email).await?;
    let now = Utc::now();
    let token = session::new_token();
    let txn = write::begin(db).await?;
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
        ctx.actor.as_ref().map(|a| a.label()).unwrap_or_default(),
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
    ctx.audit_in(
        &*txn,
        action,
        &invitee.label(),
        None,
        Some(format!("{email}, expires {}", link.expires_at.to_rfc3339())),
    )
    .await?;
    txn.commit().await?;
    let practice = practice_name(db, organization_id).await?;
    let (subject, body) = mail::invitation(
        name,
        &practice,
        &ctx.state.mailer.link(&format!("/welcome?token={token}")),
    );
    ctx.state
        .mailer
        .send(
            db,
            Email {
                organization_id: Some(organization_id),
                to: email.to_owned(),
                subject,
                body,
            },
        )
        .await?;
    status(db, &invitee, Utc::now()).await
}

/// Revokes `invitee`'s open invitation, audited.
pub async fn revoke(ctx: &Ctx, invitee: Invitee, clients: &[i32]) -> Result<(), AppError> {
    let txn = write::begin(ctx.db()).await?;
    if revoke_open(&*txn, &invitee, Utc::now()).await? == 0 {
        return Err(AppError::Conflict(
            "There is no pending invitation to revoke.".into(),
        ));
    }
    refresh_portal_use(&*txn, clients).await?;
    ctx.audit_in(
        &*txn,
        "portal.invitation_revoked",
        &invitee.label(),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn find(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<portal_link::Model>, AppError> {
    Ok(portal_link::Entity::find()
        .filter(portal_link::Column::TokenHash.eq(session::digest(token)))
        .one(db)
        .await?)
}

/// What the page behind a link shows; anyone holding the link may ask.
pub async fn info(ctx: &Ctx, token: &str) -> Result<LinkInfo, AppError> {
    let db = ctx.db();
    let Some(link) = find(db, token).await? else {
        return Ok(LinkInfo {
            purpose: None,
            state: LinkState::Unknown,
            practice: String::new(),
            email: String::new(),
        });
    };
    Ok(LinkInfo {
        purpose: LinkPurpose::from_key(&link.purpose),
        state: LinkState::of(link.used_at, link.revoked_at, link.expires_at, Utc::now()),
        practice: practice_name(db, link.organization_id).await?,
        email: link.email,
    })
}

/// Uses a link: sets the password (creating the portal login for an invitation, ending every
/// other session for a reset) and signs the person in. The link works only once, even when
/// two requests race: it is claimed with a conditional update inside the transaction.
pub async fn accept(ctx: &Ctx, input: &NewPasswordInput) -> Result<SignedIn, AppError> {
    input.validate()?;
    let db = ctx.db();
    let now = Utc::now();
    let link = find(db, &input.token).await?;
    let state = link
        .as_ref()
        .map(|l| LinkState::of(l.used_at, l.revoked_at, l.expires_at, now))
        .unwrap_or(LinkState::Unknown);
    let purpose = link
        .as_ref()
        .and_then(|l| LinkPurpose::from_key(&l.purpose));
    let (Some(link), Some(purpose), LinkState::Valid) = (link, purpose, state) else {
        return Err(AppError::Conflict(state.explanation(purpose).into()));
    };
    let hash = password::hash(input.password.clone()).await?;
    let txn = write::begin(db).await?;
    let claimed = portal_link::Entity::update_many()
        .col_expr(portal_link::Column::UsedAt, Expr::value(now))
        .filter(portal_link::Column::Id.eq(link.id))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .filter(portal_link::Column::ExpiresAt.gt(now))
        .exec(&*txn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(AppError::Conflict(
            LinkState::Used.explanation(Some(purpose)).into(),
        ));
    }
    let (owner, action) = match purpose {
        LinkPurpose::Invitation => (
            create_login(&*txn, &link, hash, now).await?,
            "portal.invitation_accepted",
        ),
        LinkPurpose::PasswordReset => (reset_password(&*txn, &link, hash).await?, "password.reset"),
    };
    let label = match owner {
        Owner::Staff(id) => format!("staff:{id}"),
        Owner::Portal(id) => format!("portal:{id}"),
    };
    audit::record(
        &*txn,
        Entry {
            organization_id: Some(link.organization_id),
            actor: &label,
            action,
            object: &label,
            ip: ctx.ip.as_deref(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    let token = session::create(db, &ctx.state.sessions, owner, ctx.ip.as_deref(), now).await?;
    let home = match owner {
        Owner::Staff(_) => "/admin",
        Owner::Portal(_) => "/portal",
    };
    Ok(SignedIn { token, home })
}

async fn create_login(
    db: &impl ConnectionTrait,
    link: &portal_link::Model,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Owner, AppError> {
    ensure_email_free(db, &link.email).await?;
    let account = portal_account::ActiveModel {
        id: NotSet,
        organization_id: Set(link.organization_id),
        email: Set(link.email.clone()),
        password_hash: Set(password_hash),
        client_id: Set(link.client_id),
        contact_id: Set(link.contact_id),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let clients = match (link.client_id, link.contact_id) {
        (Some(id), _) => vec![id],
        (None, Some(contact)) => super::contacts::linked_clients(db, contact).await?,
        _ => Vec::new(),
    };
    refresh_portal_use(db, &clients).await?;
    Ok(Owner::Portal(account.id))
}

async fn reset_password(
    db: &impl ConnectionTrait,
    link: &portal_link::Model,
    password_hash: String,
) -> Result<Owner, AppError> {
    let owner = match (link.staff_user_id, link.portal_account_id) {
        (Some(id), _) => {
            staff_user::Entity::update_many()
                .col_expr(staff_user::Column::PasswordHash, Expr::value(password_hash))
                .filter(staff_user::Column::Id.eq(id))
                .exec(db)
                .await?;
            Owner::Staff(id)
        }
        (None, Some(id)) => {
            portal_account::Entity::update_many()
                .col_expr(
                    portal_account::Column::PasswordHash,
                    Expr::value(password_hash),
                )
                .filter(portal_account::Column::Id.eq(id))
                .exec(db)
                .await?;
            Owner::Portal(id)
        }
        (None, None) => return Err(AppError::NotFound),
    };
    session::end_all(db, owner).await?;
    Ok(owner)
}

/// Emails a reset link to `input.email` if it belongs to a login. The answer is the same
/// whether or not it does, so the form cannot be used to find out who has an account.
pub async fn request_reset(ctx: &Ctx, input: &ResetRequestInput) -> Result<(), AppError> {
    let email = input.validate()?;
    let db = ctx.db();
    let now = Utc::now();
    let recent = portal_link::Entity::find()
        .filter(portal_link::Column::Email.eq(&email))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::PasswordReset.key()))
        .filter(portal_link::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(db)
        .await?;
    if recent >= RESETS_PER_HOUR {
        tracing::warn!("password reset for {email} skipped: {recent} in the last hour");
        return Ok(());
    }
    let (staff, portal) = find_login(db, &email).await?;
    let (org, name, staff_id, account_id) = match (&staff, &portal) {
        (Some(s), _) => (s.organization_id, s.name.clone(), Some(s.id), None),
        (None, Some(p)) => (
            p.organization_id,
            greeting_name(db, p).await?,
            None,
            Some(p.id),
        ),
        (None, None) => return Ok(()),
    };
    let token = session::new_token();
    let txn = write::begin(db).await?;
    portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(portal_link::Column::Email.eq(&email))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::PasswordReset.key()))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    let mut link = new_link(
        &token,
        LinkPurpose::PasswordReset,
        org,
        (&email, &name),
        "anonymous".into(),
        now,
    );
    link.portal_account_id = Set(account_id);
    link.staff_user_id = Set(staff_id);
    link.insert(&*txn).await?;
    audit::record(
        &*txn,
        Entry {
            organization_id: Some(org),
            actor: "anonymous",
            action: "password.reset_requested",
            object: &format!("login:{email}"),
            ip: ctx.ip.as_deref(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    let practice = practice_name(db, org).await?;
    let link = ctx
        .state
        .mailer
        .link(&format!("/reset-password?token={token}"));
    let (subject, body) = mail::password_reset(&name, &practice, &link);
    ctx.state
        .mailer
        .send(
            db,
            Email {
                organization_id: Some(org),
                to: email,
                subject,
                body,
            },
        )
        .await
}

/// The name a portal account's emails greet: the client's or the contact's.
async fn greeting_name(
    db: &impl ConnectionTrait,
    account: &portal_account::Model,
) -> Result<String, AppError> {
    use crate::server::entities::{client, client_contact};
    Ok(match (account.client_id, account.contact_id) {
        (Some(id), _) => client::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| format!("{} {}", c.first_name, c.last_name)),
        (None, Some(id)) => client_contact::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.name),
        _ => None,
    }
    .unwrap_or_else(|| "there".into()))
}
