//! Billing & Insurance Info: a client's policies, for staff who see the client (always) and in
//! the portal (while Display Insurance Info is effective, for a contact with the forms or the
//! payments scope), and payers added by clients (while Allow Clients to Add New Insurance Payers
//! is effective). Every change is audited with its old and new values; nothing is ever deleted
//! when a setting is turned off.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::domain::insurance::{
    payer_key, InsuranceView, PayerChoice, PayerOption, PayerStatus, PolicyInput, PolicyView,
    MAX_CLIENT_PAYERS_PER_DAY, NEW_PAYER,
};
use crate::error::AppError;
use crate::server::access::actor::Actor;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::store::audit::Entry;
use crate::server::store::entities::{client, insurance_policy, payer};
use crate::server::store::organizations::zone;
use crate::server::store::refs::Ref;
use crate::server::store::txn;
use crate::server::store::txn::is_unique_violation;

/// How the caller reaches the client's insurance.
enum Access {
    Staff,
    Portal { add_payers: bool },
}

async fn access(ctx: &Ctx, client_id: i32) -> Result<(client::Model, Access), AppError> {
    match &ctx.actor {
        Some(Actor::Staff(_)) => Ok((ctx.staff_client(client_id).await?.1, Access::Staff)),
        Some(Actor::Portal(_)) => {
            let abilities = ctx
                .permit_for(client_id, Ability::Insurance)
                .await?
                .abilities;
            let client = client::Entity::find_by_id(client_id)
                .one(ctx.db())
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((
                client,
                Access::Portal {
                    add_payers: abilities.add_payers,
                },
            ))
        }
        None => Err(AppError::Unauthenticated),
    }
}

