//! Client Portal Settings on the server: reading and changing the organization's switches and
//! card-processing status, per-client turn-offs and Manage Clients.
//! Every change is validated with the shared rule in `domain::settings` and audited.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};

use crate::domain::client::CLIENTS_PER_PAGE;
use crate::domain::paging::PageAt;
use crate::domain::portal_settings::{
    CardProcessor, PortalClient, PortalClientPage, PortalSettings, SettingChanged,
};
use crate::domain::settings::{check_client_change, check_org_change, Setting};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::entities::{
    client, client_setting_override, organization, stripe_account,
};
use crate::server::store::refs::Ref;
use crate::server::store::{clients, organizations, settings, txn};

/// The organization's settings page data; administrators only.
pub async fn get(ctx: &Ctx) -> Result<PortalSettings, AppError> {
    let admin = ctx.admin().await?;
    Ok(with_offer(
        ctx,
        settings::load(ctx.db(), admin.organization_id).await?,
    ))
}

/// The settings with the processors this server offers.
fn with_offer(ctx: &Ctx, settings: PortalSettings) -> PortalSettings {
    PortalSettings {
        offered: CardProcessor::offered(ctx.state.deployment.sandbox()),
        ..settings
    }
}

fn parse_setting(key: &str) -> Result<Setting, AppError> {
    Setting::from_key(key).ok_or_else(|| AppError::invalid("setting", "Unknown setting."))
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// Turns one setting on or off, for the organization (`client_id = None`) or for one client.
/// Returns the settings after the change.
pub async fn change(
    ctx: &Ctx,
    client_id: Option<i32>,
    key: &str,
    on: bool,
) -> Result<SettingChanged, AppError> {
    let admin = ctx.admin().await?;
    let setting = parse_setting(key)?;
    let db = ctx.db();
    let current = settings::load(db, admin.organization_id).await?;
    let card = current.card_processing();
    match client_id {
        None => {
            check_org_change(setting, on, &current.org, card).map_err(AppError::Conflict)?;
            let action = format!("setting.organization.{}", setting.key());
            let (old, new) = (on_off(current.org.get(setting)), on_off(on));
            let entry = ctx.entry(&action, "organization", Some(old.into()), Some(new.into()));
            settings::store_audited(db, admin.organization_id, setting, on, entry).await?;
        }
        Some(client_id) => {
            ctx.admin_client(client_id).await?;
            check_client_change(setting, on, &current.org, card).map_err(AppError::Conflict)?;
            let was_on = !settings::overrides(db, client_id).await?.get(setting);
            let txn = txn::begin(db).await?;
            if on {
                client_setting_override::Entity::delete_by_id((client_id, setting))
                    .exec(&*txn)
                    .await?;
            } else if was_on {
                client_setting_override::ActiveModel {
                    client_id: Set(client_id),
                    setting: Set(setting),
                    created_at: Set(Utc::now()),
                }
                .insert(&*txn)
                .await?;
            }
            let action = format!("setting.client.{}", setting.key());
            let (old, new) = (Some(on_off(was_on).into()), Some(on_off(on).into()));
            txn.commit_audited(ctx.entry(&action, Ref::Client(client_id), old, new))
                .await?;
        }
    }
    // The change is the only difference from what was loaded before it: no second read.
    let (settings, client_off) = match client_id {
        None => {
            let mut settings = current;
            settings.org.set(setting, on);
            (settings, None)
        }
        Some(client_id) => (current, Some(settings::overrides(db, client_id).await?)),
    };
    Ok(SettingChanged {
        settings,
        client_off,
    })
}

/// Enables card processing with a processor (its key) or disables it (an empty key); administrators only.
pub async fn set_card_processing(ctx: &Ctx, processor: &str) -> Result<PortalSettings, AppError> {
    let admin = ctx.admin().await?;
    let processor = match processor.trim() {
        "" => None,
        key => Some(CardProcessor::from_key(key).ok_or_else(|| {
            AppError::invalid("processor", "Choose a card processor from the list.")
        })?),
    };
    if let Some(p) = processor {
        if !CardProcessor::offered(ctx.state.deployment.sandbox()).contains(&p) {
            return Err(AppError::invalid(
                "processor",
                "Choose a card processor from the list.",
            ));
        }
    }
    let db = ctx.db();
    if processor == Some(CardProcessor::Stripe)
        && stripe_account::Entity::find_by_id(admin.organization_id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::invalid(
            "processor",
            "Save the Stripe keys first, then choose Stripe.",
        ));
    }
    let org = organizations::get(db, admin.organization_id).await?;
    let old = org.card_processor.map(|p| p.key().to_owned());
    let mut row: organization::ActiveModel = org.into();
    row.card_processor = Set(processor);
    let txn = txn::begin(db).await?;
    row.update(&*txn).await?;
    let new = processor.map(|p| p.key().to_owned());
    let entry = ctx.entry("organization.card_processing", "organization", old, new);
    txn.commit_audited(entry).await?;
    Ok(with_offer(
        ctx,
        settings::load(db, admin.organization_id).await?,
    ))
}

/// Manage Clients: the clients who use the portal (their own login, or a contact's), searchable
/// and paginated, with what is turned off for each; administrators only.
pub async fn portal_clients(
    ctx: &Ctx,
    query: &str,
    at: PageAt,
) -> Result<PortalClientPage, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let base = Condition::all()
        .add(client::Column::OrganizationId.eq(admin.organization_id))
        .add(client::Column::UsesPortal.eq(true));
    let select =
        client::Entity::find().filter(clients::name_filter(query, base.clone()).unwrap_or(base));
    let (rows, paging) = clients::by_name(CLIENTS_PER_PAGE)
        .page(db, select, at)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let overrides = settings::overrides_of(db, &ids).await?;
    let clients = rows
        .into_iter()
        .map(|c| PortalClient {
            id: c.id,
            name: c.full_name(),
            off: overrides.get(&c.id).copied().unwrap_or_default(),
        })
        .collect();
    Ok(PortalClientPage { clients, paging })
}
