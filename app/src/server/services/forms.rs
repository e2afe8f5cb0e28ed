//! Intake forms for staff: templates with immutable versions (administrators), sending forms
//! to a client or a contact with the forms scope, the client's list of sent forms, reminders,
//! cancelling, and reading a submission (audited: it is health information).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Set,
};

use crate::domain::forms::FormDefinition;
use crate::domain::intake::{
    FormOptions, FormStatus, LocationRef, Recipient, SendFormsInput, SentFormSummary, Submission,
    TemplateDetail, TemplateSummary, REMINDER_GAP_MINUTES,
};
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::mail::emails;
use crate::server::store::contacts::contact_access;
use crate::server::store::entities::{
    client, client_contact, client_contact_link, form_template, form_template_version, location,
    sent_form,
};
use crate::server::store::forms::{self, answers_of, definition_of, location_of, title_of};
use crate::server::store::organizations::today_in;
use crate::server::store::refs::Ref;
use crate::server::store::{locations, organizations, txn};

fn stamp(at: chrono::DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Creates a template with its first version (also used by the demo data); returns its id.
pub async fn create_template(
    db: &impl ConnectionTrait,
    organization_id: i32,
    name: &str,
    definition: &FormDefinition,
    created_by: &str,
) -> Result<i32, AppError> {
    definition.validate()?;
    let now = Utc::now();
    let template = form_template::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        name: Set(name.trim().to_owned()),
        current_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    insert_version(db, template.id, 1, definition, created_by).await?;
    Ok(template.id)
}

async fn insert_version(
    db: &impl ConnectionTrait,
    template_id: i32,
    version: i32,
    definition: &FormDefinition,
    created_by: &str,
) -> Result<form_template_version::Model, AppError> {
    let json = serde_json::to_string(definition)
        .map_err(|e| AppError::internal(format!("cannot encode a form definition: {e}")))?;
    Ok(form_template_version::ActiveModel {
        id: NotSet,
        template_id: Set(template_id),
        version: Set(version),
        definition: Set(json),
        created_by: Set(created_by.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Creates a template with a starter definition (administrators); returns its id.
pub async fn create(ctx: &Ctx, name: &str) -> Result<i32, AppError> {
    let admin = ctx.admin().await?;
    let name = name.trim();
    crate::domain::validation::required_text(name, "Name")
        .map_err(|m| AppError::invalid("name", &m))?;
    let db = ctx.db();
    let taken = form_template::Entity::find()
        .filter(form_template::Column::OrganizationId.eq(admin.organization_id))
        .filter(form_template::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(AppError::Conflict(format!(
            "A form named “{name}” already exists."
        )));
    }
    let txn = txn::begin(db).await?;
    let id = create_template(
        &*txn,
        admin.organization_id,
        name,
        &crate::domain::intake::starter_definition(),
        &admin.label().to_string(),
    )
    .await?;
    txn.commit_audited(ctx.entry(
        "form_template.create",
        Ref::FormTemplate(id),
        None,
        Some(name.to_owned()),
    ))
    .await?;
    Ok(id)
}

/// A template with its current definition, for the builder (administrators).
pub async fn detail(ctx: &Ctx, template_id: i32) -> Result<TemplateDetail, AppError> {
    let admin = ctx.admin().await?;
    let db = ctx.db();
    let template = form_template::Entity::find_by_id(template_id)
        .filter(form_template::Column::OrganizationId.eq(admin.organization_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = forms::current_version(db, &template).await?;
    Ok(TemplateDetail {
        id: template.id,
        name: template.name,
        version: template.current_version,
        definition: definition_of(&version)?,
    })
}

/// Saves an edited definition as the template's next version; forms already sent keep theirs.
pub async fn new_version(
    ctx: &Ctx,
    template_id: i32,
    definition: &FormDefinition,
) -> Result<i32, AppError> {
    let admin = ctx.admin().await?;
    definition.validate()?;
    let template = form_template::Entity::find_by_id(template_id)
        .filter(form_template::Column::OrganizationId.eq(admin.organization_id))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    let version = template.current_version + 1;
    let txn = txn::begin(ctx.db()).await?;
    insert_version(
        &*txn,
        template.id,
        version,
        definition,
        &admin.label().to_string(),
    )
    .await?;
    let mut row: form_template::ActiveModel = template.into();
    row.current_version = Set(version);
    row.updated_at = Set(Utc::now());
    row.update(&*txn).await?;
    txn.commit_audited(ctx.entry(
        "form_template.new_version",
        Ref::FormTemplate(template_id),
        Some((version - 1).to_string()),
        Some(version.to_string()),
    ))
    .await?;
    Ok(version)
}

/// The organization's templates and locations, by name; any staff member (to send forms).
pub async fn options(ctx: &Ctx) -> Result<FormOptions, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let templates = form_template::Entity::find()
        .filter(form_template::Column::OrganizationId.eq(staff.organization_id))
        .order_by_asc(form_template::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TemplateSummary {
            id: t.id,
            name: t.name,
            version: t.current_version,
        })
        .collect();
    let locations = locations::active_list(db, staff.organization_id)
        .await?
        .into_iter()
        .map(|l| LocationRef {
            id: l.id,
            name: l.name,
        })
        .collect();
    Ok(FormOptions {
        templates,
        locations,
    })
}

/// Sends forms to a client, or to one of their contacts whose live access has the forms scope;
/// the recipient gets one email with a link to the portal. Returns how many forms were sent.
pub async fn send(ctx: &Ctx, client_id: i32, input: &SendFormsInput) -> Result<usize, AppError> {
    let (staff, client) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let org = organizations::get(db, staff.organization_id).await?;
    let valid = input.validate(org.today(Utc::now()))?;
    let place = location::Entity::find_by_id(valid.location_id)
        .filter(location::Column::OrganizationId.eq(org.id))
        .filter(location::Column::ArchivedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::invalid("location_id", "Choose an active location of this practice.")
        })?;
    let (name, email, contact_id) = match valid.recipient {
        Recipient::Client => (client.full_name(), client.email.clone(), None),
        Recipient::Contact(contact_id) => {
            let link = client_contact_link::Entity::find()
                .filter(client_contact_link::Column::ClientId.eq(client.id))
                .filter(client_contact_link::Column::ContactId.eq(contact_id))
                .one(db)
                .await?;
            let access = link.as_ref().map(contact_access).unwrap_or_default();
            if !access.is_live(today_in(&org.time_zone, Utc::now())) || !access.scopes.forms {
                return Err(AppError::invalid(
                    "recipient",
                    "This contact has no portal access with the intake forms scope for this client.",
                ));
            }
            let contact = client_contact::Entity::find_by_id(contact_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            (contact.name, contact.email, Some(contact_id))
        }
    };
    let Some(email) = email else {
        return Err(AppError::invalid(
            "recipient",
            "The recipient has no email address, so the forms cannot be sent to them.",
        ));
    };
    let mut versions = Vec::new();
    for template_id in &valid.template_ids {
        let template = form_template::Entity::find_by_id(*template_id)
            .filter(form_template::Column::OrganizationId.eq(org.id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::invalid("template_ids", "Choose forms of this practice."))?;
        let version = forms::current_version(db, &template).await?;
        versions.push((template.name, version.id));
    }
    let now = Utc::now();
    let txn = txn::begin(db).await?;
    let mut entries = Vec::with_capacity(versions.len());
    for (title, version_id) in &versions {
        let row = NewSentForm {
            organization_id: org.id,
            client_id: client.id,
            contact_id,
            template_version_id: *version_id,
            location_id: place.id,
            due_on: valid.due_on,
            sent_by: Ref::Staff(staff.id).to_string(),
        }
        .row(now)
        .insert(&*txn)
        .await?;
        entries.push(ctx.entry(
            "form.sent",
            Ref::Client(client.id),
            None,
            Some(format!(
                "{} ({title}) to {}",
                Ref::SentForm(row.id),
                valid_label(contact_id)
            )),
        ));
    }
    txn.commit_audited_all(entries).await?;
    notify(ctx, org.id, &org.name, &name, &email, client.id, false).await?;
    Ok(versions.len())
}

/// A form about to be sent: a template version for a client (and perhaps one contact).
#[derive(Debug, Clone)]
pub struct NewSentForm {
    pub organization_id: i32,
    pub client_id: i32,
    pub contact_id: Option<i32>,
    pub template_version_id: i32,
    pub location_id: i32,
    pub due_on: chrono::NaiveDate,
    pub sent_by: String,
}

impl NewSentForm {
    /// The row to insert, sent at `now`, with nothing filled in yet.
    pub fn row(self, now: chrono::DateTime<Utc>) -> sent_form::ActiveModel {
        sent_form::ActiveModel {
            id: NotSet,
            organization_id: Set(self.organization_id),
            client_id: Set(self.client_id),
            contact_id: Set(self.contact_id),
            template_version_id: Set(self.template_version_id),
            location_id: Set(self.location_id),
            due_on: Set(self.due_on),
            status: Set(FormStatus::Sent),
            draft: Set(None),
            answers: Set(None),
            signed_name: Set(None),
            signed_at: Set(None),
            signed_ip: Set(None),
            sent_by: Set(self.sent_by),
            sent_at: Set(now),
            updated_at: Set(now),
            submitted_at: Set(None),
            reminded_at: Set(None),
            submitted_by: Set(None),
        }
    }
}

fn valid_label(contact_id: Option<i32>) -> String {
    contact_id.map_or_else(|| "the client".into(), |id| Ref::Contact(id).to_string())
}

/// The email about forms to fill in: no form names, no health information.
async fn notify(
    ctx: &Ctx,
    org: i32,
    practice: &str,
    name: &str,
    email: &str,
    client_id: i32,
    reminder: bool,
) -> Result<(), AppError> {
    let link = ctx
        .state
        .mailer
        .link(&format!("/portal/clients/{client_id}/forms"));
    let letter = emails::forms_to_complete(name, practice, &link, reminder);
    ctx.state.mailer.send(ctx.db(), letter.to(org, email)).await
}

/// The forms sent to a client, newest first.
pub async fn list_for_client(ctx: &Ctx, client_id: i32) -> Result<Vec<SentFormSummary>, AppError> {
    let (_, client) = ctx.staff_client(client_id).await?;
    let db = ctx.db();
    let rows = sent_form::Entity::find()
        .filter(sent_form::Column::ClientId.eq(client.id))
        .order_by_desc(sent_form::Column::Id)
        .all(db)
        .await?;
    let titles = forms::titles_of(db, rows.iter().map(|r| r.template_version_id)).await?;
    let contacts: HashMap<i32, String> = client_contact::Entity::find()
        .filter(client_contact::Column::Id.is_in(rows.iter().filter_map(|r| r.contact_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (title, version) = titles.of(row.template_version_id);
        let recipient = match row.contact_id {
            None => client.full_name(),
            Some(id) => contacts.get(&id).cloned().unwrap_or_default(),
        };
        out.push(SentFormSummary {
            id: row.id,
            title,
            version,
            status: row.status,
            due_on: row.due_on,
            recipient,
            sent_at: stamp(row.sent_at),
            submitted_at: row.submitted_at.map(stamp),
        });
    }
    Ok(out)
}

/// A sent form of a client the caller may see.
async fn sent_form_of(
    ctx: &Ctx,
    client_id: i32,
    form_id: i32,
) -> Result<(client::Model, sent_form::Model), AppError> {
    let (_, client) = ctx.staff_client(client_id).await?;
    let row = sent_form::Entity::find_by_id(form_id)
        .filter(sent_form::Column::ClientId.eq(client.id))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((client, row))
}

/// Emails the recipient again about an open form.
pub async fn remind(ctx: &Ctx, client_id: i32, form_id: i32) -> Result<(), AppError> {
    let (client, row) = sent_form_of(ctx, client_id, form_id).await?;
    if !row.status.is_open() {
        return Err(AppError::Conflict(
            "Only a form that is still open can be reminded.".into(),
        ));
    }
    let db = ctx.db();
    let (name, email) = match row.contact_id {
        None => (client.full_name(), client.email.clone()),
        Some(id) => client_contact::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| (c.name, c.email))
            .unwrap_or_default(),
    };
    let Some(email) = email else {
        return Err(AppError::Conflict(
            "The recipient has no email address any more.".into(),
        ));
    };
    let practice = organizations::get(db, row.organization_id).await?.name;
    let now = Utc::now();
    let txn = txn::begin(db).await?;
    // One reminder per form per gap, however many staff members click (or one clicks twice).
    let earliest = now - chrono::Duration::minutes(REMINDER_GAP_MINUTES);
    let reminded = sent_form::Entity::update_many()
        .col_expr(sent_form::Column::RemindedAt, Some(now).into())
        .filter(sent_form::Column::Id.eq(row.id))
        .filter(
            sea_orm::Condition::any()
                .add(sent_form::Column::RemindedAt.is_null())
                .add(sent_form::Column::RemindedAt.lte(earliest)),
        )
        .exec(&*txn)
        .await?
        .rows_affected;
    if reminded != 1 {
        return Err(AppError::TooFrequent(format!(
            "A reminder for this form was sent in the last {REMINDER_GAP_MINUTES} minutes. \
             Please wait before sending another."
        )));
    }
    let form = Some(Ref::SentForm(row.id).to_string());
    txn.commit_audited(ctx.entry("form.reminded", Ref::Client(client.id), None, form))
        .await?;
    notify(
        ctx,
        row.organization_id,
        &practice,
        &name,
        &email,
        client.id,
        true,
    )
    .await
}

/// Cancels an open form; it disappears from the portal's outstanding list.
pub async fn cancel(ctx: &Ctx, client_id: i32, form_id: i32) -> Result<(), AppError> {
    let (client, row) = sent_form_of(ctx, client_id, form_id).await?;
    let status = row.status;
    if !status.is_open() {
        return Err(AppError::Conflict(format!(
            "This form is {} and can no longer be cancelled.",
            status.label().to_lowercase()
        )));
    }
    let txn = txn::begin(ctx.db()).await?;
    // Only while still open: a submission that lands meanwhile is kept, not cancelled.
    let cancelled = sent_form::Entity::update_many()
        .col_expr(
            sent_form::Column::Status,
            FormStatus::Cancelled.key().into(),
        )
        .col_expr(sent_form::Column::UpdatedAt, Utc::now().into())
        .filter(sent_form::Column::Id.eq(row.id))
        .filter(sent_form::Column::Status.is_in(FormStatus::OPEN))
        .exec(&*txn)
        .await?
        .rows_affected;
    if cancelled != 1 {
        return Err(AppError::Conflict(
            "This form was submitted meanwhile and can no longer be cancelled.".into(),
        ));
    }
    let (old, new) = (
        Some(status.key().into()),
        Some(Ref::SentForm(row.id).to_string()),
    );
    let entry = ctx.entry("form.cancelled", Ref::Client(client.id), old, new);
    Ok(txn.commit_audited(entry).await?)
}

/// A sent form as staff read it; opening it is audited.
pub async fn submission(ctx: &Ctx, client_id: i32, form_id: i32) -> Result<Submission, AppError> {
    let (client, row) = sent_form_of(ctx, client_id, form_id).await?;
    let db = ctx.db();
    let version = forms::version(db, row.template_version_id).await?;
    let (title, _) = title_of(db, version.id).await?;
    let status = row.status;
    let answers = answers_of(row.answers.as_deref())?;
    let form = Ref::SentForm(row.id).to_string();
    ctx.record_event("form.submission_opened", Ref::Client(client.id), Some(form))
        .await?;
    Ok(Submission {
        id: row.id,
        title,
        version: version.version,
        client: client.full_name(),
        location: location_of(db, row.location_id, true).await?,
        definition: definition_of(&version)?,
        answers,
        status,
        signed_name: row.signed_name,
        signed_at: row.signed_at.map(stamp),
        signed_ip: row.signed_ip,
        submitted_at: row.submitted_at.map(stamp),
        submitted_by: match &row.submitted_by {
            Some(label) => forms::login_name(db, label).await?,
            None => None,
        },
    })
}
