//! Client Portal Settings on the server: reading and changing the organization's switches and
//! card-processing status, per-client turn-offs, Manage Clients, effective settings and the audit log.
//! Every change is validated with the shared rule in `domain::settings` and audited.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, Statement,
};

use crate::domain::client::CLIENTS_PER_PAGE;
use crate::domain::portal::{
    AuditPage, AuditRow, CardProcessor, PortalClient, PortalClientPage, PortalSettings,
    SettingChanged,
};
use crate::domain::settings::{
    check_client_change, check_org_change, effective, ClientOverrides, EffectiveSettings,
    OrgSettings, Setting,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::server::actor::Actor;
use crate::server::context::Ctx;
use crate::server::entities::{
    audit_log, client, client_contact, client_setting_override, organization, organization_setting,
    staff_user,
};
use crate::server::write;

/// Audit rows per page.
pub const AUDIT_PER_PAGE: u64 = 50;

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
async fn store(
    db: &impl ConnectionTrait,
    organization_id: i32,
    setting: Setting,
    on: bool,
) -> Result<(), AppError> {
    organization_setting::Entity::insert(organization_setting::ActiveModel {
        organization_id: Set(organization_id),
        setting: Set(setting.key().to_owned()),
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

/// Writes one organization setting and its audit entry atomically. On PostgreSQL that is one
/// statement (the audit insert as a data-modifying `WITH`), which saves the round trips of a
/// transaction on the hottest write; elsewhere it is a transaction, audit row first, so that the
/// setting's row is locked only for its own write and the commit.
async fn store_with_audit(
    ctx: &Ctx,
    organization_id: i32,
    setting: Setting,
    old: bool,
    on: bool,
) -> Result<(), AppError> {
    let db = ctx.db();
    let action = format!("setting.organization.{}", setting.key());
    let (old, new) = (on_off(old).to_owned(), on_off(on).to_owned());
    if db.get_database_backend() == DbBackend::Postgres {
        let actor = ctx.actor.as_ref().map(Actor::label).unwrap_or_default();
        let now = Utc::now();
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH audit AS (INSERT INTO audit_log \
               (organization_id, actor, action, object, old_value, new_value, at, ip) \
               VALUES ($1, $2, $3, 'organization', $4, $5, $6, $7)) \
             INSERT INTO organization_settings (organization_id, setting, enabled, updated_at) \
             VALUES ($1, $8, $9, $6) ON CONFLICT (organization_id, setting) \
             DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at",
            [
                organization_id.into(),
                actor.into(),
                action.into(),
                old.into(),
                new.into(),
                now.into(),
                ctx.ip.clone().into(),
                setting.key().into(),
                on.into(),
            ],
        ))
        .await?;
        return Ok(());
    }
    let txn = write::begin(db).await?;
    ctx.audit_in(&*txn, &action, "organization", Some(old), Some(new))
        .await?;
    store(&*txn, organization_id, setting, on).await?;
    txn.commit().await?;
    Ok(())
}

/// The organization's stored settings and card processor (a missing row means off), in one query.
pub async fn load(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<PortalSettings, AppError> {
    let (org, rows) = organization::Entity::find_by_id(organization_id)
        .find_with_related(organization_setting::Entity)
        .all(db)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(portal_settings(&org, &rows))
}

fn portal_settings(
    org: &organization::Model,
    rows: &[organization_setting::Model],
) -> PortalSettings {
    let mut values = OrgSettings::default();
    for row in rows {
        if let Some(setting) = Setting::from_key(&row.setting) {
            values.set(setting, row.enabled);
        }
    }
    PortalSettings {
        org: values,
        card_processor: org
            .card_processor
            .as_deref()
            .and_then(CardProcessor::from_key),
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
) -> Result<std::collections::HashMap<i32, ClientOverrides>, AppError> {
    let mut off = std::collections::HashMap::<i32, ClientOverrides>::new();
    for row in client_setting_override::Entity::find()
        .filter(client_setting_override::Column::ClientId.is_in(client_ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(setting) = Setting::from_key(&row.setting) {
            off.entry(row.client_id).or_default().set(setting, true);
        }
    }
    Ok(off)
}

/// The settings turned off for one client.
async fn overrides(db: &impl ConnectionTrait, client_id: i32) -> Result<ClientOverrides, AppError> {
    let mut off = ClientOverrides::default();
    for row in client_setting_override::Entity::find()
        .filter(client_setting_override::Column::ClientId.eq(client_id))
        .all(db)
        .await?
    {
        if let Some(setting) = Setting::from_key(&row.setting) {
            off.set(setting, true);
        }
    }
    Ok(off)
}

/// The organization's settings page data; administrators only.
pub async fn get(ctx: &Ctx) -> Result<PortalSettings, AppError> {
    let admin = ctx.admin().await?;
    load(ctx.db(), admin.organization_id).await
}

fn parse_setting(key: &str) -> Result<Setting, AppError> {
    Setting::from_key(key).ok_or_else(|| FieldErrors::single("setting", "Unknown setting.").into())
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
    let current = load(db, admin.organization_id).await?;
    let card = current.card_processing();
    match client_id {
        None => {
            check_org_change(setting, on, &current.org, card).map_err(AppError::Conflict)?;
            let old = current.org.get(setting);
            store_with_audit(ctx, admin.organization_id, setting, old, on).await?;
        }
        Some(client_id) => {
            admin.client(db, client_id).await?;
            check_client_change(setting, on, &current.org, card).map_err(AppError::Conflict)?;
            let was_on = !overrides(db, client_id).await?.get(setting);
            let txn = write::begin(db).await?;
            if on {
                client_setting_override::Entity::delete_by_id((
                    client_id,
                    setting.key().to_owned(),
                ))
                .exec(&*txn)
                .await?;
            } else if was_on {
                client_setting_override::ActiveModel {
                    client_id: Set(client_id),
                    setting: Set(setting.key().to_owned()),
                    created_at: Set(Utc::now()),
                }
                .insert(&*txn)
                .await?;
            }
            ctx.audit_in(
                &*txn,
                &format!("setting.client.{}", setting.key()),
                &format!("client:{client_id}"),
                Some(on_off(was_on).into()),
                Some(on_off(on).into()),
            )
            .await?;
            txn.commit().await?;
        }
    }
    // The change is the only difference from what was loaded before it: no second read.
    let (settings, client_off) = match client_id {
        None => {
            let mut settings = current;
            settings.org.set(setting, on);
            (settings, None)
        }
        Some(client_id) => (current, Some(overrides(db, client_id).await?)),
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
            AppError::from(FieldErrors::single(
                "processor",
                "Choose a card processor from the list.",
            ))
        })?),
    };
    let db = ctx.db();
    if processor == Some(CardProcessor::Stripe)
        && crate::server::entities::stripe_account::Entity::find_by_id(admin.organization_id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::from(FieldErrors::single(
            "processor",
            "Save the Stripe keys first, then choose Stripe.",
        )));
    }
    let org = organization::Entity::find_by_id(admin.organization_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let old = org.card_processor.clone();
    let mut row: organization::ActiveModel = org.into();
    row.card_processor = Set(processor.map(|p| p.key().to_owned()));
    row.update(db).await?;
    ctx.audit(
        "organization.card_processing",
        "organization",
        old,
        processor.map(|p| p.key().to_owned()),
    )
    .await?;
    load(db, admin.organization_id).await
}

/// Manage Clients: the clients who use the portal (their own login, or a contact's), searchable
/// and paginated, with what is turned off for each; administrators only.
pub async fn portal_clients(
    ctx: &Ctx,
    query: &str,
    page: u64,
) -> Result<PortalClientPage, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let base = Condition::all()
        .add(client::Column::OrganizationId.eq(admin.organization_id))
        .add(client::Column::UsesPortal.eq(true));
    let select = client::Entity::find()
        .filter(super::clients::name_filter(query, base.clone()).unwrap_or(base));
    let paginator = select
        .order_by_asc(client::Column::LastName)
        .order_by_asc(client::Column::FirstName)
        .order_by_asc(client::Column::Id)
        .paginate(db, CLIENTS_PER_PAGE);
    let counts = paginator.num_items_and_pages().await?;
    let page = page.clamp(1, counts.number_of_pages.max(1));
    let rows = paginator.fetch_page(page - 1).await?;
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let overrides = client_setting_override::Entity::find()
        .filter(client_setting_override::Column::ClientId.is_in(ids))
        .all(db)
        .await?;
    let clients = rows
        .into_iter()
        .map(|c| {
            let mut off = ClientOverrides::default();
            for o in overrides.iter().filter(|o| o.client_id == c.id) {
                if let Some(setting) = Setting::from_key(&o.setting) {
                    off.set(setting, true);
                }
            }
            PortalClient {
                id: c.id,
                name: format!("{} {}", c.first_name, c.last_name),
                off,
            }
        })
        .collect();
    Ok(PortalClientPage {
        clients,
        total: counts.number_of_items,
        page,
        pages: counts.number_of_pages.max(1),
    })
}

/// The effective settings of one client: for the client, a contact acting for them, or staff who may see them.
pub async fn effective_for(ctx: &Ctx, client_id: i32) -> Result<EffectiveSettings, AppError> {
    let db = ctx.db();
    let object = format!("client:{client_id}");
    let organization_id = match &ctx.actor {
        None => return Err(AppError::Unauthenticated),
        Some(Actor::Portal(p)) if p.may_act_for(client_id) => p.organization_id,
        Some(Actor::Staff(s)) => match s.client(db, client_id).await {
            Ok(c) => c.organization_id,
            Err(e) => return Err(ctx.deny(&object, e).await),
        },
        Some(Actor::Portal(_)) => return Err(ctx.deny(&object, AppError::Forbidden).await),
    };
    let settings = load(db, organization_id).await?;
    Ok(effective(
        &settings.org,
        &overrides(db, client_id).await?,
        settings.card_processing(),
    ))
}

/// The audit log, newest first, optionally only for one client; administrators only.
pub async fn audit_log(
    ctx: &Ctx,
    client_id: Option<i32>,
    page: u64,
) -> Result<AuditPage, AppError> {
    let admin = ctx.admin().await?;
    let mut select = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(admin.organization_id));
    if let Some(client_id) = client_id {
        admin.client(ctx.db(), client_id).await?;
        select = select.filter(audit_log::Column::Object.eq(format!("client:{client_id}")));
    }
    let paginator = select
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .paginate(ctx.db(), AUDIT_PER_PAGE);
    let pages = paginator.num_pages().await?.max(1);
    let page = page.clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await?;
    let names = Names::load(ctx.db(), admin.organization_id, &rows).await?;
    let rows = rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: names.describe(&r.actor),
            action: r.action,
            object: names.describe(&r.object),
            old_value: r.old_value,
            new_value: r.new_value,
        })
        .collect();
    Ok(AuditPage { rows, page, pages })
}

