//! Intake forms in the portal: the Forms tab, filling a form with a draft kept on the server,
//! and submitting it, which validates every field with the shared rules and locks the form.
//! Only for logins that may act for the client with the forms ability.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::forms::{normalized, validate_draft, validate_submission, Answer, Answers};
use crate::domain::intake::{FormStatus, PortalForm, PortalFormSummary};
use crate::domain::settings::Setting;
use crate::error::AppError;
use crate::server::access::checks::Ability;
use crate::server::access::context::Ctx;
use crate::server::store::entities::sent_form;
use crate::server::store::forms::{self, answers_of, definition_of, location_of, title_of};
use crate::server::store::refs::Ref;

/// The forms ability for `client_id`, or 403 (audited).
async fn require_forms(ctx: &Ctx, client_id: i32) -> Result<bool, AppError> {
    let permit = ctx.permit_for(client_id, Ability::Forms).await?;
    Ok(!permit.settings.get(Setting::HideLocationAddress))
}

/// The client's forms, open ones first; cancelled forms are not shown. Every login with the
/// forms ability sees each form and its status; only its addressee may open it.
pub async fn list(ctx: &Ctx, client_id: i32) -> Result<Vec<PortalFormSummary>, AppError> {
    require_forms(ctx, client_id).await?;
    let me = ctx.portal().await?;
    let db = ctx.db();
    let rows = sent_form::Entity::find()
        .filter(sent_form::Column::ClientId.eq(client_id))
        .filter(sent_form::Column::Status.ne(FormStatus::Cancelled))
        .order_by_asc(sent_form::Column::DueOn)
        .order_by_asc(sent_form::Column::Id)
        .all(db)
        .await?;
    let titles = forms::titles_of(db, rows.iter().map(|r| r.template_version_id)).await?;
    let names = forms::addressee_names(db, client_id, rows.iter().map(|r| r.contact_id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let yours = me.is_addressee(row.contact_id);
            PortalFormSummary {
                id: row.id,
                title: titles.of(row.template_version_id).0,
                status: row.status,
                due_on: row.due_on,
                addressee: if yours {
                    "you".into()
                } else {
                    names.get(&row.contact_id).cloned().unwrap_or_default()
                },
                yours,
            }
        })
        .collect())
}

/// The client's form `form_id` when this login is its addressee; 404 when there is no such
/// form, 403 (audited) when it was sent to someone else.
async fn row_of(ctx: &Ctx, client_id: i32, form_id: i32) -> Result<sent_form::Model, AppError> {
    let row = sent_form::Entity::find_by_id(form_id)
        .filter(sent_form::Column::ClientId.eq(client_id))
        .filter(sent_form::Column::Status.ne(FormStatus::Cancelled))
        .one(ctx.db())
        .await?
        .ok_or(AppError::NotFound)?;
    if !ctx.portal().await?.is_addressee(row.contact_id) {
        let object = Ref::Client(client_id).and(Ref::SentForm(form_id));
        return Err(ctx.deny(object, AppError::Forbidden).await);
    }
    Ok(row)
}

/// One form to fill in (with its draft) or to read back (with its answers). The location's
/// address is left out when Hide Location Address is effective for the client.
pub async fn get(ctx: &Ctx, client_id: i32, form_id: i32) -> Result<PortalForm, AppError> {
    let show_address = require_forms(ctx, client_id).await?;
    let row = row_of(ctx, client_id, form_id).await?;
    let db = ctx.db();
    let version = forms::version(db, row.template_version_id).await?;
    let status = row.status;
    let answers = if status == FormStatus::Completed {
        answers_of(row.answers.as_deref())?
    } else {
        answers_of(row.draft.as_deref())?
    };
    Ok(PortalForm {
        id: row.id,
        title: title_of(db, version.id).await?.0,
        status,
        due_on: row.due_on,
        location: location_of(db, row.location_id, show_address).await?,
        definition: definition_of(&version)?,
        answers,
        submitted_at: row
            .submitted_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    })
}

fn parse_answers(json: &str) -> Result<Answers, AppError> {
    serde_json::from_str(json).map(normalized).map_err(|_| {
        AppError::invalid(
            "form",
            "The answers could not be read. Reload the form and try again.",
        )
    })
}

