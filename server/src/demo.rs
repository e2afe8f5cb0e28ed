//! The demo organizations of SPEC §5, loaded on the embedded default or with `--demo`.
//! Loading is idempotent: an existing demo organization is left as it is.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, NotSet, QueryFilter,
    Set, TransactionTrait,
};

use app::domain::client::{last_name_key, search_name};
use app::domain::settings::OrgSettings;
use app::server::access::password;
use app::server::services::scheduling;
use app::server::store::entities::{
    client, client_contact, client_contact_link, client_staff, location, organization,
    portal_account, staff_user,
};
use app::server::store::{clients, settings};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// Printed at start-up so a newcomer can sign in at once.
pub const LOGINS: &str = "Demo logins (password demo-password-1):
  admin@brightpath.example      organization administrator (also a therapist)
  therapist@brightpath.example  therapist of Jordan Lee and Sam Lee
  client@brightpath.example     client Jordan Lee
  parent@brightpath.example     parent of Jordan Lee and Sam Lee
  admin@otherclinic.example     administrator of another organization";

const BRIGHT_PATH: &str = "Bright Path ABA";
const OTHER_CLINIC: &str = "Other Clinic Speech Therapy";

/// Loads the demo data unless it is already there.
pub async fn load(db: &DatabaseConnection) -> Result<(), DbErr> {
    let exists = organization::Entity::find()
        .filter(organization::Column::Name.eq(BRIGHT_PATH))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let hash = || async {
        password::hash(DEMO_PASSWORD.to_owned())
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    };
    let hashes = [
        hash().await?,
        hash().await?,
        hash().await?,
        hash().await?,
        hash().await?,
    ];
    let [admin_hash, therapist_hash, client_hash, parent_hash, other_hash] = hashes;

    let txn = db.begin().await?;
    let bp = org(
        &txn,
        BRIGHT_PATH,
        "America/New_York",
        ("frontdesk@brightpath.example", "(207) 555-0100"),
    )
    .await?;
    let main_clinic = place(
        &txn,
        bp,
        "Main Clinic",
        ["125 Harbor Street", "Portland", "ME", "04101"],
    )
    .await?;
    let admin = staff(
        &txn,
        bp,
        "Morgan Reyes",
        "admin@brightpath.example",
        admin_hash,
        true,
        true,
    )
    .await?;
    let therapist = staff(
        &txn,
        bp,
        "Taylor Brooks",
        "therapist@brightpath.example",
        therapist_hash,
        false,
        true,
    )
    .await?;
    let jordan = person(
        &txn,
        bp,
        "Jordan",
        "Lee",
        (2012, 4, 2),
        Some("client@brightpath.example"),
    )
    .await?;
    let sam = person(&txn, bp, "Sam", "Lee", (2019, 9, 15), None).await?;
    for c in [jordan, sam] {
        assign(&txn, c, therapist).await?;
    }
    let parent = contact(&txn, bp, "Alex Lee", "parent@brightpath.example", "parent").await?;
    for c in [jordan, sam] {
        link(&txn, parent, c).await?;
    }
    account(
        &txn,
        bp,
        "client@brightpath.example",
        client_hash,
        Some(jordan),
        None,
    )
    .await?;
    account(
        &txn,
        bp,
        "parent@brightpath.example",
        parent_hash,
        None,
        Some(parent),
    )
    .await?;
    clients::refresh_portal_use(&txn, &[jordan, sam])
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    crate::demo_forms::load(&txn, bp, (jordan, parent), main_clinic, admin).await?;
    // Both therapists: Monday to Friday, 9:00 to 17:00, in 60-minute slots.
    for staff_id in [admin, therapist] {
        scheduling::seed_weekday_hours(&txn, staff_id, 9, 17).await?;
    }
    crate::demo_schedule::load(&txn, bp, therapist, jordan, main_clinic).await?;
    crate::demo_insurance::load(&txn, bp, sam).await?;

    let oc = org(&txn, OTHER_CLINIC, "America/Chicago", ("", "")).await?;
    place(
        &txn,
        oc,
        "Riverside Office",
        ["40 Mill Road", "Springfield", "IL", "62701"],
    )
    .await?;
    staff(
        &txn,
        oc,
        "Dana Whitfield",
        "admin@otherclinic.example",
        other_hash,
        true,
        true,
    )
    .await?;
    person(&txn, oc, "Riley", "Chen", (2015, 1, 20), None).await?;
    person(&txn, oc, "Casey", "Morgan", (2017, 6, 8), None).await?;
    txn.commit().await?;
    tracing::info!("demo data loaded");
    Ok(())
}

