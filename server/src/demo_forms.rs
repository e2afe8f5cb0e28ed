//! The demo organization's intake form templates, and the Client Intake Form waiting for
//! Jordan Lee, so a newcomer can fill one in at once.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};

use app::domain::forms::{FieldKind, FormDefinition, FormField, FormSection};
use app::server::services::forms::{create_template, NewSentForm};
use app::server::store::entities::form_template_version;

fn field(id: &str, label: &str, kind: FieldKind, required: bool, help: Option<&str>) -> FormField {
    FormField {
        id: id.into(),
        label: label.into(),
        kind,
        required,
        help: help.map(str::to_owned),
        options: Vec::new(),
    }
}

fn choice(id: &str, label: &str, kind: FieldKind, options: &[&str]) -> FormField {
    FormField {
        options: options.iter().map(|o| o.to_string()).collect(),
        ..field(id, label, kind, true, None)
    }
}

fn section(title: &str, fields: Vec<FormField>) -> FormSection {
    FormSection {
        title: title.into(),
        fields,
    }
}

fn signature() -> FormField {
    field(
        "signature",
        "Signature of the client or guardian",
        FieldKind::Signature,
        true,
        Some("Type your full name and tick the box to sign."),
    )
}

/// "Client Intake Form": demographics, emergency contact, medical history.
pub fn client_intake() -> FormDefinition {
    use FieldKind::*;
    FormDefinition {
        sections: vec![
            section(
                "Demographics",
                vec![
                    field("full_name", "Client's full name", ShortText, true, None),
                    field("date_of_birth", "Date of birth", Date, true, None),
                    choice(
                        "pronouns",
                        "Pronouns",
                        SingleChoice,
                        &["She/her", "He/him", "They/them", "Prefer not to say"],
                    ),
                    field(
                        "preferred_language",
                        "Preferred language",
                        ShortText,
                        false,
                        None,
                    ),
                ],
            ),
            section(
                "Emergency contact",
                vec![
                    field(
                        "emergency_name",
                        "Emergency contact name",
                        ShortText,
                        true,
                        None,
                    ),
                    field(
                        "emergency_phone",
                        "Emergency contact phone",
                        ShortText,
                        true,
                        None,
                    ),
                ],
            ),
            section(
                "Medical history",
                vec![
                    field(
                        "diagnoses",
                        "Diagnoses",
                        LongText,
                        false,
                        Some("Include the date of diagnosis if you know it."),
                    ),
                    field("medications", "Current medications", LongText, false, None),
                    choice(
                        "concerns",
                        "Areas of concern",
                        MultipleChoice,
                        &[
                            "Communication",
                            "Behavior",
                            "Daily living skills",
                            "Social skills",
                        ],
                    ),
                    field(
                        "allergies_none",
                        "I have listed all known allergies in the medications field",
                        Checkbox,
                        false,
                        None,
                    ),
                ],
            ),
            section("Signature", vec![signature()]),
        ],
    }
}

/// "Consent for Treatment".
pub fn consent() -> FormDefinition {
    FormDefinition {
        sections: vec![section(
            "Consent",
            vec![
                field(
                    "understood",
                    "I have read and understood the practice's treatment policies",
                    FieldKind::Checkbox,
                    true,
                    None,
                ),
                signature(),
            ],
        )],
    }
}

/// "Release of Information".
pub fn release() -> FormDefinition {
    FormDefinition {
        sections: vec![section(
            "Release",
            vec![
                field(
                    "recipient",
                    "Release information to (name and organization)",
                    FieldKind::ShortText,
                    true,
                    None,
                ),
                field(
                    "purpose",
                    "Purpose of the release",
                    FieldKind::LongText,
                    true,
                    None,
                ),
                field(
                    "expires_on",
                    "This release expires on",
                    FieldKind::Date,
                    true,
                    None,
                ),
                signature(),
            ],
        )],
    }
}

/// Creates the three templates and sends Jordan's intake form, for Main Clinic, to Jordan's
/// parent (`parent`, the contact who fills it in).
pub async fn load(
    db: &impl ConnectionTrait,
    org: i32,
    (jordan, parent): (i32, i32),
    main_clinic: i32,
    sent_by: i32,
) -> Result<(), DbErr> {
    let err = |e: app::error::AppError| DbErr::Custom(e.to_string());
    let by = format!("staff:{sent_by}");
    let intake = create_template(db, org, "Client Intake Form", &client_intake(), &by)
        .await
        .map_err(err)?;
    create_template(db, org, "Consent for Treatment", &consent(), &by)
        .await
        .map_err(err)?;
    create_template(db, org, "Release of Information", &release(), &by)
        .await
        .map_err(err)?;
    let version = form_template_version::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .find(|v| v.template_id == intake)
        .ok_or_else(|| DbErr::Custom("intake form version missing".into()))?;
    let now = Utc::now();
    NewSentForm {
        organization_id: org,
        client_id: jordan,
        contact_id: Some(parent),
        template_version_id: version.id,
        location_id: main_clinic,
        due_on: (now + Duration::days(14)).date_naive(),
        sent_by: by,
    }
    .row(now)
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_templates_are_valid() {
        for def in [super::client_intake(), super::consent(), super::release()] {
            assert_eq!(def.validate(), Ok(()));
        }
    }
}