/// The open form and its definition, or a conflict when it is locked.
async fn open_form(
    ctx: &Ctx,
    client_id: i32,
    form_id: i32,
) -> Result<(sent_form::Model, crate::domain::forms::FormDefinition), AppError> {
    require_forms(ctx, client_id).await?;
    let row = row_of(ctx, client_id, form_id).await?;
    if !row.status.is_open() {
        return Err(AppError::Conflict(
            "This form has been submitted and can no longer be changed.".into(),
        ));
    }
    let version = forms::version(ctx.db(), row.template_version_id).await?;
    Ok((row, definition_of(&version)?))
}

/// Keeps what has been typed so far, so another device or a reload continues from it.
pub async fn save_draft(
    ctx: &Ctx,
    client_id: i32,
    form_id: i32,
    answers: &str,
) -> Result<(), AppError> {
    let (row, definition) = open_form(ctx, client_id, form_id).await?;
    let answers = parse_answers(answers)?;
    validate_draft(&definition, &answers)?;
    let draft = serde_json::to_string(&answers).map_err(AppError::internal)?;
    // Only while the form is still open: a late autosave (a slow phone, a second tab) that
    // arrives after the submission must not reopen it.
    let saved = sent_form::Entity::update_many()
        .col_expr(sent_form::Column::Draft, Some(draft).into())
        .col_expr(
            sent_form::Column::Status,
            FormStatus::InProgress.key().into(),
        )
        .col_expr(sent_form::Column::UpdatedAt, Utc::now().into())
        .filter(sent_form::Column::Id.eq(row.id))
        .filter(sent_form::Column::Status.is_in(FormStatus::OPEN))
        .exec(ctx.db())
        .await?
        .rows_affected;
    if saved != 1 {
        return Err(closed());
    }
    Ok(())
}

fn closed() -> AppError {
    AppError::Conflict("This form has been submitted and can no longer be changed.".into())
}

/// Submits the form: every field is checked; a signature records the typed name, the time and
/// the IP; the form is then locked. Audited.
pub async fn submit(
    ctx: &Ctx,
    client_id: i32,
    form_id: i32,
    answers: &str,
) -> Result<(), AppError> {
    let (row, definition) = open_form(ctx, client_id, form_id).await?;
    let answers = parse_answers(answers)?;
    validate_submission(&definition, &answers)?;
    let signed_name = answers.values().find_map(|a| match a {
        Answer::Signature {
            name,
            consent: true,
        } => Some(name.trim().to_owned()),
        _ => None,
    });
    let now = Utc::now();
    let json = serde_json::to_string(&answers).map_err(AppError::internal)?;
    let txn = crate::server::store::txn::begin(ctx.db()).await?;
    // Claimed only while still open, so two submissions cannot both succeed.
    let claimed = sent_form::Entity::update_many()
        .col_expr(
            sent_form::Column::Status,
            FormStatus::Completed.key().into(),
        )
        .col_expr(sent_form::Column::Answers, Some(json).into())
        .col_expr(sent_form::Column::Draft, Option::<String>::None.into())
        .col_expr(sent_form::Column::SignedName, signed_name.clone().into())
        .col_expr(
            sent_form::Column::SignedAt,
            signed_name.as_ref().map(|_| now).into(),
        )
        .col_expr(
            sent_form::Column::SignedIp,
            signed_name.as_ref().and(ctx.ip.clone()).into(),
        )
        .col_expr(sent_form::Column::SubmittedAt, Some(now).into())
        .col_expr(
            sent_form::Column::SubmittedBy,
            Some(ctx.actor_label()).into(),
        )
        .col_expr(sent_form::Column::UpdatedAt, now.into())
        .filter(sent_form::Column::Id.eq(row.id))
        .filter(sent_form::Column::Status.is_in(FormStatus::OPEN))
        .exec(&*txn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(AppError::Conflict(
            "This form has been submitted and can no longer be changed.".into(),
        ));
    }
    txn.commit_audited(ctx.entry(
        "form.submitted",
        Ref::Client(client_id),
        None,
        Some(Ref::SentForm(row.id).to_string()),
    ))
    .await?;
    Ok(())
}
