//! Two-step sign-in for staff: TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps, one step
//! of clock drift either way), each accepted once; ten one-time recovery codes stored hashed; and
//! the challenge of a sign-in whose password was right, held for [`CHALLENGE_MINUTES`] in a
//! short-lived HttpOnly cookie until its second step (a code, or enrolment) is done.
//!
//! A code is accepted with a conditional update of the staff member's last accepted step, so the
//! same code cannot pass twice, even in two server processes at once.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::AppError;
use crate::server::access::context::set_cookie;
use crate::server::access::session;
use crate::server::secrets::Secrets;
use crate::server::store::entities::{organization, recovery_code, staff_user, two_step_challenge};
use crate::server::store::txn::Writer;
use crate::server::SessionConfig;

/// Seconds per TOTP step.
pub const STEP: u64 = 30;
/// How long a sign-in waits for its second step.
pub const CHALLENGE_MINUTES: i64 = 10;
/// Recovery codes per enrolment.
pub const RECOVERY_CODES: usize = 10;

/// What a challenge waits for.
pub const VERIFY: &str = "verify";
pub const ENROL: &str = "enrol";

const COOKIE: &str = "cp_two_step";
const SECURE_COOKIE: &str = "__Host-cp_two_step";

fn totp(secret: Vec<u8>) -> Result<TOTP, AppError> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, secret).map_err(AppError::internal)
}

/// A new random secret of 20 bytes (160 bits, RFC 4226's recommendation).
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// The secret as authenticator apps type it (base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    match Secret::Raw(secret.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => unreachable!("to_encoded always encodes"),
    }
}

fn from_base32(text: &str) -> Result<Vec<u8>, AppError> {
    Secret::Encoded(text.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal(format!("stored TOTP secret: {e:?}")))
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub fn otpauth_url(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

/// The QR code of `url` as an SVG image, drawn on the server.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(AppError::internal)?;
    let image = code.render::<svg::Color>().min_dimensions(200, 200).build();
    // Inline in HTML: the `<svg>` element alone, without the XML declaration before it.
    Ok(match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    })
}

/// The time step `code` belongs to at `now` (allowing one step of drift), if it is right.
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let totp = totp(secret.to_vec())?;
    let current = now.timestamp().max(0) as u64 / STEP;
    Ok([current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| totp.generate(step * STEP) == code)
        .map(|step| step as i64))
}

/// The place a staff member's secret is sealed for (the seal is bound to it).
fn place(staff_id: i32) -> String {
    format!("staff_users.totp_secret:{staff_id}")
}

/// Seals a new secret for staff member `staff_id`.
pub fn seal(secrets: &Secrets, staff_id: i32, secret: &[u8]) -> String {
    secrets.seal(&base32(secret), &place(staff_id))
}

/// Opens a secret sealed by [`seal`].
pub fn open(secrets: &Secrets, staff_id: i32, sealed: &str) -> Result<Vec<u8>, AppError> {
    from_base32(&secrets.open(sealed, &place(staff_id))?)
}

