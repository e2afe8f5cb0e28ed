//! Organization → Staff: the roster, inviting a staff member (a single-use link, 72 hours,
//! resend and revoke), editing names, credentials and roles, and (in [`deactivation`]) taking
//! someone off the roster and back. Administrators only; every change is audited, and the
//! organization always keeps an active administrator.

pub mod deactivation;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::account::{LinkPurpose, LinkState, MAX_INVITATIONS_PER_DAY};
use crate::domain::schedule::BookingStatus;
use crate::domain::staff::{
    Roles, StaffEdit, StaffInvite, StaffRoster, StaffRow, StaffStatus, LAST_ADMIN,
};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::access::invitations::new_link;
use crate::server::access::{password, session};
use crate::server::mail::emails;
use crate::server::store::entities::{booking, portal_link, staff_user};
use crate::server::store::logins::has_joined;
use crate::server::store::organizations;
use crate::server::store::portal_links::ensure_email_free_in;
use crate::server::store::refs::Ref;
use crate::server::store::txn::{self, WriteTxn};

/// The organization's staff, by name, with their status and open requests, and the practice's
/// two-step requirement: three queries whatever the number of staff.
pub async fn roster(ctx: &Ctx) -> Result<StaffRoster, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let org = ctx.organization().await?;
    let now = Utc::now();
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(admin.organization_id))
        .order_by_asc(staff_user::Column::Name)
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await?;
    let links = portal_link::Entity::find()
        .filter(portal_link::Column::OrganizationId.eq(admin.organization_id))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .filter(portal_link::Column::StaffUserId.is_not_null())
        .all(db)
        .await?;
    let open: HashMap<i32, i64> = booking::Entity::find()
        .select_only()
        .column(booking::Column::StaffId)
        .column_as(booking::Column::Id.count(), "open")
        .filter(booking::Column::OrganizationId.eq(admin.organization_id))
        .filter(booking::Column::Status.eq(BookingStatus::Requested))
        .filter(booking::Column::StartsAt.gt(now))
        .group_by(booking::Column::StaffId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let tz = org.zone();
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).format("%b %-d, %Y").to_string();
    let staff = staff
        .into_iter()
        .map(|s| {
            let theirs = links.iter().filter(|l| l.staff_user_id == Some(s.id));
            let status = match s.deactivated_at {
                Some(at) => StaffStatus::Deactivated { since: day(at) },
                None => invitation_status(theirs, now, |at| {
                    at.with_timezone(&tz)
                        .format("%b %-d, %-I:%M %p")
                        .to_string()
                }),
            };
            StaffRow {
                id: s.id,
                is_you: s.id == admin.id,
                two_step: s.totp_secret.is_some(),
                open_requests: open.get(&s.id).copied().unwrap_or(0) as u32,
                roles: Roles {
                    is_admin: s.is_admin,
                    is_therapist: s.is_therapist,
                },
                name: s.name,
                email: s.email,
                credentials: s.credentials,
                status,
            }
        })
        .collect();
    Ok(StaffRoster {
        staff,
        require_two_step: org.require_two_step,
    })
}

/// Where an active staff member stands with their invitations: joined once one was used (or
/// when they never had one: the demo's staff), invited while one is open, lapsed otherwise.
fn invitation_status<'a>(
    links: impl Iterator<Item = &'a portal_link::Model>,
    now: DateTime<Utc>,
    show: impl Fn(DateTime<Utc>) -> String,
) -> StaffStatus {
    let mut open = None;
    let mut any = false;
    for link in links {
        any = true;
        match LinkState::of(link.used_at, link.revoked_at, link.expires_at, now) {
            LinkState::Used => return StaffStatus::Active,
            LinkState::Valid => open = Some(link.expires_at),
            _ => {}
        }
    }
    match (open, any) {
        (Some(expires), _) => StaffStatus::Invited {
            expires: show(expires),
        },
        (None, true) => StaffStatus::InvitationLapsed,
        (None, false) => StaffStatus::Active,
    }
}

/// A staff member of the administrator's organization, or 404 (audited).
async fn member(ctx: &Ctx, admin: &Staff, staff_id: i32) -> Result<staff_user::Model, AppError> {
    let found = staff_user::Entity::find_by_id(staff_id)
        .filter(staff_user::Column::OrganizationId.eq(admin.organization_id))
        .one(ctx.db())
        .await?;
    match found {
        Some(row) => Ok(row),
        None => Err(ctx.deny(Ref::Staff(staff_id), AppError::NotFound).await),
    }
}

