//! The audit log as administrators read it: narrowed by client (every record of that client),
//! person, kind of action and days; newest first in pages, or whole and oldest first as a CSV
//! export streamed in chunks for an audit. Names are resolved when shown; entries keep their ids.

use chrono::{NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoTableRef, Query, TableRef};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::audit::{
    action_label, csv_line, ActionMatch, AuditFilter, AuditPage, AuditRow, PersonChoice, CSV_HEADER,
};
use crate::domain::paging::PageAt;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::audit_names::{staff_role, AuditNames};
use crate::server::store::entities::{
    appointment_series, audit_log, booking, client_contact_link, organization, payment,
    portal_account, sent_form, staff_user,
};
use crate::server::store::paging::Keyset;
use crate::server::store::refs::Ref;

/// Audit rows per page.
pub const AUDIT_PER_PAGE: u64 = 50;
/// Rows read per chunk of the CSV export.
pub const EXPORT_CHUNK: u64 = 500;

/// Entries about client `client_id`: the client itself and its areas, and its appointments,
/// series, payments, forms and contacts; and what the client's own login did. Each kind of
/// record is matched by its stored reference built in SQL (`'booking:' || "id"`) from the rows
/// whose `client_id` is the client's.
fn about_client(client_id: i32) -> Condition {
    let references = |table: TableRef, reference: &str| {
        Query::select()
            .expr(Expr::cust(reference.to_owned()))
            .from(table)
            .and_where(Expr::col(Alias::new("client_id")).eq(client_id))
            .to_owned()
    };
    let records = [
        (booking::Entity.into_table_ref(), r#"'booking:' || "id""#),
        (
            appointment_series::Entity.into_table_ref(),
            r#"'series:' || "id""#,
        ),
        (payment::Entity.into_table_ref(), r#"'payment:' || "id""#),
        (
            payment::Entity.into_table_ref(),
            r#"'payment:' || "id" || ' booking:' || "booking_id""#,
        ),
        (
            sent_form::Entity.into_table_ref(),
            r#"'sent_form:' || "id""#,
        ),
        (
            client_contact_link::Entity.into_table_ref(),
            r#"'contact:' || "contact_id""#,
        ),
    ];
    let object = Ref::Client(client_id).to_string();
    let mut about = Condition::any()
        .add(audit_log::Column::Object.eq(object.clone()))
        .add(audit_log::Column::Object.starts_with(format!("{object} ")))
        .add(audit_log::Column::Object.starts_with(format!("{object}:")));
    for (table, reference) in records {
        about = about.add(audit_log::Column::Object.in_subquery(references(table, reference)));
    }
    let own_login = references(
        portal_account::Entity.into_table_ref(),
        r#"'portal:' || "id""#,
    );
    about.add(audit_log::Column::Actor.in_subquery(own_login))
}

/// The first instant of local day `day` in `tz`.
fn start_of(tz: chrono_tz::Tz, day: NaiveDate) -> chrono::DateTime<Utc> {
    day.and_time(NaiveTime::MIN)
        .and_local_timezone(tz)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

/// The entries of `org` that `filter` selects (an administrator's client filter is checked).
async fn selected(
    ctx: &Ctx,
    org: &organization::Model,
    filter: &AuditFilter,
) -> Result<Condition, AppError> {
    let checked = filter.check()?;
    let mut condition = Condition::all().add(audit_log::Column::OrganizationId.eq(org.id));
    if let Some(client_id) = checked.client {
        ctx.admin_client(client_id).await?;
        condition = condition.add(about_client(client_id));
    }
    if let Some(person) = checked.person {
        condition = condition.add(audit_log::Column::Actor.eq(person));
    }
    if let Some(kind) = checked.kind {
        let any = kind.matchers().iter().fold(Condition::any(), |any, m| {
            any.add(match *m {
                ActionMatch::Exact(a) => audit_log::Column::Action.eq(a),
                ActionMatch::Prefix(p) => audit_log::Column::Action.starts_with(p),
                ActionMatch::Suffix(s) => audit_log::Column::Action.ends_with(s),
            })
        });
        condition = condition.add(any);
    }
    let tz = org.zone();
    if let Some(from) = checked.from {
        condition = condition.add(audit_log::Column::At.gte(start_of(tz, from)));
    }
    if let Some(to) = checked.to {
        let next = to.succ_opt().unwrap_or(to);
        condition = condition.add(audit_log::Column::At.lt(start_of(tz, next)));
    }
    Ok(condition)
}

/// One entry as the page and the export show it.
fn row(names: &AuditNames, tz: chrono_tz::Tz, r: audit_log::Model) -> AuditRow {
    let (object, client_id) = names.object(&r.object);
    AuditRow {
        id: r.id,
        at_utc: r.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        at: r
            .at
            .with_timezone(&tz)
            .format("%a %-d %b %Y, %H:%M:%S %Z")
            .to_string(),
        actor: names.person(&r.actor),
        actor_ref: r.actor,
        action_label: action_label(&r.action),
        action: r.action,
        object,
        client_id,
        old_value: r.old_value,
        new_value: r.new_value,
    }
}

/// One page of the filtered audit log, newest first; administrators only.
pub async fn audit_log(ctx: &Ctx, filter: AuditFilter, at: PageAt) -> Result<AuditPage, AppError> {
    ctx.admin().await?;
    let org = ctx.organization().await?;
    let condition = selected(ctx, &org, &filter).await?;
    let newest_first = Keyset::new(
        vec![audit_log::Column::At, audit_log::Column::Id],
        true,
        AUDIT_PER_PAGE,
    );
    let db = ctx.db();
    let (rows, paging) = newest_first
        .page(db, audit_log::Entity::find().filter(condition), at)
        .await?;
    let client_ref = filter.client.map(|c| Ref::Client(c).to_string());
    let texts = rows
        .iter()
        .flat_map(|r| [r.actor.as_str(), r.object.as_str()])
        .chain([filter.person.as_str()])
        .chain(client_ref.as_deref());
    let tz = org.zone();
    let names = AuditNames::load(db, org.id, tz, texts).await?;
    let mut people: Vec<PersonChoice> = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(org.id))
        .order_by_asc(staff_user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| PersonChoice {
            reference: Ref::Staff(s.id).to_string(),
            label: match s.deactivated_at {
                Some(_) => format!("{}, {} (deactivated)", s.name, staff_role(&s)),
                None => format!("{}, {}", s.name, staff_role(&s)),
            },
        })
        .collect();
    if !filter.person.is_empty() && !people.iter().any(|p| p.reference == filter.person) {
        people.insert(
            0,
            PersonChoice {
                reference: filter.person.clone(),
                label: names.person(&filter.person),
            },
        );
    }
    let client_name = client_ref.map(|c| names.object(&c).0);
    Ok(AuditPage {
        rows: rows.into_iter().map(|r| row(&names, tz, r)).collect(),
        paging,
        people,
        client_name,
    })
}

/// A CSV export of the filtered audit log under way: oldest first, read in chunks of
/// [`EXPORT_CHUNK`], so an export of any size holds one chunk in memory.
pub struct AuditExport {
    db: DatabaseConnection,
    organization_id: i32,
    tz: chrono_tz::Tz,
    condition: Condition,
    after: Option<i64>,
    done: bool,
}

/// Starts an export of the filtered audit log (administrators only); the export is audited
/// with its filter.
pub async fn export(ctx: &Ctx, filter: AuditFilter) -> Result<AuditExport, AppError> {
    ctx.admin().await?;
    let org = ctx.organization().await?;
    let condition = selected(ctx, &org, &filter).await?;
    let query = filter.query();
    ctx.record_event(
        "audit_log.exported",
        "organization",
        Some(if query.is_empty() {
            "all".into()
        } else {
            query
        }),
    )
    .await?;
    Ok(AuditExport {
        db: ctx.db().clone(),
        organization_id: org.id,
        tz: org.zone(),
        condition,
        after: None,
        done: false,
    })
}

impl AuditExport {
    /// The next piece of the file (the header line first), or `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<String>, AppError> {
        if self.done {
            return Ok(None);
        }
        let mut text = match self.after {
            None => csv_line(&CSV_HEADER),
            Some(_) => String::new(),
        };
        let rows = audit_log::Entity::find()
            .filter(self.condition.clone())
            .filter(audit_log::Column::Id.gt(self.after.unwrap_or(0)))
            .order_by_asc(audit_log::Column::Id)
            .limit(EXPORT_CHUNK)
            .all(&self.db)
            .await?;
        self.done = (rows.len() as u64) < EXPORT_CHUNK;
        self.after = rows.last().map(|r| r.id).or(Some(self.after.unwrap_or(0)));
        let texts = rows
            .iter()
            .flat_map(|r| [r.actor.as_str(), r.object.as_str()]);
        let names = AuditNames::load(&self.db, self.organization_id, self.tz, texts).await?;
        for r in rows {
            let (ip, object_ref) = (r.ip.clone().unwrap_or_default(), r.object.clone());
            let shown = row(&names, self.tz, r);
            text.push_str(&csv_line(&[
                shown.id.to_string(),
                shown.at_utc,
                shown.at,
                shown.actor,
                shown.actor_ref,
                shown.action,
                shown.action_label,
                shown.object,
                object_ref,
                shown.old_value.unwrap_or_default(),
                shown.new_value.unwrap_or_default(),
                ip,
            ]));
        }
        Ok(if text.is_empty() { None } else { Some(text) })
    }
}