/// Whether `code` is a current TOTP code of `staff` never used before; if so, it is used up
/// (the last accepted step moves to its step, atomically).
pub async fn accept_code(
    db: &impl Writer,
    secrets: &Secrets,
    staff: &staff_user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(sealed) = &staff.totp_secret else {
        return Ok(false);
    };
    let secret = open(secrets, staff.id, sealed)?;
    let Some(step) = matching_step(&secret, code, now)? else {
        return Ok(false);
    };
    let _turn = db.single_write().await;
    let claimed = staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(staff.id))
        .filter(
            Condition::any()
                .add(staff_user::Column::TotpLastStep.is_null())
                .add(staff_user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

/// Ten new recovery codes (`xxxxx-xxxxx`, lower-case letters and digits without look-alikes).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Replaces staff member `staff_id`'s recovery codes with `codes` (stored hashed).
pub async fn store_recovery_codes(
    db: &impl ConnectionTrait,
    staff_id: i32,
    codes: &[String],
) -> Result<(), AppError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::StaffUserId.eq(staff_id))
        .exec(db)
        .await?;
    for code in codes {
        recovery_code::ActiveModel {
            id: sea_orm::NotSet,
            staff_user_id: Set(staff_id),
            code_hash: Set(session::digest(code)),
            used_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Uses up one of `staff_id`'s recovery codes if `code` is one still unused.
pub async fn use_recovery_code(
    db: &impl Writer,
    staff_id: i32,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let _turn = db.single_write().await;
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::StaffUserId.eq(staff_id))
        .filter(recovery_code::Column::CodeHash.eq(session::digest(code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok(used == 1)
}

/// A code as typed: spaces dropped, lower case (recovery codes), at most 32 characters.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .take(32)
        .collect::<String>()
        .to_lowercase()
}

/// Starts a challenge for staff member `staff_id`; returns the token for its cookie.
pub async fn challenge(
    db: &impl ConnectionTrait,
    staff_id: i32,
    purpose: &str,
    pending_secret: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = session::new_token();
    two_step_challenge::ActiveModel {
        token_hash: Set(session::digest(&token)),
        staff_user_id: Set(staff_id),
        purpose: Set(purpose.to_owned()),
        pending_secret: Set(pending_secret),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CHALLENGE_MINUTES)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The live challenge behind `token`, with its staff member.
pub async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(two_step_challenge::Model, staff_user::Model)>, AppError> {
    let Some(challenge) = two_step_challenge::Entity::find_by_id(session::digest(token))
        .one(db)
        .await?
        .filter(|c| c.expires_at > now)
    else {
        return Ok(None);
    };
    let staff = staff_user::Entity::find_by_id(challenge.staff_user_id)
        .one(db)
        .await?
        .filter(staff_user::Model::is_active);
    Ok(staff.map(|s| (challenge, s)))
}

/// After `staff`'s password was right: the token of a new challenge when they must take a second
/// step (they are enrolled, or their practice requires two-step and they must enrol now).
pub async fn begin(
    db: &impl ConnectionTrait,
    secrets: &Secrets,
    staff: &staff_user::Model,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    if staff.totp_secret.is_some() {
        return Ok(Some(challenge(db, staff.id, VERIFY, None, now).await?));
    }
    let required = organization::Entity::find_by_id(staff.organization_id)
        .one(db)
        .await?
        .is_some_and(|o| o.require_two_step);
    if !required {
        return Ok(None);
    }
    let pending = seal(secrets, staff.id, &new_secret());
    Ok(Some(
        challenge(db, staff.id, ENROL, Some(pending), now).await?,
    ))
}

/// Ends the challenge behind `token` (done, or replaced); true if it was still there, so that
/// of two requests finishing one challenge only one signs in.
pub async fn finish(db: &impl Writer, token: &str) -> Result<bool, AppError> {
    let _turn = db.single_write().await;
    Ok(
        two_step_challenge::Entity::delete_by_id(session::digest(token))
            .exec(db)
            .await?
            .rows_affected
            == 1,
    )
}

/// Housekeeping: deletes the challenges that expired before `now`.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(two_step_challenge::Entity::delete_many()
        .filter(two_step_challenge::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

fn cookie_name(config: &SessionConfig) -> &'static str {
    if config.secure_cookie {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// Sets the challenge cookie (for [`CHALLENGE_MINUTES`]).
pub fn set_challenge_cookie(token: &str, config: &SessionConfig) {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    let name = cookie_name(config);
    let max_age = CHALLENGE_MINUTES * 60;
    set_cookie(&format!(
        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ));
}

/// Clears the challenge cookie.
pub fn clear_challenge_cookie(config: &SessionConfig) {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    let name = cookie_name(config);
    set_cookie(&format!(
        "{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ));
}

/// Answers a sign-in: with the session's cookies and the person's home, or with the
/// challenge's cookie and the second-step page.
pub fn answer(result: session::SignInResult, config: &SessionConfig) {
    match result {
        session::SignInResult::Done(signed_in) => {
            super::devices::set_sign_in_cookies(&signed_in, config);
            leptos_axum::redirect(&signed_in.home);
        }
        session::SignInResult::SecondStep(token) => {
            set_challenge_cookie(&token, config);
            leptos_axum::redirect(SECOND_STEP_PAGE);
        }
    }
}

/// The page of the second step.
pub const SECOND_STEP_PAGE: &str = "/sign-in/two-step";

/// The challenge token the current request's browser sent, if any.
pub fn challenge_token(config: &SessionConfig) -> Option<String> {
    use leptos::prelude::use_context;
    let parts = use_context::<axum::http::request::Parts>()?;
    let header = parts
        .headers
        .get(axum::http::header::COOKIE)?
        .to_str()
        .ok()?;
    session::cookie_value(header, cookie_name(config)).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test secret and vectors (first 6 of their 8 digits' worth: the codes
    /// here are the 6-digit truncations the RFC's algorithm gives).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_and_allow_one_step_of_drift() {
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        // RFC 6238 appendix B, T = 59 s: 94287082 (8 digits) → 287082.
        assert_eq!(
            matching_step(RFC_SECRET, "287082", at(59)).unwrap(),
            Some(1)
        );
        // T = 1111111109 s: 07081804 → 081804.
        assert_eq!(
            matching_step(RFC_SECRET, "081804", at(1_111_111_109)).unwrap(),
            Some(37_037_036)
        );
        // Thirty seconds late still passes; ninety does not.
        assert!(matching_step(RFC_SECRET, "081804", at(1_111_111_139))
            .unwrap()
            .is_some());
        assert!(matching_step(RFC_SECRET, "081804", at(1_111_111_199))
            .unwrap()
            .is_none());
        assert!(matching_step(RFC_SECRET, "000000", at(59))
            .unwrap()
            .is_none());
    }

    #[test]
    fn the_secret_and_url_are_what_authenticators_read() {
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32(&base32(RFC_SECRET)).unwrap(), RFC_SECRET);
        let url = otpauth_url("Bright Path ABA", "taylor@bp.example", RFC_SECRET);
        assert!(
            url.starts_with("otpauth://totp/Bright%20Path%20ABA:taylor%40bp.example?secret=GEZDG"),
            "{url}"
        );
        assert!(
            url.ends_with("&issuer=Bright%20Path%20ABA&algorithm=SHA1&digits=6&period=30"),
            "{url}"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{svg}"
        );
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_readable() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(&code[5..6], "-");
            assert!(!code.contains(['0', '1', 'l', 'o', 'i']), "{code}");
        }
        assert_eq!(normalize_code(" ABCDE-fghjk "), "abcde-fghjk");
        assert_eq!(normalize_code("123 456"), "123456");
    }
}
