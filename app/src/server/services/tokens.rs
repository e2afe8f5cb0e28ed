//! Single-use links sent by email: invitations to the portal and password resets. A link is
//! stored only as the SHA-256 of its token, works once, expires, and can be revoked.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, Set,
};

use crate::domain::account::{
    LinkInfo, LinkPurpose, LinkState, NewPasswordInput, ResetRequestInput,
};
use crate::error::AppError;
use crate::server::access::actor::Actor;
use crate::server::access::context::Ctx;
use crate::server::access::invitations::new_link;
use crate::server::access::session::{self, Owner};
use crate::server::access::session::{SignInResult, SignedIn};
use crate::server::access::{devices, password, two_step};
use crate::server::mail::emails;
use crate::server::mail::retry::send_or_retry_later;
use crate::server::store::audit::Entry;
use crate::server::store::clients::refresh_portal_use;
use crate::server::store::entities::{portal_account, portal_link, staff_user};
use crate::server::store::logins::{find_login, greeting_name};
use crate::server::store::portal_links::ensure_email_free;
use crate::server::store::txn::Writer;
use crate::server::store::{organizations, txn};

/// At most this many reset emails per address per hour.
const RESETS_PER_HOUR: u64 = 3;

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
        purpose: Some(link.purpose),
        state: LinkState::of(link.used_at, link.revoked_at, link.expires_at, Utc::now()),
        practice: organizations::get(db, link.organization_id).await?.name,
        email: link.email,
    })
}

/// Uses a link: sets the password (creating the portal login for an invitation, ending every
/// other session for a reset) and signs the person in. The link works only once, even when
/// two requests race: it is claimed with a conditional update inside the transaction.
pub async fn accept(ctx: &Ctx, input: &NewPasswordInput) -> Result<SignInResult, AppError> {
    input.validate()?;
    let db = ctx.db();
    let now = Utc::now();
    let link = find(db, &input.token).await?;
    let state = link
        .as_ref()
        .map(|l| LinkState::of(l.used_at, l.revoked_at, l.expires_at, now))
        .unwrap_or(LinkState::Unknown);
    let purpose = link.as_ref().map(|l| l.purpose);
    let (Some(link), Some(purpose), LinkState::Valid) = (link, purpose, state) else {
        return Err(AppError::Conflict(state.explanation(purpose).into()));
    };
    let hash = password::hash(input.password.clone()).await?;
    let txn = txn::begin(db).await?;
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
        // A staff member's invitation (the first administrator's, from `server org create`)
        // sets the password of the staff row it was made for.
        LinkPurpose::Invitation if link.staff_user_id.is_some() => {
            // The practice could not be told that the address is a portal login elsewhere;
            // the invitee is, here, and the other login stays as it is.
            let portal = portal_account::Entity::find()
                .filter(portal_account::Column::Email.eq(&link.email))
                .count(&*txn)
                .await?;
            if portal > 0 {
                return Err(AppError::Conflict(format!(
                    "{} already has a portal login. Ask the practice to invite another address.",
                    link.email
                )));
            }
            (
                reset_password(&*txn, &link, hash).await?,
                "staff.invitation_accepted",
            )
        }
        LinkPurpose::Invitation => (
            create_login(&*txn, &link, hash, now).await?,
            "portal.invitation_accepted",
        ),
        LinkPurpose::PasswordReset => (reset_password(&*txn, &link, hash).await?, "password.reset"),
    };
    txn.commit_audited(Entry {
        organization_id: Some(link.organization_id),
        actor: owner.label().to_string(),
        action: action.into(),
        object: owner.label().to_string(),
        ip: ctx.ip.clone(),
        ..Default::default()
    })
    .await?;
    // Staff of a practice that requires two-step sign-in enrol before they are signed in.
    if let Owner::Staff(id) = owner {
        if let Some(staff) = staff_user::Entity::find_by_id(id).one(db).await? {
            let secrets = &ctx.state.payments.secrets;
            if let Some(token) = two_step::begin(db, secrets, &staff, now).await? {
                return Ok(SignInResult::SecondStep(token));
            }
        }
    }
    let origin = session::Origin {
        ip: ctx.ip.as_deref(),
        device: ctx.device.as_deref(),
    };
    let token = session::create_from(db, &ctx.state.sessions, owner, origin, now).await?;
    // Whoever followed the emailed link owns the address: this browser becomes known.
    let new_device = Some(devices::remember(db, &link.email, now).await?);
    Ok(SignInResult::Done(SignedIn {
        token,
        home: Actor::landing(db, owner).await?,
        new_device,
    }))
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
        appointment_reminders: Set(true),
    }
    .insert(db)
    .await?;
    let clients = match (link.client_id, link.contact_id) {
        (Some(id), _) => vec![id],
        (None, Some(contact)) => crate::server::store::clients::linked_clients(db, contact).await?,
        _ => Vec::new(),
    };
    refresh_portal_use(db, &clients).await?;
    Ok(Owner::Portal(account.id))
}

