//! "You have a new secure message" emails: a message that a participant has not read within
//! ten minutes is emailed to them once, with a link and nothing else (no content, no names, no
//! health information). Every server process runs [`notify_unread`] every minute; each message
//! is claimed by one process, so nobody gets the email twice. An email the mail server refuses
//! is tried again later ([`crate::server::mail::retry`]). The clock is a parameter, so the
//! rule is tested without waiting.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::mail::emails;
use crate::server::mail::retry::send_or_retry_later;
use crate::server::store::contacts::contact_access;
use crate::server::store::entities::{
    client_contact_link, client_staff, message, message_read, portal_account, staff_user,
};
use crate::server::store::organizations;
use crate::server::store::refs::Ref;
use crate::server::store::settings;
use crate::server::AppState;

/// How long a message may stay unread before its email goes out.
pub const NOTIFY_AFTER_MINUTES: i64 = 10;

/// One participant who may be emailed: their read key, address and where the link leads.
struct Recipient {
    key: String,
    email: String,
    path: String,
}

/// The participants of client `client_id`'s conversation who can read it now.
async fn recipients(
    db: &impl ConnectionTrait,
    organization_id: i32,
    client_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Recipient>, AppError> {
    let mut out = Vec::new();
    let staff_ids: Vec<i32> = client_staff::Entity::find()
        .filter(client_staff::Column::ClientId.eq(client_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    for s in staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(staff_ids))
        // Nobody deactivated is emailed about the practice's messages.
        .filter(staff_user::Column::DeactivatedAt.is_null())
        .all(db)
        .await?
    {
        out.push(Recipient {
            key: Ref::Staff(s.id).to_string(),
            email: s.email,
            path: format!("/admin/messages/{client_id}"),
        });
    }
    // Portal participants only while messaging is effective for the client.
    let org = organizations::get(db, organization_id).await?;
    let stored = settings::settings_of(db, &org).await?;
    let on = settings::effective_of_each(db, &stored, &[client_id])
        .await?
        .remove(&client_id)
        .unwrap_or_default();
    if !on.get(Setting::SecureMessaging) {
        return Ok(out);
    }
    let portal_path = format!("/portal/clients/{client_id}/messages");
    let own = portal_account::Entity::find()
        .filter(portal_account::Column::ClientId.eq(client_id))
        .all(db)
        .await?;
    let today = org.today(now);
    let mut contacts = Vec::new();
    if on.get(Setting::ContactAccess) {
        for link in client_contact_link::Entity::find()
            .filter(client_contact_link::Column::ClientId.eq(client_id))
            .all(db)
            .await?
        {
            let access = contact_access(&link);
            if access.is_live(today) && access.scopes.messages {
                contacts.push(link.contact_id);
            }
        }
    }
    let contact_accounts = portal_account::Entity::find()
        .filter(portal_account::Column::ContactId.is_in(contacts))
        .all(db)
        .await?;
    for account in own.into_iter().chain(contact_accounts) {
        out.push(Recipient {
            key: Ref::Portal(account.id).to_string(),
            email: account.email,
            path: portal_path.clone(),
        });
    }
    Ok(out)
}

/// Emails every participant who has not read a message within ten minutes of `now`, once per
/// message; returns how many emails went out.
pub async fn notify_unread(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let db = &state.db;
    let due = message::Entity::find()
        .filter(message::Column::NotifiedAt.is_null())
        .filter(message::Column::CreatedAt.lte(now - Duration::minutes(NOTIFY_AFTER_MINUTES)))
        .order_by_asc(message::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    // One email per person and conversation, however many messages wait.
    let mut emails: BTreeSet<(i32, String, String)> = BTreeSet::new();
    for m in due {
        let claimed = message::Entity::update_many()
            .col_expr(message::Column::NotifiedAt, Some(now).into())
            .filter(message::Column::Id.eq(m.id))
            .filter(message::Column::NotifiedAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue; // another process took it
        }
        for r in recipients(db, m.organization_id, m.client_id, now).await? {
            if r.key == m.sender_key {
                continue;
            }
            let read = message_read::Entity::find_by_id((m.client_id, r.key.clone()))
                .one(db)
                .await?
                .is_some_and(|p| p.last_read_id >= m.id);
            if !read {
                emails.insert((m.organization_id, r.email, r.path));
            }
        }
    }
    let sent = emails.len();
    for (organization_id, to, path) in emails {
        let link = state.mailer.link(&path);
        let email = emails::new_message(&link).to(organization_id, &to);
        // A mail server that refuses it now gets it again later (see `mail_retry`).
        if let Err(e) = send_or_retry_later(&state.mailer, db, email, now).await {
            tracing::warn!(error = %e, "a new-message email could not be sent or kept");
        }
    }
    Ok(sent)
}