async fn policies_of(
    db: &impl ConnectionTrait,
    client_id: i32,
) -> Result<Vec<PolicyView>, AppError> {
    let rows = insurance_policy::Entity::find()
        .filter(insurance_policy::Column::ClientId.eq(client_id))
        .order_by_asc(insurance_policy::Column::EffectiveOn)
        .order_by_asc(insurance_policy::Column::Id)
        .all(db)
        .await?;
    let payers: HashMap<i32, String> = payer::Entity::find()
        .filter(payer::Column::Id.is_in(rows.iter().map(|r| r.payer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let payer_name = payers.get(&row.payer_id).cloned().unwrap_or_default();
        out.push(PolicyView {
            id: row.id,
            payer_id: row.payer_id,
            payer_name,
            member_id: row.member_id,
            group_number: row.group_number,
            subscriber_name: row.subscriber_name,
            subscriber_dob: row.subscriber_dob,
            relationship: row.relationship,
            rank: row.rank,
            effective_on: row.effective_on,
            terminates_on: row.terminates_on,
        });
    }
    Ok(out)
}

/// The payers a client's pickers offer: the organization's active payers that staff have
/// reviewed, and those this client added that still await review (private to them).
fn offered_to(client: &client::Model) -> Condition {
    Condition::all()
        .add(payer::Column::OrganizationId.eq(client.organization_id))
        .add(payer::Column::Status.eq(PayerStatus::Active))
        .add(
            Condition::any()
                .add(payer::Column::NeedsReview.eq(false))
                .add(payer::Column::AddedForClientId.eq(client.id)),
        )
}

/// The payers offered to `client`, by name, for the picker.
pub async fn payer_options(
    db: &impl ConnectionTrait,
    client: &client::Model,
) -> Result<Vec<PayerOption>, AppError> {
    Ok(payer::Entity::find()
        .filter(offered_to(client))
        .order_by_asc(payer::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PayerOption {
            id: p.id,
            name: p.name,
            payer_code: p.payer_code,
        })
        .collect())
}

/// The client's policies and the payers to choose from.
pub async fn view(ctx: &Ctx, client_id: i32) -> Result<InsuranceView, AppError> {
    let (client, access) = access(ctx, client_id).await?;
    let db = ctx.db();
    if matches!(access, Access::Staff) {
        ctx.record_event("insurance.viewed", Ref::Client(client_id), None)
            .await?;
    }
    Ok(InsuranceView {
        client_name: client.full_name(),
        policies: policies_of(db, client_id).await?,
        payers: payer_options(db, &client).await?,
        may_add_payers: matches!(access, Access::Portal { add_payers: true }),
    })
}

/// A policy's values for the audit log.
fn row_summary(row: &insurance_policy::Model) -> String {
    format!(
        "payer:{} member:{} group:{} subscriber:{} born {} relationship:{} rank:{} {}..{}",
        row.payer_id,
        row.member_id,
        row.group_number.as_deref().unwrap_or("-"),
        row.subscriber_name,
        row.subscriber_dob,
        row.relationship.key(),
        row.rank.key(),
        row.effective_on,
        row.terminates_on.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Adds (`policy_id` 0) or updates one of the client's policies; with a new payer when the
/// caller may add payers.
pub async fn save_policy(
    ctx: &Ctx,
    client_id: i32,
    policy_id: i32,
    input: &PolicyInput,
    now: DateTime<Utc>,
) -> Result<InsuranceView, AppError> {
    let (client, access) = access(ctx, client_id).await?;
    let db = ctx.db();
    // Dates of birth are checked against today in the practice's time zone.
    let (tz, _) = zone(db, client.organization_id).await?;
    let today = now.with_timezone(&tz).date_naive();
    // Adding a payer needs the setting whatever else is wrong with the form.
    if input.payer.trim() == NEW_PAYER && !matches!(access, Access::Portal { add_payers: true }) {
        return Err(ctx
            .deny(
                Ref::Client(client_id).area("add_payers"),
                AppError::Forbidden,
            )
            .await);
    }
    // The rank check reads the client's other policies: it and the write run in one
    // transaction that holds the client's row (FOR UPDATE on PostgreSQL; SQLite has one writer),
    // so two simultaneous saves cannot both take one rank.
    let txn = txn::begin(db).await?;
    let mut entries = Vec::new();
    client::Entity::find_by_id(client_id)
        .lock_exclusive()
        .one(&*txn)
        .await?;
    let existing = policies_of(&*txn, client_id).await?;
    let editing = match policy_id {
        0 => None,
        id => Some(
            existing
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
    };
    let others: Vec<_> = existing
        .iter()
        .filter(|p| Some(p.id) != editing.as_ref().map(|e| e.id))
        .map(PolicyView::period)
        .collect();
    let checked = input.validate(today, &others)?;
    let actor = ctx.actor_label();
    let payer_id = match &checked.payer {
        PayerChoice::Existing(id) => {
            // An offered payer, or the one the edited policy already names.
            let kept = editing.as_ref().map(|e| e.payer_id);
            let usable = payer::Entity::find_by_id(*id)
                .filter(payer::Column::OrganizationId.eq(client.organization_id))
                .filter(
                    Condition::any()
                        .add(offered_to(&client))
                        .add(payer::Column::Id.eq(kept.unwrap_or(0))),
                )
                .one(&*txn)
                .await?;
            match usable {
                Some(p) => p.id,
                None => {
                    return Err(AppError::invalid(
                        "payer",
                        "Choose the insurance payer from the list.",
                    ))
                }
            }
        }
        PayerChoice::New { name, phone } => {
            let (id, added) =
                add_client_payer(ctx, &txn, &client, name, phone.as_deref(), now).await?;
            entries.extend(added);
            id
        }
    };
    let row = insurance_policy::ActiveModel {
        id: editing.as_ref().map(|e| Set(e.id)).unwrap_or(NotSet),
        organization_id: Set(client.organization_id),
        client_id: Set(client_id),
        payer_id: Set(payer_id),
        member_id: Set(checked.member_id.clone()),
        group_number: Set(checked.group_number.clone()),
        subscriber_name: Set(checked.subscriber_name.clone()),
        subscriber_dob: Set(checked.subscriber_dob),
        relationship: Set(checked.relationship),
        rank: Set(checked.rank),
        effective_on: Set(checked.effective_on),
        terminates_on: Set(checked.terminates_on),
        updated_by: Set(actor),
        created_at: if editing.is_some() { NotSet } else { Set(now) },
        updated_at: Set(now),
    };
    let (saved, old) = match &editing {
        Some(e) => {
            let old = insurance_policy::Entity::find_by_id(e.id)
                .one(&*txn)
                .await?
                .map(|r| row_summary(&r));
            (row.update(&*txn).await?, old)
        }
        None => (row.insert(&*txn).await?, None),
    };
    let action = if editing.is_some() {
        "insurance.policy.updated"
    } else {
        "insurance.policy.added"
    };
    let object = Ref::Client(client_id).and(Ref::Policy(saved.id));
    entries.push(ctx.entry(action, object, old, Some(row_summary(&saved))));
    txn.commit_audited_all(entries).await?;
    view(ctx, client_id).await
}

/// The payer named `name`, found by its normalised name (so "Blue Cross " and "blue cross"
/// are one), or added as a client-added payer awaiting review, private to `client` until staff
/// approve it, with the audit entry of the addition to commit with the policy. Usable at once
/// either way. A client adds at most [`MAX_CLIENT_PAYERS_PER_DAY`] payers a day; the caller
/// holds the client's row, so the count cannot be raced.
async fn add_client_payer(
    ctx: &Ctx,
    db: &DatabaseTransaction,
    client: &client::Model,
    name: &str,
    phone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(i32, Option<Entry>), AppError> {
    let organization_id = client.organization_id;
    let key = payer_key(name);
    let find = || async {
        payer::Entity::find()
            .filter(payer::Column::OrganizationId.eq(organization_id))
            .filter(payer::Column::NameKey.eq(key.as_str()))
            .filter(payer::Column::Status.ne(PayerStatus::Merged))
            .one(db)
            .await
    };
    if let Some(existing) = find().await? {
        return Ok((existing.id, None));
    }
    let added_today = payer::Entity::find()
        .filter(payer::Column::AddedForClientId.eq(client.id))
        .filter(payer::Column::CreatedAt.gt(now - chrono::Duration::hours(24)))
        .count(db)
        .await?;
    if added_today >= MAX_CLIENT_PAYERS_PER_DAY {
        return Err(AppError::TooFrequent(format!(
            "{MAX_CLIENT_PAYERS_PER_DAY} new insurance payers have been added for this client \
             today. Please choose one from the list, or ask the practice to add it."
        )));
    }
    // In a savepoint: on PostgreSQL a refused insert would otherwise abort the transaction.
    let savepoint = db.begin().await?;
    let inserted = payer::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        name: Set(name.to_owned()),
        name_key: Set(key.clone()),
        payer_code: Set(None),
        address: Set(None),
        phone: Set(phone.map(str::to_owned)),
        status: Set(PayerStatus::Active),
        added_by_client: Set(true),
        needs_review: Set(true),
        merged_into: Set(None),
        added_for_client_id: Set(Some(client.id)),
        created_by: Set(ctx.actor_label()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(row) => {
            savepoint.commit().await?;
            let added = format!("{} {}", row.name, row.phone.unwrap_or_default());
            let entry = ctx.entry(
                "payer.added_by_client",
                Ref::Payer(row.id),
                None,
                Some(added),
            );
            Ok((row.id, Some(entry)))
        }
        Err(e) if is_unique_violation(&e) => {
            savepoint.rollback().await?;
            find()
                .await?
                .map(|p| (p.id, None))
                .ok_or_else(|| AppError::internal("a payer refused as a duplicate is not found"))
        }
        Err(e) => Err(e.into()),
    }
}
