//! Payments for staff: the payments list with filters and one payment with its receipt (staff
//! who see the client; refunds are in [`refunds`](super::refunds)), and the organization's Stripe keys
//! (administrators; sealed at rest and shown again only by their last four characters).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Set,
};

use crate::domain::payments::{
    last4, PaymentFilter, PaymentList, PaymentRow, PaymentStatus, StaffPayment, StripeKeysInput,
    StripeKeysView,
};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::processors::{random_id, sealed_place};
use crate::server::store;
use crate::server::store::clients::name_filter;
use crate::server::store::entities::{booking, client, payment, stripe_account};
use crate::server::store::organizations::zone;
use crate::server::store::paging::Keyset;
use crate::server::store::payments::receipt_of;
use crate::server::store::refs::Ref;
use crate::server::store::txn;

/// Rows per page of the payments list.
pub const PAGE_SIZE: u64 = 25;

/// The payments of the clients the caller sees, newest first, filtered.
pub async fn list(ctx: &Ctx, filter: &PaymentFilter) -> Result<PaymentList, AppError> {
    let staff = ctx.staff().await?;
    let checked = filter.validate()?;
    let db = ctx.db();
    let (tz, _) = zone(db, staff.organization_id).await?;
    let visible = {
        let base = Condition::all().add(client::Column::OrganizationId.eq(staff.organization_id));
        let named = match checked.q.as_str() {
            "" => base,
            q => name_filter(q, base.clone()).unwrap_or(base),
        };
        staff
            .visible_clients()
            .filter(named)
            .select_only()
            .column(client::Column::Id)
            .into_query()
    };
    let mut select = payment::Entity::find()
        .filter(payment::Column::OrganizationId.eq(staff.organization_id))
        .filter(payment::Column::ClientId.in_subquery(visible));
    if let Some(status) = checked.status {
        select = select.filter(payment::Column::Status.eq(status.key()));
    }
    if checked.refunded_only {
        select = select.filter(payment::Column::RefundedCents.gt(0));
    }
    let local_midnight = |date: chrono::NaiveDate| -> DateTime<Utc> {
        use chrono::TimeZone;
        tz.from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
    };
    if let Some(from) = checked.from {
        select = select.filter(payment::Column::CreatedAt.gte(local_midnight(from)));
    }
    if let Some(to) = checked.to {
        let next = to.succ_opt().unwrap_or(to);
        select = select.filter(payment::Column::CreatedAt.lt(local_midnight(next)));
    }
    let newest_first = Keyset::new(
        vec![payment::Column::CreatedAt, payment::Column::Id],
        true,
        PAGE_SIZE,
    );
    let (rows, paging) = newest_first.page(db, select, filter.at).await?;
    let clients = store::clients::by_ids(db, rows.iter().map(|r| r.client_id)).await?;
    let services: HashMap<i32, String> = booking::Entity::find()
        .filter(booking::Column::Id.is_in(rows.iter().map(|r| r.booking_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.service))
        .collect();
    let out = rows
        .into_iter()
        .map(|row| {
            let client_name = clients.get(&row.client_id).map(|c| c.full_name());
            let service = services.get(&row.booking_id).cloned();
            row_of(&tz, row, client_name, service)
        })
        .collect();
    Ok(PaymentList { rows: out, paging })
}

fn row_of(
    tz: &chrono_tz::Tz,
    row: payment::Model,
    client_name: Option<String>,
    service: Option<String>,
) -> PaymentRow {
    let (client_name, service) = (client_name.unwrap_or_default(), service.unwrap_or_default());
    PaymentRow {
        id: row.id,
        created: row
            .created_at
            .with_timezone(tz)
            .format("%-d %b %Y, %H:%M")
            .to_string(),
        client_id: row.client_id,
        client_name,
        service,
        amount_cents: row.amount_cents,
        refunded_cents: row.refunded_cents,
        status: row.status,
        card: row
            .card_brand
            .zip(row.card_last4)
            .map(|(brand, last4)| format!("{brand} •••• {last4}")),
        decline_reason: row.decline_reason,
    }
}

/// One payment, with its receipt once paid.
pub async fn detail(ctx: &Ctx, id: i32) -> Result<StaffPayment, AppError> {
    let staff = ctx.staff().await?;
    let row = ctx.visible_payment(staff, id).await?;
    let detail = Some(Ref::Payment(id).to_string());
    ctx.record_event("payment.viewed", Ref::Client(row.client_id), detail)
        .await?;
    let db = ctx.db();
    let (tz, _) = zone(db, staff.organization_id).await?;
    let receipt = match row.status {
        PaymentStatus::Succeeded => Some(receipt_of(db, &row).await?),
        _ => None,
    };
    let may_refund = staff.is_admin && receipt.as_ref().is_some_and(|r| r.refundable_cents() > 0);
    let client_name = client::Entity::find_by_id(row.client_id)
        .one(db)
        .await?
        .map(|c| c.full_name());
    let service = booking::Entity::find_by_id(row.booking_id)
        .one(db)
        .await?
        .map(|b| b.service);
    Ok(StaffPayment {
        row: row_of(&tz, row, client_name, service),
        receipt,
        may_refund,
        refund_key: random_id("ref_"),
    })
}

fn keys_view(row: &stripe_account::Model) -> StripeKeysView {
    StripeKeysView {
        secret_key_last4: row.secret_key_last4.clone(),
        publishable_key_last4: row.publishable_key_last4.clone(),
        webhook_secret_last4: row.webhook_secret_last4.clone(),
        updated: row.updated_at.format("%-d %b %Y").to_string(),
        webhook_path: format!("/webhooks/stripe/{}", row.organization_id),
    }
}

/// What administrators may see of the saved Stripe keys.
pub async fn stripe_keys(ctx: &Ctx) -> Result<Option<StripeKeysView>, AppError> {
    let admin = ctx.admin().await?;
    Ok(stripe_account::Entity::find_by_id(admin.organization_id)
        .one(ctx.db())
        .await?
        .as_ref()
        .map(keys_view))
}

/// Saves (replaces) the Stripe keys, sealed; the audit log gets their last four characters.
pub async fn save_stripe_keys(
    ctx: &Ctx,
    input: &StripeKeysInput,
) -> Result<StripeKeysView, AppError> {
    let admin = ctx.admin().await?;
    let keys = input.validate()?;
    let secrets = &ctx.state.payments.secrets;
    let db = ctx.db();
    let existing = stripe_account::Entity::find_by_id(admin.organization_id)
        .one(db)
        .await?;
    let seal = |plain: &str, column: &str| {
        secrets.seal(plain, &sealed_place(admin.organization_id, column))
    };
    let row = stripe_account::ActiveModel {
        organization_id: Set(admin.organization_id),
        secret_key_sealed: Set(seal(&keys.secret_key, "secret_key")),
        secret_key_last4: Set(last4(&keys.secret_key)),
        publishable_key_sealed: Set(seal(&keys.publishable_key, "publishable_key")),
        publishable_key_last4: Set(last4(&keys.publishable_key)),
        webhook_secret_sealed: Set(seal(&keys.webhook_secret, "webhook_secret")),
        webhook_secret_last4: Set(last4(&keys.webhook_secret)),
        updated_at: Set(Utc::now()),
    };
    let txn = txn::begin(db).await?;
    let saved = match &existing {
        Some(_) => row.update(&*txn).await?,
        None => row.insert(&*txn).await?,
    };
    let view = keys_view(&saved);
    let describe = |v: &StripeKeysView| {
        format!(
            "secret …{} publishable …{} webhook …{}",
            v.secret_key_last4, v.publishable_key_last4, v.webhook_secret_last4
        )
    };
    let old = existing.as_ref().map(|e| describe(&keys_view(e)));
    let entry = ctx.entry(
        "organization.stripe_keys",
        "organization",
        old,
        Some(describe(&view)),
    );
    txn.commit_audited(entry).await?;
    Ok(view)
}
