//! The demo's payer directory: a handful of payers for Bright Path ABA, and Sam Lee's primary
//! policy through the parent, so that staff see a filled-in Insurance section. Jordan Lee has no
//! policy yet, for a newcomer to add one in the portal.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, NotSet, Set};

use app::domain::insurance::{payer_key, PayerStatus, Rank, Relationship};
use app::server::store::entities::{insurance_policy, payer};

/// Name, payer ID, address, phone.
const PAYERS: [(&str, &str, &str, &str); 5] = [
    (
        "Aetna",
        "60054",
        "PO Box 981106, El Paso, TX 79998",
        "1-800-872-3862",
    ),
    (
        "Blue Cross Blue Shield of Massachusetts",
        "SB700",
        "PO Box 986030, Boston, MA 02298",
        "1-800-262-2583",
    ),
    (
        "Cigna",
        "62308",
        "PO Box 188061, Chattanooga, TN 37422",
        "1-800-244-6224",
    ),
    (
        "Tufts Health Plan",
        "04271",
        "PO Box 9185, Watertown, MA 02471",
        "1-800-462-0224",
    ),
    (
        "UnitedHealthcare",
        "87726",
        "PO Box 30555, Salt Lake City, UT 84130",
        "1-877-842-3210",
    ),
];

/// Inserts the payers of organization `org` and Sam's policy.
pub async fn load(db: &impl ConnectionTrait, org: i32, sam: i32) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut cigna = 0;
    for (name, code, address, phone) in PAYERS {
        let row = payer::ActiveModel {
            id: NotSet,
            organization_id: Set(org),
            name: Set(name.into()),
            name_key: Set(payer_key(name)),
            payer_code: Set(Some(code.into())),
            address: Set(Some(address.into())),
            phone: Set(Some(phone.into())),
            status: Set(PayerStatus::Active),
            added_by_client: Set(false),
            needs_review: Set(false),
            merged_into: Set(None),
            added_for_client_id: Set(None),
            created_by: Set("demo".into()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        if name == "Cigna" {
            cigna = row.id;
        }
    }
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
    insurance_policy::ActiveModel {
        id: NotSet,
        organization_id: Set(org),
        client_id: Set(sam),
        payer_id: Set(cigna),
        member_id: Set("U8824410302".into()),
        group_number: Set(Some("3340017".into())),
        subscriber_name: Set("Alex Lee".into()),
        subscriber_dob: Set(date(1986, 3, 12)),
        relationship: Set(Relationship::Child),
        rank: Set(Rank::Primary),
        effective_on: Set(date(2026, 1, 1)),
        terminates_on: Set(None),
        updated_by: Set("demo".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
