//! Organization → Payers (administrators): the payer directory with its review queue of
//! client-added payers; create, correct, deactivate, approve, and merge (every policy of the
//! merged payer moves to the other). Each change is audited with its old and new values.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::insurance::{payer_key, PayerDirectory, PayerInput, PayerRow, PayerStatus};
use crate::error::AppError;
use crate::server::access::actor::Staff;
use crate::server::access::context::Ctx;
use crate::server::store::entities::{insurance_policy, payer};
use crate::server::store::refs::Ref;
use crate::server::store::txn;
use crate::server::store::txn::is_unique_violation;

/// How many policies name each of the payers `ids`, in one query.
async fn policy_counts(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, u64>, AppError> {
    let rows: Vec<(i32, i64)> = insurance_policy::Entity::find()
        .select_only()
        .column(insurance_policy::Column::PayerId)
        .column_as(insurance_policy::Column::Id.count(), "policies")
        .filter(insurance_policy::Column::PayerId.is_in(ids))
        .group_by(insurance_policy::Column::PayerId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn to_row(p: payer::Model, policies: &HashMap<i32, u64>) -> PayerRow {
    PayerRow {
        policies: policies.get(&p.id).copied().unwrap_or(0),
        id: p.id,
        name: p.name,
        payer_code: p.payer_code,
        address: p.address,
        phone: p.phone,
        status: p.status,
        added_by_client: p.added_by_client,
        needs_review: p.needs_review,
    }
}

fn describe(p: &payer::Model) -> String {
    format!(
        "{} | id {} | {} | {} | {}{}",
        p.name,
        p.payer_code.as_deref().unwrap_or("-"),
        p.address.as_deref().unwrap_or("-"),
        p.phone.as_deref().unwrap_or("-"),
        p.status.key(),
        if p.needs_review { " (to review)" } else { "" }
    )
}

/// The directory: the review queue first, then every payer that was not merged away.
pub async fn directory(ctx: &Ctx) -> Result<PayerDirectory, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let rows = payer::Entity::find()
        .filter(payer::Column::OrganizationId.eq(admin.organization_id))
        .filter(payer::Column::Status.ne(PayerStatus::Merged))
        .order_by_asc(payer::Column::NameKey)
        .all(db)
        .await?;
    let policies = policy_counts(db, rows.iter().map(|p| p.id)).await?;
    let payers: Vec<PayerRow> = rows.into_iter().map(|p| to_row(p, &policies)).collect();
    Ok(PayerDirectory {
        review: payers.iter().filter(|p| p.needs_review).cloned().collect(),
        payers,
    })
}

/// The payer `id` of the administrator's organization, not merged away.
async fn own_payer(ctx: &Ctx, admin: &Staff, id: i32) -> Result<payer::Model, AppError> {
    payer::Entity::find_by_id(id)
        .filter(payer::Column::OrganizationId.eq(admin.organization_id))
        .filter(payer::Column::Status.ne(PayerStatus::Merged))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)
}

fn duplicate(name: &str) -> AppError {
    AppError::Conflict(format!(
        "A payer named like \"{name}\" is already in the directory. Merge into it instead."
    ))
}

/// Creates a payer (`payer_id` 0) or corrects one; correcting a payer in the review queue
/// also approves it.
pub async fn save(
    ctx: &Ctx,
    payer_id: i32,
    input: &PayerInput,
) -> Result<PayerDirectory, AppError> {
    let admin = ctx.admin().await?;
    let checked = input.validate()?;
    let key = payer_key(&checked.name);
    let db = ctx.db();
    let clash = payer::Entity::find()
        .filter(payer::Column::OrganizationId.eq(admin.organization_id))
        .filter(payer::Column::NameKey.eq(key.as_str()))
        .filter(payer::Column::Status.ne(PayerStatus::Merged))
        .filter(payer::Column::Id.ne(payer_id))
        .one(db)
        .await?;
    if clash.is_some() {
        return Err(duplicate(&checked.name));
    }
    let now = Utc::now();
    let (old, row) = match payer_id {
        0 => (
            None,
            payer::ActiveModel {
                id: NotSet,
                organization_id: Set(admin.organization_id),
                status: Set(PayerStatus::Active),
                added_by_client: Set(false),
                merged_into: Set(None),
                created_by: Set(Ref::Staff(admin.id).to_string()),
                created_at: Set(now),
                ..Default::default()
            },
        ),
        id => {
            let current = own_payer(ctx, admin, id).await?;
            (Some(describe(&current)), current.into())
        }
    };
    let mut row = row;
    row.name = Set(checked.name.clone());
    row.name_key = Set(key);
    row.payer_code = Set(checked.payer_code);
    row.address = Set(checked.address);
    row.phone = Set(checked.phone);
    row.needs_review = Set(false);
    row.updated_at = Set(now);
    let txn = txn::begin(db).await?;
    let saved = match payer_id {
        0 => row.insert(&*txn).await,
        _ => row.update(&*txn).await,
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(e) if is_unique_violation(&e) => return Err(duplicate(&checked.name)),
        Err(e) => return Err(e.into()),
    };
    let action = if old.is_some() {
        "payer.updated"
    } else {
        "payer.created"
    };
    let new = Some(describe(&saved));
    txn.commit_audited(ctx.entry(action, Ref::Payer(saved.id), old, new))
        .await?;
    directory(ctx).await
}

/// Deactivates (no longer offered for new policies; existing ones keep it) or reactivates.
pub async fn set_active(
    ctx: &Ctx,
    payer_id: i32,
    active: bool,
) -> Result<PayerDirectory, AppError> {
    let admin = ctx.admin().await?;
    let current = own_payer(ctx, admin, payer_id).await?;
    let old = describe(&current);
    let mut row: payer::ActiveModel = current.into();
    row.status = Set(if active {
        PayerStatus::Active
    } else {
        PayerStatus::Inactive
    });
    row.updated_at = Set(Utc::now());
    let action = if active {
        "payer.reactivated"
    } else {
        "payer.deactivated"
    };
    save_change(ctx, row, action, old).await?;
    directory(ctx).await
}

/// Approves a client-added payer as it is: it leaves the review queue.
pub async fn approve(ctx: &Ctx, payer_id: i32) -> Result<PayerDirectory, AppError> {
    let admin = ctx.admin().await?;
    let current = own_payer(ctx, admin, payer_id).await?;
    let old = describe(&current);
    let mut row: payer::ActiveModel = current.into();
    row.needs_review = Set(false);
    row.updated_at = Set(Utc::now());
    save_change(ctx, row, "payer.approved", old).await?;
    directory(ctx).await
}

/// Stores a change to an existing payer with its audit entry (`old` is its description before).
async fn save_change(
    ctx: &Ctx,
    row: payer::ActiveModel,
    action: &str,
    old: String,
) -> Result<(), AppError> {
    let txn = txn::begin(ctx.db()).await?;
    let saved = row.update(&*txn).await?;
    let entry = ctx.entry(
        action,
        Ref::Payer(saved.id),
        Some(old),
        Some(describe(&saved)),
    );
    Ok(txn.commit_audited(entry).await?)
}

/// Merges payer `from` into payer `into`: every policy moves, and `from` leaves the directory
/// (kept, marked merged, for the record).
pub async fn merge(ctx: &Ctx, from: i32, into: i32) -> Result<PayerDirectory, AppError> {
    let admin = ctx.admin().await?;
    if from == into {
        return Err(AppError::invalid(
            "into",
            "Choose another payer to merge into.",
        ));
    }
    let source = own_payer(ctx, admin, from).await?;
    let target = own_payer(ctx, admin, into).await?;
    let txn = txn::begin(ctx.db()).await?;
    let moved = insurance_policy::Entity::update_many()
        .col_expr(insurance_policy::Column::PayerId, into.into())
        .col_expr(insurance_policy::Column::UpdatedAt, Utc::now().into())
        .filter(insurance_policy::Column::PayerId.eq(from))
        .exec(&*txn)
        .await?
        .rows_affected;
    let old = describe(&source);
    let mut row: payer::ActiveModel = source.into();
    row.status = Set(PayerStatus::Merged);
    row.merged_into = Set(Some(into));
    row.needs_review = Set(false);
    row.updated_at = Set(Utc::now());
    row.update(&*txn).await?;
    txn.commit_audited(ctx.entry(
        "payer.merged",
        Ref::Payer(from),
        Some(old),
        Some(format!(
            "merged into payer:{into} ({}); {moved} polic{} moved",
            target.name,
            if moved == 1 { "y" } else { "ies" }
        )),
    ))
    .await?;
    directory(ctx).await
}
