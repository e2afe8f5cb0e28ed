//! Names for the references stored in audit entries, resolved when the log is read: people with
//! their role ("Taylor Brooks, therapist"; "Alex Lee, contact of Jordan Lee") and objects by
//! name ("Jordan Lee's insurance policy, Aetna"). The entries keep their stable ids; this only
//! reads. One query per kind of record, whatever the number of entries.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::server::store::entities::{
    appointment_series, booking, client, client_contact, client_contact_link, form_template,
    form_template_version, insurance_policy, payer, payment, portal_account, sent_form, staff_user,
};
use crate::server::store::refs::Ref;

/// A staff member's role in words.
pub fn staff_role(staff: &staff_user::Model) -> &'static str {
    match (staff.is_admin, staff.is_therapist) {
        (true, true) => "administrator and therapist",
        (true, false) => "administrator",
        (false, true) => "therapist",
        (false, false) => "staff",
    }
}

/// `client:3`, `client:3:payments`: a reference and the area of it, if any.
fn token(text: &str) -> Option<(Ref, Option<&str>)> {
    let mut parts = text.splitn(3, ':');
    let (kind, id, area) = (parts.next()?, parts.next()?, parts.next());
    Some((format!("{kind}:{id}").parse().ok()?, area))
}

/// Every reference in stored actor and object texts.
fn refs_in<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<Ref> {
    texts
        .flat_map(str::split_whitespace)
        .filter_map(|t| token(t).map(|(r, _)| r))
        .collect()
}

/// The names behind the references of some audit entries.
#[derive(Default)]
pub struct AuditNames {
    tz: Option<chrono_tz::Tz>,
    staff: HashMap<i32, String>,
    clients: HashMap<i32, String>,
    /// Contact id → name and the clients they are a contact of.
    contacts: HashMap<i32, (String, Vec<i32>)>,
    /// Login id → its client or its contact.
    logins: HashMap<i32, (Option<i32>, Option<i32>)>,
    bookings: HashMap<i32, (i32, DateTime<Utc>)>,
    payments: HashMap<i32, (i32, String)>,
    policies: HashMap<i32, (i32, i32)>,
    payers: HashMap<i32, String>,
    series: HashMap<i32, i32>,
    sent_forms: HashMap<i32, (i32, i32)>,
    templates: HashMap<i32, String>,
}

