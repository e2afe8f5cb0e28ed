//! Organization → Outbox: the emails the app wrote instead of sending, for administrators.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::domain::organization::{OutboxPage, OutboxRow};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::entities::outbox;

/// Emails per page.
pub const OUTBOX_PER_PAGE: u64 = 20;

/// One page of the administrator's organization's outbox, newest first.
pub async fn list(ctx: &Ctx, page: u64) -> Result<OutboxPage, AppError> {
    let admin = ctx.admin().await?;
    let paginator = outbox::Entity::find()
        .filter(outbox::Column::OrganizationId.eq(admin.organization_id))
        .order_by_desc(outbox::Column::Id)
        .paginate(ctx.db(), OUTBOX_PER_PAGE);
    let pages = paginator.num_pages().await?.max(1);
    let page = page.clamp(1, pages);
    let rows = paginator
        .fetch_page(page - 1)
        .await?
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
        page,
        pages,
        smtp: ctx.state.mailer.uses_smtp(),
    })
}