/// Adds a staff member and emails their invitation; returns their id. The address must not
/// have a login at this practice; staff addresses are unique on the server, so one used by
/// another practice's staff is refused with the same words (never which practice).
pub async fn invite(ctx: &Ctx, input: &StaffInvite) -> Result<i32, AppError> {
    let admin = ctx.admin().await?;
    let (valid, email) = input.validate()?;
    let db = ctx.db();
    ensure_email_free_in(db, &email, Some(admin.organization_id)).await?;
    let taken = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(&email))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "email",
            "This address cannot be used for a staff login. Use the person's work address at this practice.",
        ));
    }
    // Nobody knows this password: the staff member sets theirs through the link.
    let unusable = password::hash(session::new_token()).await?;
    let now = Utc::now();
    let txn = txn::begin(db).await?;
    let row = staff_user::ActiveModel {
        id: NotSet,
        organization_id: Set(admin.organization_id),
        name: Set(valid.name.clone()),
        email: Set(email.clone()),
        password_hash: Set(unusable),
        is_admin: Set(valid.roles.is_admin),
        is_therapist: Set(valid.roles.is_therapist),
        created_at: Set(now),
        slot_minutes: Set(60),
        calendar_feed_hash: Set(None),
        credentials: Set(valid.credentials.clone()),
        deactivated_at: Set(None),
        totp_secret: Set(None),
        totp_last_step: Set(None),
        video_link: Set(None),
    }
    .insert(&*txn)
    .await
    .map_err(|e| match txn::is_unique_violation(&e) {
        true => AppError::invalid("email", "This address already has a login."),
        false => e.into(),
    })?;
    let token = session::new_token();
    insert_link(ctx, &txn, &row, &token, now).await?;
    txn.commit_audited(ctx.entry(
        "staff.invited",
        Ref::Staff(row.id),
        None,
        Some(format!("{email}, {}", valid.roles.label())),
    ))
    .await?;
    send(ctx, &row, &token).await?;
    Ok(row.id)
}

async fn insert_link(
    ctx: &Ctx,
    txn: &WriteTxn,
    row: &staff_user::Model,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut link = new_link(
        token,
        LinkPurpose::Invitation,
        row.organization_id,
        (&row.email, &row.name),
        ctx.actor_label(),
        now,
    );
    link.staff_user_id = Set(Some(row.id));
    link.insert(&**txn).await?;
    Ok(())
}

async fn send(ctx: &Ctx, row: &staff_user::Model, token: &str) -> Result<(), AppError> {
    let db = ctx.db();
    let practice = organizations::get(db, row.organization_id).await?.name;
    let link = ctx.state.mailer.link(&format!("/welcome?token={token}"));
    let letter = emails::staff_invitation(&row.name, &practice, &link);
    ctx.state
        .mailer
        .send(db, letter.to(row.organization_id, &row.email))
        .await
}

