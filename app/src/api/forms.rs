//! Intake forms: templates and sending for staff; the Forms tab, drafts and submission for
//! portal logins with the forms ability.

use leptos::prelude::*;

use crate::domain::intake::{
    FormOptions, PortalForm, PortalFormSummary, SendFormsInput, SentFormSummary, Submission,
    TemplateDetail,
};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    access::context::run,
    services::{forms, portal_forms},
};

/// The organization's form templates and locations, to send forms (staff).
#[server(endpoint = "list_form_templates")]
pub async fn list_form_templates() -> Result<FormOptions, AppError> {
    run(|ctx| async move { forms::options(&ctx).await }).await
}

/// Creates a template with a starter definition and opens it in the builder (administrators).
#[server(endpoint = "create_form_template")]
pub async fn create_form_template(name: String) -> Result<i32, AppError> {
    run(|ctx| async move {
        let id = forms::create(&ctx, &name).await?;
        leptos_axum::redirect(&format!("/admin/organization/forms/{id}"));
        Ok(id)
    })
    .await
}

/// A template with its current definition, for the builder (administrators).
#[server(endpoint = "get_form_template")]
pub async fn get_form_template(template_id: i32) -> Result<TemplateDetail, AppError> {
    run(|ctx| async move { forms::detail(&ctx, template_id).await }).await
}

/// Saves an edited template definition (JSON) as its next version (administrators).
#[server(endpoint = "save_form_template")]
pub async fn save_form_template(template_id: i32, definition: String) -> Result<i32, AppError> {
    run(|ctx| async move {
        let definition = serde_json::from_str(&definition)
            .map_err(|_| AppError::invalid("form", "The form definition could not be read."))?;
        forms::new_version(&ctx, template_id, &definition).await
    })
    .await
}

/// Sends forms to a client or one of their contacts (staff who see the client).
#[server(endpoint = "send_forms")]
pub async fn send_forms(client_id: i32, input: SendFormsInput) -> Result<usize, AppError> {
    run(|ctx| async move { forms::send(&ctx, client_id, &input).await }).await
}

/// The forms sent to a client (staff who see the client).
#[server(endpoint = "list_client_forms")]
pub async fn list_client_forms(client_id: i32) -> Result<Vec<SentFormSummary>, AppError> {
    run(|ctx| async move { forms::list_for_client(&ctx, client_id).await }).await
}

/// Emails the recipient of an open form again.
#[server(endpoint = "remind_form")]
pub async fn remind_form(client_id: i32, form_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { forms::remind(&ctx, client_id, form_id).await }).await
}

/// Cancels an open form.
#[server(endpoint = "cancel_form")]
pub async fn cancel_form(client_id: i32, form_id: i32) -> Result<(), AppError> {
    run(|ctx| async move { forms::cancel(&ctx, client_id, form_id).await }).await
}

/// A sent form with its answers, for staff; audited.
#[server(endpoint = "get_submission")]
pub async fn get_submission(client_id: i32, form_id: i32) -> Result<Submission, AppError> {
    run(|ctx| async move { forms::submission(&ctx, client_id, form_id).await }).await
}

/// The portal's Forms tab for a client.
#[server(endpoint = "list_portal_forms")]
pub async fn list_portal_forms(client_id: i32) -> Result<Vec<PortalFormSummary>, AppError> {
    run(|ctx| async move { portal_forms::list(&ctx, client_id).await }).await
}

/// One form in the portal, with its draft or answers.
#[server(endpoint = "get_portal_form")]
pub async fn get_portal_form(client_id: i32, form_id: i32) -> Result<PortalForm, AppError> {
    run(|ctx| async move { portal_forms::get(&ctx, client_id, form_id).await }).await
}

/// Keeps a form's draft (answers as JSON).
#[server(endpoint = "save_form_draft")]
pub async fn save_form_draft(
    client_id: i32,
    form_id: i32,
    answers: String,
) -> Result<(), AppError> {
    run(|ctx| async move { portal_forms::save_draft(&ctx, client_id, form_id, &answers).await })
        .await
}

/// Submits a form (answers as JSON); it is then locked.
#[server(endpoint = "submit_form")]
pub async fn submit_form(client_id: i32, form_id: i32, answers: String) -> Result<(), AppError> {
    run(|ctx| async move { portal_forms::submit(&ctx, client_id, form_id, &answers).await }).await
}
