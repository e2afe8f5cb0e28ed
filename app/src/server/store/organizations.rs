//! The organization of a request: one lookup, its time zone and today's date there.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::AppError;
use crate::server::store::entities::organization;

/// The organization `organization_id`; a missing one is an internal error (every actor,
/// client and booking belongs to one), logged here.
pub async fn get(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<organization::Model, AppError> {
    organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("organization {organization_id} is missing")))
}

impl organization::Model {
    /// The organization's time zone (UTC, logged, if the stored name is unknown).
    pub fn zone(&self) -> chrono_tz::Tz {
        zone_named(&self.time_zone)
    }

    /// The calendar date at `now` in the organization's time zone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.zone()).date_naive()
    }
}

/// The time zone of the IANA name `name` (UTC, logged, if unknown).
pub fn zone_named(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::error!(time_zone = name, "unknown stored time zone; using UTC");
        chrono_tz::UTC
    })
}

/// The organization's time zone and name.
pub async fn zone(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<(chrono_tz::Tz, String), AppError> {
    let org = get(db, organization_id).await?;
    Ok((org.zone(), org.name))
}

/// Today's date in the organization's time zone.
pub async fn today(db: &impl ConnectionTrait, organization_id: i32) -> Result<NaiveDate, AppError> {
    Ok(get(db, organization_id).await?.today(Utc::now()))
}

/// The calendar date at `now` in the time zone named `tz` (UTC if the name is unknown).
pub fn today_in(tz: &str, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone_named(tz)).date_naive()
}
