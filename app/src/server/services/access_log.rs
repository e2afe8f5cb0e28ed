//! The client's own access log in the portal ("Who has seen my information"): for the client's
//! own login and the contacts who currently have access, each staff view or change of the
//! client's record in the last twelve months (who, their role, what, when) and each sign-in to
//! the portal by the logins that act for the client (who, from which device, when). Read from the
//! audit log; never values, staff-only notes or IP addresses.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::access_log::{plain_words, AccessLog, AccessLogEntry, ACCESS_LOG_DAYS};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store::audit_names::staff_role;
use crate::server::store::entities::{
    audit_log, client, client_contact, portal_account, staff_user,
};
use crate::server::store::portal_recipients;
use crate::server::store::refs::Ref;

/// Lines of each part at the most.
const MAX_LINES: u64 = 200;

/// The access log of client `client_id`, for a portal login that acts for the client.
pub async fn view(ctx: &Ctx, client_id: i32, now: DateTime<Utc>) -> Result<AccessLog, AppError> {
    ctx.permit(client_id).await?;
    let db = ctx.db();
    let org = ctx.organization().await?;
    let tz = org.zone();
    let since = now - Duration::days(ACCESS_LOG_DAYS);
    let when = |at: DateTime<Utc>| {
        at.with_timezone(&tz)
            .format("%a %-d %b %Y, %H:%M %Z")
            .to_string()
    };
    let object = Ref::Client(client_id).to_string();
    let about_client = Condition::any()
        .add(audit_log::Column::Object.eq(object.clone()))
        .add(audit_log::Column::Object.starts_with(format!("{object} ")))
        .add(audit_log::Column::Object.starts_with(format!("{object}:")));
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(org.id))
        .filter(audit_log::Column::At.gte(since))
        .filter(audit_log::Column::Actor.starts_with("staff:"))
        .filter(about_client)
        .order_by_desc(audit_log::Column::Id)
        .limit(MAX_LINES)
        .all(db)
        .await?;
    let staff_ids: Vec<i32> = rows
        .iter()
        .filter_map(|r| match r.actor.parse::<Ref>() {
            Ok(Ref::Staff(id)) => Some(id),
            _ => None,
        })
        .collect();
    let staff: HashMap<String, String> = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(staff_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let who = format!("{}, {}", s.name, staff_role(&s));
            (Ref::Staff(s.id).to_string(), who)
        })
        .collect();
    let staff_lines = rows
        .iter()
        .filter_map(|r| {
            Some(AccessLogEntry {
                when: when(r.at),
                who: staff.get(&r.actor)?.clone(),
                what: plain_words(&r.action)?.to_owned(),
            })
        })
        .collect();

    // The logins that act for the client now: its own and its contacts' with live access.
    let logins = portal_recipients::recipients(db, &org, client_id, |_| true, now)
        .await?
        .logins;
    let names = login_names(ctx, &logins).await?;
    let actors: Vec<String> = logins
        .iter()
        .map(|l| Ref::Portal(l.id).to_string())
        .collect();
    let sign_ins = audit_log::Entity::find()
        .filter(audit_log::Column::OrganizationId.eq(org.id))
        .filter(audit_log::Column::At.gte(since))
        .filter(audit_log::Column::Action.eq("sign_in"))
        .filter(audit_log::Column::Actor.is_in(actors))
        .order_by_desc(audit_log::Column::Id)
        .limit(MAX_LINES)
        .all(db)
        .await?
        .into_iter()
        .map(|r| AccessLogEntry {
            when: when(r.at),
            who: names.get(&r.actor).cloned().unwrap_or_default(),
            what: match r.new_value {
                Some(device) => format!("Signed in from {device}"),
                None => "Signed in".to_owned(),
            },
        })
        .collect();
    let client_name = client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .map(|c| c.full_name())
        .unwrap_or_default();
    Ok(AccessLog {
        client_name,
        staff: staff_lines,
        sign_ins,
    })
}

/// "Jordan Lee, client" or "Alex Lee, contact" by login reference.
async fn login_names(
    ctx: &Ctx,
    logins: &[portal_account::Model],
) -> Result<HashMap<String, String>, AppError> {
    let db = ctx.db();
    let clients: HashMap<i32, String> = client::Entity::find()
        .filter(client::Column::Id.is_in(logins.iter().filter_map(|l| l.client_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name()))
        .collect();
    let contacts: HashMap<i32, String> = client_contact::Entity::find()
        .filter(client_contact::Column::Id.is_in(logins.iter().filter_map(|l| l.contact_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(logins
        .iter()
        .map(|l| {
            let who = match (l.client_id, l.contact_id) {
                (Some(id), _) => {
                    format!("{}, client", clients.get(&id).cloned().unwrap_or_default())
                }
                (_, Some(id)) => format!(
                    "{}, contact",
                    contacts.get(&id).cloned().unwrap_or_default()
                ),
                _ => l.email.clone(),
            };
            (Ref::Portal(l.id).to_string(), who)
        })
        .collect())
}