/// Display names for the `staff:N` and `client:N` labels on one audit page.
struct Names(std::collections::HashMap<String, String>);

impl Names {
    async fn load(
        db: &impl ConnectionTrait,
        organization_id: i32,
        rows: &[audit_log::Model],
    ) -> Result<Names, AppError> {
        let ids = |prefix: &str| -> Vec<i32> {
            rows.iter()
                .flat_map(|r| [&r.actor, &r.object])
                .filter_map(|label| label.strip_prefix(prefix)?.parse().ok())
                .collect()
        };
        let mut names = std::collections::HashMap::new();
        for s in staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(organization_id))
            .filter(staff_user::Column::Id.is_in(ids("staff:")))
            .all(db)
            .await?
        {
            names.insert(format!("staff:{}", s.id), s.name);
        }
        for c in client::Entity::find()
            .filter(client::Column::OrganizationId.eq(organization_id))
            .filter(client::Column::Id.is_in(ids("client:")))
            .all(db)
            .await?
        {
            names.insert(
                format!("client:{}", c.id),
                format!("{} {}", c.first_name, c.last_name),
            );
        }
        for c in client_contact::Entity::find()
            .filter(client_contact::Column::OrganizationId.eq(organization_id))
            .filter(client_contact::Column::Id.is_in(ids("contact:")))
            .all(db)
            .await?
        {
            names.insert(format!("contact:{}", c.id), format!("{} (contact)", c.name));
        }
        Ok(Names(names))
    }

    fn describe(&self, label: &str) -> String {
        self.0
            .get(label)
            .cloned()
            .unwrap_or_else(|| label.to_owned())
    }
}
