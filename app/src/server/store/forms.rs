//! Sent forms as stored: their definition, answers, title and the location they show.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::forms::{Answers, FormDefinition};
use crate::domain::intake::FormLocation;
use crate::error::AppError;
use crate::server::store::entities::{
    client, client_contact, form_template, form_template_version, location, portal_account,
};

/// The definition stored in a version row.
pub fn definition_of(version: &form_template_version::Model) -> Result<FormDefinition, AppError> {
    serde_json::from_str(&version.definition).map_err(|e| {
        AppError::internal(format!(
            "form version {} is not a valid definition: {e}",
            version.id
        ))
    })
}

/// Answers stored as JSON (a missing value is no answers).
pub fn answers_of(json: Option<&str>) -> Result<Answers, AppError> {
    match json {
        None => Ok(Answers::new()),
        Some(json) => serde_json::from_str(json)
            .map_err(|e| AppError::internal(format!("stored answers are not valid: {e}"))),
    }
}

/// The template name and version number of each version id, in two queries whatever the number
/// of ids (for lists of sent forms).
pub async fn titles_of(
    db: &impl ConnectionTrait,
    version_ids: impl IntoIterator<Item = i32>,
) -> Result<FormTitles, AppError> {
    let versions = form_template_version::Entity::find()
        .filter(form_template_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?;
    let names: HashMap<i32, String> = form_template::Entity::find()
        .filter(form_template::Column::Id.is_in(versions.iter().map(|v| v.template_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(FormTitles(
        versions
            .into_iter()
            .map(|v| {
                let name = names.get(&v.template_id).cloned().unwrap_or_default();
                (v.id, (name, v.version))
            })
            .collect(),
    ))
}

/// Template names and version numbers by version id.
#[derive(Debug, Default)]
pub struct FormTitles(HashMap<i32, (String, i32)>);

impl FormTitles {
    /// The template name and version number of version `id`.
    pub fn of(&self, id: i32) -> (String, i32) {
        self.0.get(&id).cloned().unwrap_or_default()
    }
}

/// A template's name and the version number behind a version id.
pub async fn title_of(
    db: &impl ConnectionTrait,
    version_id: i32,
) -> Result<(String, i32), AppError> {
    let version = version(db, version_id).await?;
    let name = form_template::Entity::find_by_id(version.template_id)
        .one(db)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    Ok((name, version.version))
}

/// The location of a form, with its address only when `show_address`.
pub async fn location_of(
    db: &impl ConnectionTrait,
    location_id: i32,
    show_address: bool,
) -> Result<FormLocation, AppError> {
    let place = location::Entity::find_by_id(location_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("location {location_id} is missing")))?;
    Ok(FormLocation {
        name: place.name,
        address: show_address.then_some(place.address),
    })
}

/// The form version `version_id` that a sent form or template points to.
pub async fn version(
    db: &impl ConnectionTrait,
    version_id: i32,
) -> Result<form_template_version::Model, AppError> {
    form_template_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("form version {version_id} is missing")))
}

/// The current version of `template`.
pub async fn current_version(
    db: &impl ConnectionTrait,
    template: &form_template::Model,
) -> Result<form_template_version::Model, AppError> {
    form_template_version::Entity::find()
        .filter(form_template_version::Column::TemplateId.eq(template.id))
        .filter(form_template_version::Column::Version.eq(template.current_version))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::internal(format!("template {} has no current version", template.id))
        })
}

/// The name of each addressee of `client_id`'s forms: `None` is the client, `Some(id)` a
/// contact; in at most two queries.
pub async fn addressee_names(
    db: &impl ConnectionTrait,
    client_id: i32,
    contact_ids: impl IntoIterator<Item = Option<i32>>,
) -> Result<HashMap<Option<i32>, String>, AppError> {
    let contact_ids: Vec<i32> = contact_ids.into_iter().flatten().collect();
    let mut names: HashMap<Option<i32>, String> = HashMap::new();
    if let Some(c) = client::Entity::find_by_id(client_id).one(db).await? {
        names.insert(None, c.full_name());
    }
    if !contact_ids.is_empty() {
        for c in client_contact::Entity::find()
            .filter(client_contact::Column::Id.is_in(contact_ids))
            .all(db)
            .await?
        {
            names.insert(Some(c.id), c.name);
        }
    }
    Ok(names)
}

/// The name of the portal login labelled `label` (`portal:7`): its contact's or its client's.
pub async fn login_name(
    db: &impl ConnectionTrait,
    label: &str,
) -> Result<Option<String>, AppError> {
    let Ok(crate::server::store::refs::Ref::Portal(id)) = label.parse() else {
        return Ok(None);
    };
    let Some(account) = portal_account::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(match (account.contact_id, account.client_id) {
        (Some(contact), _) => client_contact::Entity::find_by_id(contact)
            .one(db)
            .await?
            .map(|c| c.name),
        (None, Some(client)) => client::Entity::find_by_id(client)
            .one(db)
            .await?
            .map(|c| c.full_name()),
        (None, None) => None,
    })
}
