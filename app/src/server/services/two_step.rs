//! Two-step sign-in for staff: finishing a sign-in's second step (a code, a recovery code, or
//! enrolment when the practice requires it), enrolling from the Account page, turning it off,
//! an administrator's reset of a staff member's two-step, and the practice's requirement
//! switch. Codes are limited like passwords (five wrong ones pause the account's sign-ins), a
//! code works once, and every step is audited.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::two_step::{check_code, grouped, Enrolment, SecondStep, TwoStepDone};
use crate::error::AppError;
use crate::server::access::actor::{Actor, Staff};
use crate::server::access::context::Ctx;
use crate::server::access::session::{self, Owner, SignedIn};
use crate::server::access::two_step::{self as totp, ENROL, VERIFY};
use crate::server::access::{devices, rate_limit};
use crate::server::store::audit::{self, Entry};
use crate::server::store::entities::{organization, staff_user};
use crate::server::store::organizations;
use crate::server::store::refs::Ref;
use crate::server::store::txn;

const WRONG_CODE: &str =
    "That code is not right. Check the time on your phone, or use a recovery code.";

/// What the second-step page shows for the browser's waiting sign-in.
pub async fn prompt(ctx: &Ctx) -> Result<SecondStep, AppError> {
    let Some(token) = totp::challenge_token(&ctx.state.sessions) else {
        return Ok(SecondStep::Expired);
    };
    let db = ctx.db();
    let Some((challenge, staff)) = totp::find(db, &token, Utc::now()).await? else {
        return Ok(SecondStep::Expired);
    };
    match (challenge.purpose.as_str(), &challenge.pending_secret) {
        (ENROL, Some(sealed)) => {
            let secret = totp::open(&ctx.state.payments.secrets, staff.id, sealed)?;
            Ok(SecondStep::Enrol(
                enrolment(ctx, &staff, &secret, token).await?,
            ))
        }
        _ => Ok(SecondStep::Verify { email: staff.email }),
    }
}

async fn enrolment(
    ctx: &Ctx,
    staff: &staff_user::Model,
    secret: &[u8],
    token: String,
) -> Result<Enrolment, AppError> {
    let practice = organizations::get(ctx.db(), staff.organization_id)
        .await?
        .name;
    let url = totp::otpauth_url(&practice, &staff.email, secret);
    Ok(Enrolment {
        qr_svg: totp::qr_svg(&url)?,
        secret: grouped(&totp::base32(secret)),
        token,
    })
}

/// Finishes the browser's waiting sign-in with `code`; returns the new session with where to go
/// and, after an enrolment, the recovery codes.
pub async fn complete(ctx: &Ctx, code: &str) -> Result<(SignedIn, TwoStepDone), AppError> {
    check_code(code).map_err(|m| AppError::invalid("code", &m))?;
    let expired = || AppError::Conflict("This sign-in has expired. Please sign in again.".into());
    let token = totp::challenge_token(&ctx.state.sessions).ok_or_else(expired)?;
    let db = ctx.db();
    let now = Utc::now();
    let (challenge, staff) = totp::find(db, &token, now).await?.ok_or_else(expired)?;
    let code = totp::normalize_code(code);
    let recovery_codes = match (challenge.purpose.as_str(), &challenge.pending_secret) {
        (VERIFY, _) => {
            checked(ctx, &staff, now, code_or_recovery(ctx, &staff, &code, now)).await?;
            Vec::new()
        }
        (ENROL, Some(sealed)) => enrol(ctx, &staff, sealed, &code, now).await?,
        _ => return Err(expired()),
    };
    if !totp::finish(db, &token).await? {
        return Err(expired());
    }
    totp::clear_challenge_cookie(&ctx.state.sessions);
    let owner = Owner::Staff(staff.id);
    let origin = session::Origin {
        ip: ctx.ip.as_deref(),
        device: ctx.device.as_deref(),
    };
    let session = session::create_from(db, &ctx.state.sessions, owner, origin, now).await?;
    let new_device = Some(devices::remember(db, &staff.email, now).await?);
    record_as(ctx, &staff, "sign_in", Some("two-step".into())).await?;
    let home = Actor::landing(db, owner).await?;
    Ok((
        SignedIn {
            token: session,
            home: home.clone(),
            new_device,
        },
        TwoStepDone {
            home,
            recovery_codes,
        },
    ))
}