async fn reset_password(
    db: &impl Writer,
    link: &portal_link::Model,
    password_hash: String,
) -> Result<Owner, AppError> {
    let owner = match (link.staff_user_id, link.portal_account_id) {
        (Some(id), _) => {
            // The private calendar feed URL goes too: whoever learned the old password may
            // have copied it.
            staff_user::Entity::update_many()
                .col_expr(staff_user::Column::PasswordHash, Expr::value(password_hash))
                .col_expr(
                    staff_user::Column::CalendarFeedHash,
                    Expr::value(Option::<String>::None),
                )
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
/// whether or not it does, and comes at once: the lookup and the email happen after it, so
/// neither the answer nor its timing tells who has an account.
pub async fn request_reset(ctx: &Ctx, input: &ResetRequestInput) -> Result<(), AppError> {
    let email = input.validate()?;
    let (state, ip) = (ctx.state.clone(), ctx.ip.clone());
    tokio::spawn(async move {
        if let Err(e) = send_reset(&state, ip, &email).await {
            tracing::warn!(error = %e, "a password reset email was not sent");
        }
    });
    Ok(())
}

/// The work behind [`request_reset`]: at most [`RESETS_PER_HOUR`] links per address, counted
/// under the address's turn so that a burst of requests cannot race past the count.
async fn send_reset(
    state: &crate::server::AppState,
    ip: Option<String>,
    email: &str,
) -> Result<(), AppError> {
    let db = &state.db;
    let now = Utc::now();
    let (staff, portal) = find_login(db, email).await?;
    let (org, name, staff_id, account_id) = match (&staff, &portal) {
        // A deactivated staff member gets no way back in by email.
        (Some(s), _) if !s.is_active() => return Ok(()),
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
    let txn = txn::begin(db).await?;
    txn::serialize_on(&txn, &format!("password reset {email}")).await?;
    let recent = portal_link::Entity::find()
        .filter(portal_link::Column::Email.eq(email))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::PasswordReset))
        .filter(portal_link::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(&*txn)
        .await?;
    if recent >= RESETS_PER_HOUR {
        tracing::warn!("a password reset was skipped: {recent} for that address in the last hour");
        return Ok(());
    }
    portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(portal_link::Column::Email.eq(email))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::PasswordReset))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    let mut link = new_link(
        &token,
        LinkPurpose::PasswordReset,
        org,
        (email, &name),
        "anonymous".into(),
        now,
    );
    link.portal_account_id = Set(account_id);
    link.staff_user_id = Set(staff_id);
    link.insert(&*txn).await?;
    txn.commit_audited(Entry {
        organization_id: Some(org),
        actor: "anonymous".into(),
        action: "password.reset_requested".into(),
        object: format!("login:{email}"),
        ip,
        ..Default::default()
    })
    .await?;
    let practice = organizations::get(db, org).await?.name;
    let link = state.mailer.link(&format!("/reset-password?token={token}"));
    let letter = emails::password_reset(&name, &practice, &link);
    // Nobody waits on this answer any more: a refused email is tried again later.
    send_or_retry_later(&state.mailer, db, letter.to(org, email), now).await
}
