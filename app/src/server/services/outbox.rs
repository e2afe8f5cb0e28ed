//! Organization → Outbox: the emails the app wrote instead of sending, for administrators.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::organization::{OutboxPage, OutboxRow};
use crate::domain::paging::PageAt;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::entities::outbox;
use crate::server::store::paging::Keyset;

/// Emails per page.
pub const OUTBOX_PER_PAGE: u64 = 20;

/// The page starting `at` of the administrator's organization's outbox, newest first.
pub async fn list(ctx: &Ctx, at: PageAt) -> Result<OutboxPage, AppError> {
    let admin = ctx.admin().await?;
    let base =
        outbox::Entity::find().filter(outbox::Column::OrganizationId.eq(admin.organization_id));
    let (rows, paging) = Keyset::new(vec![outbox::Column::Id], true, OUTBOX_PER_PAGE)
        .page(ctx.db(), base, at)
        .await?;
    let rows = rows
        .into_iter()
        .map(|m| OutboxRow {
            id: m.id,
            at: m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
        })
        .collect();
    Ok(OutboxPage {
        rows,
        paging,
        smtp: ctx.state.mailer.uses_smtp(),
    })
}