/// Whether `code` is a current TOTP code (unused) or an unused recovery code of `staff`.
async fn code_or_recovery(
    ctx: &Ctx,
    staff: &staff_user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let db = ctx.db();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        totp::accept_code(db, &ctx.state.payments.secrets, staff, code, now).await
    } else {
        let used = totp::use_recovery_code(db, staff.id, code, now).await?;
        if used {
            record_as(ctx, staff, "two_step.recovery_code_used", None).await?;
        }
        Ok(used)
    }
}

/// Runs `check` within the sign-in limits of `staff`'s account: the attempt is counted before
/// the check, cleared when it passes; a wrong code is audited and answered with a field error.
async fn checked(
    ctx: &Ctx,
    staff: &staff_user::Model,
    now: DateTime<Utc>,
    check: impl std::future::Future<Output = Result<bool, AppError>>,
) -> Result<(), AppError> {
    let ip = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let counted_as = format!("{} two-step", staff.email);
    rate_limit::reserve(ctx.db(), &counted_as, &ip, now).await?;
    if check.await? {
        rate_limit::succeeded(ctx.db(), &counted_as, &ip, now).await?;
        Ok(())
    } else {
        record_as(ctx, staff, "sign_in.two_step_failed", None).await?;
        Err(AppError::invalid("code", WRONG_CODE))
    }
}

/// Confirms an enrolment with its first code: the secret becomes the staff member's, the code's
/// step is used up, and ten recovery codes replace any earlier ones. Returns the codes.
async fn enrol(
    ctx: &Ctx,
    staff: &staff_user::Model,
    sealed: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let secret = totp::open(&ctx.state.payments.secrets, staff.id, sealed)?;
    let step = totp::matching_step(&secret, code, now)?;
    checked(ctx, staff, now, async { Ok(step.is_some()) }).await?;
    let codes = totp::new_recovery_codes();
    let txn = txn::begin(ctx.db()).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::TotpSecret,
            Expr::value(sealed.to_owned()),
        )
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&*txn)
        .await?;
    totp::store_recovery_codes(&*txn, staff.id, &codes).await?;
    txn.commit_audited(entry_as(ctx, staff, "two_step.enrolled", None))
        .await?;
    Ok(codes)
}

fn entry_as(ctx: &Ctx, staff: &staff_user::Model, action: &str, detail: Option<String>) -> Entry {
    Entry {
        organization_id: Some(staff.organization_id),
        actor: Ref::Staff(staff.id).to_string(),
        action: action.into(),
        object: Ref::Staff(staff.id).to_string(),
        new_value: detail,
        ip: ctx.ip.clone(),
        ..Default::default()
    }
}

/// Records `action` by `staff`, who may not be signed in yet (the second step of a sign-in).
async fn record_as(
    ctx: &Ctx,
    staff: &staff_user::Model,
    action: &str,
    detail: Option<String>,
) -> Result<(), AppError> {
    Ok(audit::record(ctx.db(), entry_as(ctx, staff, action, detail)).await?)
}

