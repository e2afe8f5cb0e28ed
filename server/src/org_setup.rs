//! `server org create`: a practice's first start without demo data. It creates the organization
//! with the settings' starting point and its first administrator, whose invitation link (single
//! use, 72 hours) is printed for the operator to hand over; the administrator chooses a password
//! there and sets up the rest of the practice in the app.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, NotSet, Set, TransactionTrait};

use app::domain::account::LinkPurpose;
use app::domain::settings::OrgSettings;
use app::domain::validation::{self, normalize_email};
use app::server::access::invitations::new_link;
use app::server::access::{password, session};
use app::server::store::audit::{self, Entry};
use app::server::store::entities::{organization, staff_user};
use app::server::store::portal_links::ensure_email_free;
use app::server::store::settings;

/// What the operator gives on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: String,
    pub time_zone: String,
    pub admin_email: String,
    pub admin_name: String,
}

const USAGE: &str =
    "usage: server org create --name \"Practice name\" --time-zone America/Chicago \
--admin-email admin@example.org [--admin-name \"Full Name\"] [--database-url URL]";

impl NewOrganization {
    /// Reads `org create` flags from `args` (after `org create`); returns the organization and
    /// the arguments left for the server's own configuration (`--database-url`).
    pub fn parse(args: &[String]) -> Result<(NewOrganization, Vec<String>), String> {
        let (mut name, mut zone, mut email, mut admin) = (None, None, None, None);
        let mut rest = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let slot = match arg.as_str() {
                "--name" => &mut name,
                "--time-zone" => &mut zone,
                "--admin-email" => &mut email,
                "--admin-name" => &mut admin,
                "--help" | "-h" => return Err(USAGE.into()),
                _ => {
                    rest.push(arg.clone());
                    continue;
                }
            };
            *slot = Some(
                it.next()
                    .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))?
                    .clone(),
            );
        }
        let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let (Some(name), Some(time_zone), Some(admin_email)) = (name, zone, email) else {
            return Err(format!(
                "--name, --time-zone and --admin-email are required\n{USAGE}"
            ));
        };
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "--time-zone {time_zone:?} is not an IANA time zone such as America/Chicago"
            ));
        }
        validation::email(&admin_email).map_err(|m| format!("--admin-email: {m}"))?;
        let admin_email = normalize_email(&admin_email);
        let admin_name = admin
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Administrator".into());
        Ok((
            NewOrganization {
                name,
                time_zone,
                admin_email,
                admin_name,
            },
            rest,
        ))
    }
}

/// Creates the organization and its first administrator in one transaction; returns the
/// path of the administrator's invitation link (`/welcome?token=…`).
pub async fn create(db: &DatabaseConnection, input: &NewOrganization) -> Result<String, String> {
    let failed = |e: &dyn std::fmt::Display| format!("creating the organization: {e}");
    ensure_email_free(db, &input.admin_email)
        .await
        .map_err(|_| format!("{} already has a login", input.admin_email))?;
    // Nobody knows this password: the administrator sets theirs through the link.
    let unusable = password::hash(session::new_token())
        .await
        .map_err(|e| failed(&e))?;
    let now = Utc::now();
    let txn = db.begin().await.map_err(|e| failed(&e))?;
    let org = organization::ActiveModel {
        id: NotSet,
        name: Set(input.name.clone()),
        time_zone: Set(input.time_zone.clone()),
        created_at: Set(now),
        card_processor: Set(None),
        contact_email: Set(String::new()),
        contact_phone: Set(String::new()),
        require_two_step: Set(false),
        reminder_hours: Set(24),
    }
    .insert(&txn)
    .await
    .map_err(|e| failed(&e))?;
    settings::store_all(&txn, org.id, &OrgSettings::starting_point())
        .await
        .map_err(|e| failed(&e))?;
    let admin = staff_user::ActiveModel {
        id: NotSet,
        organization_id: Set(org.id),
        name: Set(input.admin_name.clone()),
        email: Set(input.admin_email.clone()),
        password_hash: Set(unusable),
        is_admin: Set(true),
        is_therapist: Set(false),
        slot_minutes: Set(60),
        calendar_feed_hash: Set(None),
        credentials: Set(String::new()),
        deactivated_at: Set(None),
        totp_secret: Set(None),
        totp_last_step: Set(None),
        video_link: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| failed(&e))?;
    let token = session::new_token();
    let mut link = new_link(
        &token,
        LinkPurpose::Invitation,
        org.id,
        (&input.admin_email, &input.admin_name),
        "cli".into(),
        now,
    );
    link.staff_user_id = Set(Some(admin.id));
    link.insert(&txn).await.map_err(|e| failed(&e))?;
    audit::record(
        &txn,
        Entry {
            organization_id: Some(org.id),
            actor: "cli".into(),
            action: "organization.created".into(),
            object: format!("organization:{}", org.id),
            new_value: Some(format!("first administrator staff:{}", admin.id)),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| failed(&e))?;
    txn.commit().await.map_err(|e| failed(&e))?;
    Ok(format!("/welcome?token={token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_are_read_and_checked() {
        let (org, rest) = NewOrganization::parse(&args(&[
            "--name",
            "Lakeside Therapy",
            "--time-zone",
            "America/Chicago",
            "--admin-email",
            "Owner@Lakeside.example",
            "--database-url",
            "sqlite://x.sqlite",
        ]))
        .unwrap();
        assert_eq!(org.name, "Lakeside Therapy");
        assert_eq!(org.admin_email, "owner@lakeside.example");
        assert_eq!(org.admin_name, "Administrator");
        assert_eq!(rest, args(&["--database-url", "sqlite://x.sqlite"]));
        let zone = NewOrganization::parse(&args(&[
            "--name",
            "A",
            "--time-zone",
            "Mars/Olympus",
            "--admin-email",
            "a@b.example",
        ]))
        .unwrap_err();
        assert!(zone.contains("IANA"), "{zone}");
        let missing = NewOrganization::parse(&args(&["--name", "A"])).unwrap_err();
        assert!(missing.contains("required"), "{missing}");
        let email = NewOrganization::parse(&args(&[
            "--name",
            "A",
            "--time-zone",
            "UTC",
            "--admin-email",
            "nobody",
        ]))
        .unwrap_err();
        assert!(email.contains("--admin-email"), "{email}");
    }
}
