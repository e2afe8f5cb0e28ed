//! Organization → Locations (administrators): the practice's locations, adding and editing one,
//! and archiving instead of deleting, so that past appointments and forms keep their place
//! while nothing new is offered there. Every change is audited with its old and new values.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};

use crate::domain::location::{LocationInput, LocationRow};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::store::entities::location;
use crate::server::store::txn;

/// Every location of the administrator's organization, active ones first, by name.
pub async fn list(ctx: &Ctx) -> Result<Vec<LocationRow>, AppError> {
    let admin = ctx.admin().await?;
    let mut rows: Vec<LocationRow> = location::Entity::find()
        .filter(location::Column::OrganizationId.eq(admin.organization_id))
        .order_by_asc(location::Column::Name)
        .order_by_asc(location::Column::Id)
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|l| LocationRow {
            id: l.id,
            archived: l.archived_at.is_some(),
            name: l.name,
            street: l.street,
            city: l.city,
            state: l.state,
            postal_code: l.postal_code,
            phone: l.phone,
            address: l.address,
        })
        .collect();
    rows.sort_by_key(|r| r.archived);
    Ok(rows)
}

/// A location of the administrator's organization, or 404 (audited).
async fn find(ctx: &Ctx, admin: &Staff, id: i32) -> Result<location::Model, AppError> {
    let found = location::Entity::find_by_id(id)
        .filter(location::Column::OrganizationId.eq(admin.organization_id))
        .one(ctx.db())
        .await?;
    match found {
        Some(row) => Ok(row),
        None => Err(ctx.deny(format!("location:{id}"), AppError::NotFound).await),
    }
}

/// Adds a location (`location_id` 0) or changes one; returns its id.
pub async fn save(ctx: &Ctx, location_id: i32, input: &LocationInput) -> Result<i32, AppError> {
    let admin = ctx.admin().await?;
    let valid = input.validate()?;
    let existing = match location_id {
        0 => None,
        id => Some(find(ctx, admin, id).await?),
    };
    let old = existing.as_ref().map(describe);
    let mut row = match existing {
        Some(row) => row.into(),
        None => location::ActiveModel {
            id: NotSet,
            organization_id: Set(admin.organization_id),
            telehealth: Set(false),
            archived_at: Set(None),
            ..Default::default()
        },
    };
    row.address = Set(valid.address());
    row.name = Set(valid.name);
    row.street = Set(valid.street);
    row.city = Set(valid.city);
    row.state = Set(valid.state);
    row.postal_code = Set(valid.postal_code);
    row.phone = Set(valid.phone);
    let txn = txn::begin(ctx.db()).await?;
    let (saved, action) = match old {
        Some(_) => (row.update(&*txn).await?, "location.updated"),
        None => (row.insert(&*txn).await?, "location.created"),
    };
    txn.commit_audited(ctx.entry(
        action,
        format!("location:{}", saved.id),
        old,
        Some(describe(&saved)),
    ))
    .await?;
    Ok(saved.id)
}

fn describe(row: &location::Model) -> String {
    match row.phone.as_str() {
        "" => format!("{}, {}", row.name, row.address),
        phone => format!("{}, {}, {phone}", row.name, row.address),
    }
}

/// Archives a location (no longer offered for new appointments or forms) or restores it.
pub async fn set_archived(ctx: &Ctx, location_id: i32, archived: bool) -> Result<(), AppError> {
    let admin = ctx.admin().await?;
    let row = find(ctx, admin, location_id).await?;
    if row.archived_at.is_some() == archived {
        return Err(AppError::Conflict(format!(
            "{} is already {}.",
            row.name,
            if archived { "archived" } else { "active" }
        )));
    }
    let txn = txn::begin(ctx.db()).await?;
    let mut active: location::ActiveModel = row.clone().into();
    active.archived_at = Set(archived.then(Utc::now));
    active.update(&*txn).await?;
    let action = match archived {
        true => "location.archived",
        false => "location.restored",
    };
    txn.commit_audited(ctx.entry(action, format!("location:{}", row.id), None, None))
        .await?;
    Ok(())
}