async fn org(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
    tz: &str,
    (email, phone): (&str, &str),
) -> Result<i32, DbErr> {
    let row = organization::ActiveModel {
        id: NotSet,
        name: Set(name.into()),
        time_zone: Set(tz.into()),
        created_at: Set(Utc::now()),
        card_processor: Set(None),
        contact_email: Set(email.into()),
        contact_phone: Set(phone.into()),
        require_two_step: Set(false),
        reminder_hours: Set(24),
    }
    .insert(db)
    .await?;
    settings::store_all(db, row.id, &OrgSettings::starting_point())
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(row.id)
}

async fn place(
    db: &impl sea_orm::ConnectionTrait,
    org: i32,
    name: &str,
    [street, city, state, postal_code]: [&str; 4],
) -> Result<i32, DbErr> {
    let address = app::domain::location::address_line(street, city, state, postal_code);
    let row = location::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        name: Set(name.into()),
        address: Set(address),
        telehealth: Set(false),
        street: Set(street.into()),
        city: Set(city.into()),
        state: Set(state.into()),
        postal_code: Set(postal_code.into()),
        phone: Set("(207) 555-0142".into()),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn staff(
    db: &impl sea_orm::ConnectionTrait,
    org: i32,
    name: &str,
    email: &str,
    password_hash: String,
    is_admin: bool,
    is_therapist: bool,
) -> Result<i32, DbErr> {
    let row = staff_user::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        name: Set(name.into()),
        email: Set(email.into()),
        password_hash: Set(password_hash),
        is_admin: Set(is_admin),
        is_therapist: Set(is_therapist),
        slot_minutes: Set(60),
        calendar_feed_hash: Set(None),
        // The demo's therapists are behavior analysts.
        credentials: Set(if is_therapist { "BCBA" } else { "" }.into()),
        deactivated_at: Set(None),
        totp_secret: Set(None),
        totp_last_step: Set(None),
        video_link: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn person(
    db: &impl sea_orm::ConnectionTrait,
    org: i32,
    first: &str,
    last: &str,
    (y, m, d): (i32, u32, u32),
    email: Option<&str>,
) -> Result<i32, DbErr> {
    let row = client::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        first_name: Set(first.into()),
        last_name: Set(last.into()),
        search_name: Set(search_name(first, last)),
        last_name_key: Set(last_name_key(last)),
        uses_portal: Set(false),
        date_of_birth: Set(NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")),
        email: Set(email.map(str::to_owned)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn assign(
    db: &impl sea_orm::ConnectionTrait,
    client_id: i32,
    staff_id: i32,
) -> Result<(), DbErr> {
    client_staff::ActiveModel {
        client_id: Set(client_id),
        staff_id: Set(staff_id),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn contact(
    db: &impl sea_orm::ConnectionTrait,
    org: i32,
    name: &str,
    email: &str,
    relationship: &str,
) -> Result<i32, DbErr> {
    let row = client_contact::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        name: Set(name.into()),
        email: Set(Some(email.into())),
        phone: Set(None),
        relationship: Set(relationship.into()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Links a contact to a client with portal access for every scope and no end date.
async fn link(
    db: &impl sea_orm::ConnectionTrait,
    contact_id: i32,
    client_id: i32,
) -> Result<(), DbErr> {
    client_contact_link::ActiveModel {
        id: NotSet,
        contact_id: Set(contact_id),
        client_id: Set(client_id),
        created_at: Set(Utc::now()),
        portal_access: Set(true),
        scope_forms: Set(true),
        scope_payments: Set(true),
        scope_scheduling: Set(true),
        scope_messages: Set(true),
        access_ends_on: Set(None),
        access_granted_by: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn account(
    db: &impl sea_orm::ConnectionTrait,
    org: i32,
    email: &str,
    password_hash: String,
    client_id: Option<i32>,
    contact_id: Option<i32>,
) -> Result<(), DbErr> {
    portal_account::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        email: Set(email.into()),
        password_hash: Set(password_hash),
        client_id: Set(client_id),
        contact_id: Set(contact_id),
        created_at: Set(Utc::now()),
        appointment_reminders: Set(true),
    }
    .insert(db)
    .await?;
    Ok(())
}