async fn own_row(ctx: &Ctx, staff: &Staff) -> Result<staff_user::Model, AppError> {
    staff_user::Entity::find_by_id(staff.id)
        .one(ctx.db())
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Starts enrolling the signed-in staff member from their Account page: a new secret waits,
/// sealed, in a challenge that only this staff member's first code confirms.
pub async fn start(ctx: &Ctx) -> Result<Enrolment, AppError> {
    let staff = ctx.staff().await?;
    let row = own_row(ctx, staff).await?;
    if row.totp_secret.is_some() {
        return Err(AppError::Conflict(
            "Two-step verification is already set up.".into(),
        ));
    }
    let secret = totp::new_secret();
    let sealed = totp::seal(&ctx.state.payments.secrets, row.id, &secret);
    let token = totp::challenge(ctx.db(), row.id, ENROL, Some(sealed), Utc::now()).await?;
    enrolment(ctx, &row, &secret, token).await
}

/// Confirms the enrolment `token` with its first code; returns the recovery codes.
pub async fn confirm(ctx: &Ctx, token: &str, code: &str) -> Result<Vec<String>, AppError> {
    check_code(code).map_err(|m| AppError::invalid("code", &m))?;
    let staff = ctx.staff().await?;
    let now = Utc::now();
    let expired = || AppError::Conflict("This setup has expired. Please start again.".into());
    let (challenge, row) = totp::find(ctx.db(), token, now)
        .await?
        .filter(|(c, _)| c.staff_user_id == staff.id && c.purpose == ENROL)
        .ok_or_else(expired)?;
    let sealed = challenge.pending_secret.ok_or_else(expired)?;
    let codes = enrol(ctx, &row, &sealed, &totp::normalize_code(code), now).await?;
    totp::finish(ctx.db(), token).await?;
    Ok(codes)
}

/// Turns the signed-in staff member's two-step off, with a current code; refused while the
/// practice requires it.
pub async fn turn_off(ctx: &Ctx, code: &str) -> Result<(), AppError> {
    check_code(code).map_err(|m| AppError::invalid("code", &m))?;
    let staff = ctx.staff().await?;
    let row = own_row(ctx, staff).await?;
    if row.totp_secret.is_none() {
        return Err(AppError::Conflict(
            "Two-step verification is not on.".into(),
        ));
    }
    if organizations::get(ctx.db(), staff.organization_id)
        .await?
        .require_two_step
    {
        return Err(AppError::Conflict(
            "Your practice requires two-step verification for staff.".into(),
        ));
    }
    let now = Utc::now();
    let code = totp::normalize_code(code);
    checked(ctx, &row, now, code_or_recovery(ctx, &row, &code, now)).await?;
    clear(ctx, row.id, "two_step.turned_off").await
}

/// Clears staff member `staff_id`'s two-step (secret and recovery codes), audited as `action`.
async fn clear(ctx: &Ctx, staff_id: i32, action: &str) -> Result<(), AppError> {
    let txn = txn::begin(ctx.db()).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            staff_user::Column::TotpLastStep,
            Expr::value(Option::<i64>::None),
        )
        .filter(staff_user::Column::Id.eq(staff_id))
        .exec(&*txn)
        .await?;
    totp::store_recovery_codes(&*txn, staff_id, &[]).await?;
    txn.commit_audited(ctx.entry(action, Ref::Staff(staff_id), None, None))
        .await?;
    Ok(())
}

/// An administrator resets a staff member's two-step (a lost phone): they sign in with their
/// password and, where the practice requires it, enrol again. Their sessions end.
pub async fn reset(ctx: &Ctx, staff_id: i32) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let row = staff_user::Entity::find_by_id(staff_id)
        .filter(staff_user::Column::OrganizationId.eq(admin.organization_id))
        .one(ctx.db())
        .await?;
    let Some(row) = row else {
        return Err(ctx.deny(Ref::Staff(staff_id), AppError::NotFound).await);
    };
    if row.totp_secret.is_none() {
        return Err(AppError::Conflict(format!(
            "{} has not set up two-step verification.",
            row.name
        )));
    }
    clear(ctx, row.id, "two_step.reset").await?;
    session::end_all(ctx.db(), Owner::Staff(row.id)).await?;
    Ok(())
}

/// Turns "Require two-step verification for staff" on or off for the administrator's practice.
pub async fn set_required(ctx: &Ctx, on: bool) -> Result<bool, AppError> {
    let admin = ctx.admin().await?;
    let txn = txn::begin(ctx.db()).await?;
    organization::Entity::update_many()
        .col_expr(organization::Column::RequireTwoStep, Expr::value(on))
        .filter(organization::Column::Id.eq(admin.organization_id))
        .exec(&*txn)
        .await?;
    txn.commit_audited(ctx.entry(
        "organization.two_step_required",
        format!("organization:{}", admin.organization_id),
        Some((!on).to_string()),
        Some(on.to_string()),
    ))
    .await?;
    Ok(on)
}
