//! Client Portal Settings as stored: the organization's switches and card processor, the
//! per-client turn-offs, and a client's effective settings computed from both with the one rule
//! in `domain::settings`.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::domain::portal_settings::PortalSettings;
use crate::domain::settings::{
    effective, ClientOverrides, EffectiveSettings, OrgSettings, Setting,
};
use crate::error::AppError;
use crate::server::store::audit::Entry;
use crate::server::store::entities::{client_setting_override, organization, organization_setting};
use crate::server::store::txn;

/// Writes every organization setting (used when an organization is created).
pub async fn store_all(
    db: &impl ConnectionTrait,
    organization_id: i32,
    values: &OrgSettings,
) -> Result<(), AppError> {
    for setting in Setting::ALL {
        store(db, organization_id, setting, values.get(setting)).await?;
    }
    Ok(())
}

/// Writes one organization setting; other settings' rows are untouched.
pub async fn store(
    db: &impl ConnectionTrait,
    organization_id: i32,
    setting: Setting,
    on: bool,
) -> Result<(), AppError> {
    organization_setting::Entity::insert(organization_setting::ActiveModel {
        organization_id: Set(organization_id),
        setting: Set(setting),
        enabled: Set(on),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            organization_setting::Column::OrganizationId,
            organization_setting::Column::Setting,
        ])
        .update_columns([
            organization_setting::Column::Enabled,
            organization_setting::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The organization's stored settings and card processor (a missing row means off), in one query.
pub async fn load(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<PortalSettings, AppError> {
    Ok(load_with_organization(db, organization_id).await?.1)
}

/// The organization and its stored settings, in one query.
pub async fn load_with_organization(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<(organization::Model, PortalSettings), AppError> {
    let (org, rows) = organization::Entity::find_by_id(organization_id)
        .find_with_related(organization_setting::Entity)
        .all(db)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let settings = portal_settings(&org, &rows);
    Ok((org, settings))
}

pub fn portal_settings(
    org: &organization::Model,
    rows: &[organization_setting::Model],
) -> PortalSettings {
    let mut values = OrgSettings::default();
    for row in rows {
        values.set(row.setting, row.enabled);
    }
    PortalSettings {
        org: values,
        card_processor: org.card_processor,
        // What this server offers is the service's to say (it knows the deployment).
        offered: Vec::new(),
    }
}

/// The stored settings and card processor of an organization already read.
pub async fn settings_of(
    db: &impl ConnectionTrait,
    org: &organization::Model,
) -> Result<PortalSettings, AppError> {
    let rows = organization_setting::Entity::find()
        .filter(organization_setting::Column::OrganizationId.eq(org.id))
        .all(db)
        .await?;
    Ok(portal_settings(org, &rows))
}

/// The settings turned off for each of `client_ids` (clients without turn-offs are absent).
pub async fn overrides_of(
    db: &impl ConnectionTrait,
    client_ids: &[i32],
) -> Result<HashMap<i32, ClientOverrides>, AppError> {
    let mut off = HashMap::<i32, ClientOverrides>::new();
    for row in client_setting_override::Entity::find()
        .filter(client_setting_override::Column::ClientId.is_in(client_ids.iter().copied()))
        .all(db)
        .await?
    {
        off.entry(row.client_id).or_default().set(row.setting, true);
    }
    Ok(off)
}

/// The settings turned off for one client.
pub async fn overrides(
    db: &impl ConnectionTrait,
    client_id: i32,
) -> Result<ClientOverrides, AppError> {
    let mut off = ClientOverrides::default();
    for row in client_setting_override::Entity::find()
        .filter(client_setting_override::Column::ClientId.eq(client_id))
        .all(db)
        .await?
    {
        off.set(row.setting, true);
    }
    Ok(off)
}

/// The effective settings of one client of the organization `organization_id`.
pub async fn effective_of(
    db: &impl ConnectionTrait,
    organization_id: i32,
    client_id: i32,
) -> Result<EffectiveSettings, AppError> {
    let settings = load(db, organization_id).await?;
    let off = overrides(db, client_id).await?;
    Ok(effective(&settings.org, &off, settings.card_processing()))
}

/// The effective settings of each of `client_ids`, under the organization's settings already read.
pub async fn effective_of_each(
    db: &impl ConnectionTrait,
    org: &PortalSettings,
    client_ids: &[i32],
) -> Result<HashMap<i32, EffectiveSettings>, AppError> {
    let off = overrides_of(db, client_ids).await?;
    Ok(client_ids
        .iter()
        .map(|id| {
            let client_off = off.get(id).copied().unwrap_or_default();
            (*id, effective(&org.org, &client_off, org.card_processing()))
        })
        .collect())
}

/// Writes one organization setting and its audit entry atomically, through
/// [`WriteTxn::commit_audited`], so the entry is chained like every other (see `audit_chain`);
/// the setting's row is locked only for its own write and the commit.
///
/// [`WriteTxn::commit_audited`]: crate::server::store::txn::WriteTxn::commit_audited
pub async fn store_audited(
    db: &DatabaseConnection,
    organization_id: i32,
    setting: Setting,
    on: bool,
    entry: Entry,
) -> Result<(), AppError> {
    let txn = txn::begin(db).await?;
    store(&*txn, organization_id, setting, on).await?;
    Ok(txn.commit_audited(entry).await?)
}