impl AuditNames {
    /// Loads the names of every reference in `texts` (actors and objects) within organization
    /// `organization_id`; times read in `tz`.
    pub async fn load<'a>(
        db: &impl ConnectionTrait,
        organization_id: i32,
        tz: chrono_tz::Tz,
        texts: impl Iterator<Item = &'a str>,
    ) -> Result<AuditNames, AppError> {
        let refs = refs_in(texts);
        let ids = |kind: fn(i32) -> Ref| -> Vec<i32> {
            refs.iter()
                .filter(|r| kind(r.id()) == **r)
                .map(|r| r.id())
                .collect()
        };
        let mut names = AuditNames {
            tz: Some(tz),
            ..AuditNames::default()
        };
        let mut client_ids = ids(Ref::Client);
        let mut contact_ids = ids(Ref::Contact);
        let mut payer_ids = ids(Ref::Payer);
        let mut template_ids = ids(Ref::FormTemplate);

        for s in staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(organization_id))
            .filter(staff_user::Column::Id.is_in(ids(Ref::Staff)))
            .all(db)
            .await?
        {
            names
                .staff
                .insert(s.id, format!("{}, {}", s.name, staff_role(&s)));
        }
        for l in portal_account::Entity::find()
            .filter(portal_account::Column::OrganizationId.eq(organization_id))
            .filter(portal_account::Column::Id.is_in(ids(Ref::Portal)))
            .all(db)
            .await?
        {
            client_ids.extend(l.client_id);
            contact_ids.extend(l.contact_id);
            names.logins.insert(l.id, (l.client_id, l.contact_id));
        }
        for b in booking::Entity::find()
            .filter(booking::Column::OrganizationId.eq(organization_id))
            .filter(booking::Column::Id.is_in(ids(Ref::Booking)))
            .all(db)
            .await?
        {
            client_ids.push(b.client_id);
            names.bookings.insert(b.id, (b.client_id, b.starts_at));
        }
        for p in payment::Entity::find()
            .filter(payment::Column::OrganizationId.eq(organization_id))
            .filter(payment::Column::Id.is_in(ids(Ref::Payment)))
            .all(db)
            .await?
        {
            client_ids.push(p.client_id);
            let amount = format!(
                "{}.{:02} {}",
                p.amount_cents / 100,
                p.amount_cents % 100,
                p.currency.to_uppercase()
            );
            names.payments.insert(p.id, (p.client_id, amount));
        }
        for p in insurance_policy::Entity::find()
            .filter(insurance_policy::Column::OrganizationId.eq(organization_id))
            .filter(insurance_policy::Column::Id.is_in(ids(Ref::Policy)))
            .all(db)
            .await?
        {
            client_ids.push(p.client_id);
            payer_ids.push(p.payer_id);
            names.policies.insert(p.id, (p.client_id, p.payer_id));
        }
        for s in appointment_series::Entity::find()
            .filter(appointment_series::Column::OrganizationId.eq(organization_id))
            .filter(appointment_series::Column::Id.is_in(ids(Ref::Series)))
            .all(db)
            .await?
        {
            client_ids.push(s.client_id);
            names.series.insert(s.id, s.client_id);
        }
        let forms = sent_form::Entity::find()
            .filter(sent_form::Column::OrganizationId.eq(organization_id))
            .filter(sent_form::Column::Id.is_in(ids(Ref::SentForm)))
            .all(db)
            .await?;
        let versions: HashMap<i32, i32> = form_template_version::Entity::find()
            .filter(
                form_template_version::Column::Id
                    .is_in(forms.iter().map(|f| f.template_version_id)),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, v.template_id))
            .collect();
        for f in forms {
            let template = versions.get(&f.template_version_id).copied().unwrap_or(0);
            client_ids.push(f.client_id);
            template_ids.push(template);
            names.sent_forms.insert(f.id, (f.client_id, template));
        }
        for t in form_template::Entity::find()
            .filter(form_template::Column::OrganizationId.eq(organization_id))
            .filter(form_template::Column::Id.is_in(template_ids))
            .all(db)
            .await?
        {
            names.templates.insert(t.id, t.name);
        }
        for p in payer::Entity::find()
            .filter(payer::Column::OrganizationId.eq(organization_id))
            .filter(payer::Column::Id.is_in(payer_ids))
            .all(db)
            .await?
        {
            names.payers.insert(p.id, p.name);
        }
        let links = client_contact_link::Entity::find()
            .filter(client_contact_link::Column::ContactId.is_in(contact_ids.clone()))
            .all(db)
            .await?;
        for c in client_contact::Entity::find()
            .filter(client_contact::Column::OrganizationId.eq(organization_id))
            .filter(client_contact::Column::Id.is_in(contact_ids))
            .all(db)
            .await?
        {
            let of: Vec<i32> = links
                .iter()
                .filter(|l| l.contact_id == c.id)
                .map(|l| l.client_id)
                .collect();
            client_ids.extend(&of);
            names.contacts.insert(c.id, (c.name, of));
        }
        for c in client::Entity::find()
            .filter(client::Column::OrganizationId.eq(organization_id))
            .filter(client::Column::Id.is_in(client_ids))
            .all(db)
            .await?
        {
            names.clients.insert(c.id, c.full_name());
        }
        Ok(names)
    }

    fn client(&self, id: i32) -> Option<&str> {
        self.clients.get(&id).map(String::as_str)
    }

    /// "Alex Lee, contact of Jordan Lee and Sam Lee".
    fn contact(&self, id: i32) -> Option<String> {
        let (name, of) = self.contacts.get(&id)?;
        let mut clients: Vec<&str> = of.iter().filter_map(|c| self.client(*c)).collect();
        clients.sort_unstable();
        Some(match clients.as_slice() {
            [] => format!("{name}, contact"),
            [one] => format!("{name}, contact of {one}"),
            [rest @ .., last] => format!("{name}, contact of {} and {last}", rest.join(", ")),
        })
    }

    /// Who acted: "Taylor Brooks, therapist", "Jordan Lee, client", "Alex Lee, contact of
    /// Jordan Lee", "System (automatic)"; the stored text when it names no one known.
    pub fn person(&self, actor: &str) -> String {
        let named = match token(actor) {
            Some((Ref::Staff(id), _)) => self.staff.get(&id).cloned(),
            Some((Ref::Portal(id), _)) => match self.logins.get(&id) {
                Some((Some(client), _)) => self.client(*client).map(|c| format!("{c}, client")),
                Some((None, Some(contact))) => self.contact(*contact),
                _ => None,
            },
            Some((Ref::Contact(id), _)) => self.contact(id),
            _ => match actor {
                "system" => Some("System (automatic)".to_owned()),
                "stripe" => Some("Stripe (card processor)".to_owned()),
                "anonymous" | "" => Some("Someone not signed in".to_owned()),
                _ => None,
            },
        };
        named.unwrap_or_else(|| actor.to_owned())
    }

    /// A record without its owner ("insurance policy, Aetna") and the client it belongs to.
    fn thing(&self, r: Ref, area: Option<&str>) -> Option<(String, Option<i32>)> {
        let when = |at: &DateTime<Utc>| match self.tz {
            Some(tz) => at
                .with_timezone(&tz)
                .format("%a %-d %b %Y, %H:%M")
                .to_string(),
            None => at.to_rfc3339(),
        };
        Some(match r {
            Ref::Client(id) => {
                self.client(id)?;
                let area = area.map(|a| a.replace(['_', ':'], " "));
                (area.unwrap_or_default(), Some(id))
            }
            Ref::Booking(id) => {
                let (client, at) = self.bookings.get(&id)?;
                (format!("appointment on {}", when(at)), Some(*client))
            }
            Ref::Series(id) => (
                "recurring appointments".into(),
                Some(*self.series.get(&id)?),
            ),
            Ref::Payment(id) => {
                let (client, amount) = self.payments.get(&id)?;
                (format!("payment of {amount}"), Some(*client))
            }
            Ref::Policy(id) => {
                let (client, payer) = self.policies.get(&id)?;
                let payer = self
                    .payers
                    .get(payer)
                    .map(String::as_str)
                    .unwrap_or("a payer");
                (format!("insurance policy, {payer}"), Some(*client))
            }
            Ref::SentForm(id) => {
                let (client, template) = self.sent_forms.get(&id)?;
                let name = self
                    .templates
                    .get(template)
                    .map(String::as_str)
                    .unwrap_or("a form");
                (format!("form \u{201c}{name}\u{201d}"), Some(*client))
            }
            Ref::Message(_) => ("message".into(), None),
            Ref::Payer(id) => (format!("payer {}", self.payers.get(&id)?), None),
            Ref::FormTemplate(id) => (
                format!("form template \u{201c}{}\u{201d}", self.templates.get(&id)?),
                None,
            ),
            Ref::Staff(id) => {
                let name = self.staff.get(&id)?.clone();
                match area {
                    Some(area) => (format!("{name}: {}", area.replace(['_', ':'], " ")), None),
                    None => (name, None),
                }
            }
            Ref::Portal(_) | Ref::Contact(_) => {
                let name = self.person(&r.to_string());
                (name, None)
            }
        })
    }

    /// What was acted on, by name ("Jordan Lee's insurance policy, Aetna"), and the client it
    /// belongs to; a stored text that names no known record is shown as stored.
    pub fn object(&self, object: &str) -> (String, Option<i32>) {
        let mut client = None;
        let mut things = Vec::new();
        for text in object.split_whitespace() {
            match token(text).and_then(|(r, area)| self.thing(r, area)) {
                Some((thing, owner)) => {
                    client = client.or(owner);
                    if !thing.is_empty() {
                        things.push(thing);
                    }
                }
                None => match text.split_once(':').unwrap_or((text, "")) {
                    ("login", email) => things.push(format!("sign-in as {email}")),
                    ("stripe", event) => things.push(format!("Stripe event {event}")),
                    ("organization", _) => things.push("the practice".to_owned()),
                    _ => things.push(text.to_owned()),
                },
            }
        }
        let owner = client.and_then(|c| self.client(c));
        let named = match (owner, things.is_empty()) {
            (Some(owner), true) => owner.to_owned(),
            (Some(owner), false) => format!("{owner}'s {}", things.join(", ")),
            (None, _) => things.join(", "),
        };
        (named, client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> AuditNames {
        let mut n = AuditNames::default();
        n.staff.insert(2, "Taylor Brooks, therapist".into());
        n.clients.insert(3, "Jordan Lee".into());
        n.clients.insert(4, "Sam Lee".into());
        n.contacts.insert(5, ("Alex Lee".into(), vec![3, 4]));
        n.logins.insert(7, (None, Some(5)));
        n.logins.insert(8, (Some(3), None));
        n.policies.insert(9, (3, 1));
        n.payers.insert(1, "Aetna".into());
        n
    }

    #[test]
    fn people_read_with_their_role() {
        let n = names();
        assert_eq!(n.person("staff:2"), "Taylor Brooks, therapist");
        assert_eq!(n.person("portal:8"), "Jordan Lee, client");
        assert_eq!(
            n.person("portal:7"),
            "Alex Lee, contact of Jordan Lee and Sam Lee"
        );
        assert_eq!(n.person("system"), "System (automatic)");
        assert_eq!(n.person("anonymous"), "Someone not signed in");
        assert_eq!(n.person("staff:99"), "staff:99");
    }

    #[test]
    fn objects_read_by_name_with_their_client() {
        let n = names();
        assert_eq!(
            n.object("client:3 policy:9"),
            ("Jordan Lee's insurance policy, Aetna".to_owned(), Some(3))
        );
        assert_eq!(n.object("client:3"), ("Jordan Lee".to_owned(), Some(3)));
        assert_eq!(
            n.object("client:3:messages"),
            ("Jordan Lee's messages".to_owned(), Some(3))
        );
        assert_eq!(
            n.object("login:a@b.example"),
            ("sign-in as a@b.example".to_owned(), None)
        );
        assert_eq!(n.object("booking:404"), ("booking:404".to_owned(), None));
        assert_eq!(n.object("organization:1").0, "the practice");
        assert_eq!(n.object("stripe:evt_1").0, "Stripe event evt_1");
    }
}