/// Revokes the open invitations of staff member `staff_id`; returns how many there were.
async fn revoke_open(
    db: &impl ConnectionTrait,
    staff_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(portal_link::Entity::update_many()
        .col_expr(portal_link::Column::RevokedAt, Expr::value(now))
        .filter(portal_link::Column::StaffUserId.eq(staff_id))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .filter(portal_link::Column::UsedAt.is_null())
        .filter(portal_link::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Sends a staff member who has not joined yet a new link (the old one stops working), at
/// most [`MAX_INVITATIONS_PER_DAY`] a day.
pub async fn resend_invitation(ctx: &Ctx, staff_id: i32) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let row = member(ctx, admin, staff_id).await?;
    let db = ctx.db();
    if !row.is_active() {
        return Err(AppError::Conflict(
            "Reactivate this staff member before inviting them again.".into(),
        ));
    }
    if has_joined(db, row.id).await? {
        return Err(AppError::Conflict(format!(
            "{} has already joined. They can reset their password from the sign-in page.",
            row.name
        )));
    }
    let now = Utc::now();
    let token = session::new_token();
    let txn = txn::begin(db).await?;
    txn::serialize_on(&txn, &format!("invitations of staff {}", row.id)).await?;
    let sent_today = portal_link::Entity::find()
        .filter(portal_link::Column::StaffUserId.eq(row.id))
        .filter(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
        .filter(portal_link::Column::CreatedAt.gt(now - Duration::hours(24)))
        .count(&*txn)
        .await?;
    if sent_today >= MAX_INVITATIONS_PER_DAY {
        return Err(AppError::TooFrequent(format!(
            "{} has been sent {MAX_INVITATIONS_PER_DAY} invitations in the last 24 hours. \
             Please try again tomorrow, or check the email address with them.",
            row.name
        )));
    }
    revoke_open(&*txn, row.id, now).await?;
    insert_link(ctx, &txn, &row, &token, now).await?;
    txn.commit_audited(ctx.entry("staff.invitation_resent", Ref::Staff(row.id), None, None))
        .await?;
    send(ctx, &row, &token).await
}

/// Revokes a staff member's open invitation: the link stops working (resend to let them in).
pub async fn revoke_invitation(ctx: &Ctx, staff_id: i32) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let row = member(ctx, admin, staff_id).await?;
    let txn = txn::begin(ctx.db()).await?;
    if revoke_open(&*txn, row.id, Utc::now()).await? == 0 {
        return Err(AppError::Conflict(
            "There is no pending invitation to revoke.".into(),
        ));
    }
    txn.commit_audited(ctx.entry("staff.invitation_revoked", Ref::Staff(row.id), None, None))
        .await?;
    Ok(())
}

/// Changes a staff member's name, credentials and roles. Refused when it would leave the
/// organization without an active administrator.
pub async fn update(ctx: &Ctx, staff_id: i32, input: &StaffEdit) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let valid = input.validate()?;
    member(ctx, admin, staff_id).await?;
    let txn = txn::begin(ctx.db()).await?;
    // Read again under the organization's staff turn: two administrators demoting each other
    // at once cannot both pass the check below.
    let row = lock_roster(&txn, admin.organization_id, staff_id).await?;
    if row.is_admin && !valid.roles.is_admin && row.is_active() {
        ensure_another_admin(&txn, &row).await?;
    }
    let old = describe(&row.name, &row.credentials, row.is_admin, row.is_therapist);
    let new = describe(
        &valid.name,
        &valid.credentials,
        valid.roles.is_admin,
        valid.roles.is_therapist,
    );
    let mut active: staff_user::ActiveModel = row.into();
    active.name = Set(valid.name);
    active.credentials = Set(valid.credentials);
    active.is_admin = Set(valid.roles.is_admin);
    active.is_therapist = Set(valid.roles.is_therapist);
    active.update(&*txn).await?;
    txn.commit_audited(ctx.entry("staff.updated", Ref::Staff(staff_id), Some(old), Some(new)))
        .await?;
    Ok(())
}

fn describe(name: &str, credentials: &str, is_admin: bool, is_therapist: bool) -> String {
    let roles = Roles {
        is_admin,
        is_therapist,
    };
    format!(
        "{}; {}",
        crate::domain::staff::with_credentials(name, credentials),
        roles.label()
    )
}

/// Takes the organization's staff turn inside `txn` and reads staff member `staff_id` again.
async fn lock_roster(
    txn: &WriteTxn,
    organization_id: i32,
    staff_id: i32,
) -> Result<staff_user::Model, AppError> {
    txn::serialize_on(txn, &format!("staff of organization {organization_id}")).await?;
    staff_user::Entity::find_by_id(staff_id)
        .one(&**txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses, with [`LAST_ADMIN`], unless an active administrator other than `row` remains who
/// can sign in: one still to accept an invitation does not count.
async fn ensure_another_admin(txn: &WriteTxn, row: &staff_user::Model) -> Result<(), AppError> {
    let invitations = |used: bool| {
        let mut q = Query::select();
        q.column(portal_link::Column::StaffUserId)
            .from(portal_link::Entity)
            .and_where(portal_link::Column::Purpose.eq(LinkPurpose::Invitation))
            .and_where(portal_link::Column::StaffUserId.is_not_null());
        if used {
            q.and_where(portal_link::Column::UsedAt.is_not_null());
        }
        q.to_owned()
    };
    let others = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(row.organization_id))
        .filter(staff_user::Column::IsAdmin.eq(true))
        .filter(staff_user::Column::DeactivatedAt.is_null())
        .filter(staff_user::Column::Id.ne(row.id))
        .filter(
            Condition::any()
                .add(staff_user::Column::Id.not_in_subquery(invitations(false)))
                .add(staff_user::Column::Id.in_subquery(invitations(true))),
        )
        .count(&**txn)
        .await?;
    if others == 0 {
        Err(AppError::Conflict(LAST_ADMIN.into()))
    } else {
        Ok(())
    }
}
