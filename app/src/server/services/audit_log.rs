//! The audit log as administrators read it: newest first, optionally for one client, with the
//! staff members, clients and contacts it refers to named.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::organization::{AuditPage, AuditRow};
use crate::domain::paging::PageAt;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::entities::{audit_log, client, client_contact, staff_user};
use crate::server::store::paging::Keyset;
use crate::server::store::refs::Ref;

/// Audit rows per page.
pub const AUDIT_PER_PAGE: u64 = 50;

/// The audit log, newest first, optionally only for one client; administrators only.
pub async fn audit_log(
    ctx: &Ctx,
    client_id: Option<i32>,
    at: PageAt,
) -> Result<AuditPage, AppError> {
    let admin = ctx.admin().await?;
    let mut select = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(admin.organization_id));
    if let Some(client_id) = client_id {
        ctx.admin_client(client_id).await?;
        select = select.filter(audit_log::Column::Object.eq(Ref::Client(client_id)));
    }
    let newest_first = Keyset::new(
        vec![audit_log::Column::At, audit_log::Column::Id],
        true,
        AUDIT_PER_PAGE,
    );
    let (rows, paging) = newest_first.page(ctx.db(), select, at).await?;
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
    Ok(AuditPage { rows, paging })
}

/// Display names for the staff, client and contact references on one audit page.
struct Names(HashMap<Ref, String>);

impl Names {
    async fn load(
        db: &impl ConnectionTrait,
        organization_id: i32,
        rows: &[audit_log::Model],
    ) -> Result<Names, AppError> {
        let refs: Vec<Ref> = rows
            .iter()
            .flat_map(|r| [&r.actor, &r.object])
            .filter_map(|label| label.parse().ok())
            .collect();
        let ids = |kind: fn(i32) -> Ref| -> Vec<i32> {
            refs.iter()
                .filter(|r| kind(r.id()) == **r)
                .map(|r| r.id())
                .collect()
        };
        let mut names = HashMap::new();
        for s in staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(organization_id))
            .filter(staff_user::Column::Id.is_in(ids(Ref::Staff)))
            .all(db)
            .await?
        {
            names.insert(Ref::Staff(s.id), s.name);
        }
        for c in client::Entity::find()
            .filter(client::Column::OrganizationId.eq(organization_id))
            .filter(client::Column::Id.is_in(ids(Ref::Client)))
            .all(db)
            .await?
        {
            names.insert(Ref::Client(c.id), c.full_name());
        }
        for c in client_contact::Entity::find()
            .filter(client_contact::Column::OrganizationId.eq(organization_id))
            .filter(client_contact::Column::Id.is_in(ids(Ref::Contact)))
            .all(db)
            .await?
        {
            names.insert(Ref::Contact(c.id), format!("{} (contact)", c.name));
        }
        Ok(Names(names))
    }

    /// The name behind a stored reference, or the stored text itself.
    fn describe(&self, label: &str) -> String {
        label
            .parse::<Ref>()
            .ok()
            .and_then(|r| self.0.get(&r).cloned())
            .unwrap_or_else(|| label.to_owned())
    }
}
