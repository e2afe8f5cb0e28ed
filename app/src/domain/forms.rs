//! Intake forms: a template's definition (sections and typed fields), the answers a person
//! gives, and the rules both are checked with. The builder, the portal and the server all use
//! these, so a form can never be accepted blank or unsigned where a rule says otherwise.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::FieldErrors;
use super::validation::MAX_SHORT_TEXT;

/// Longest long-text answer.
pub const MAX_LONG_TEXT: usize = 5_000;
/// Most fields one form may have.
pub const MAX_FIELDS: usize = 200;

/// The kind of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    ShortText,
    LongText,
    Date,
    SingleChoice,
    MultipleChoice,
    Checkbox,
    /// A typed full name and a consent box; the time and IP are recorded when it is signed.
    Signature,
}

impl FieldKind {
    pub const ALL: [FieldKind; 7] = [
        FieldKind::ShortText,
        FieldKind::LongText,
        FieldKind::Date,
        FieldKind::SingleChoice,
        FieldKind::MultipleChoice,
        FieldKind::Checkbox,
        FieldKind::Signature,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FieldKind::ShortText => "short_text",
            FieldKind::LongText => "long_text",
            FieldKind::Date => "date",
            FieldKind::SingleChoice => "single_choice",
            FieldKind::MultipleChoice => "multiple_choice",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Signature => "signature",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldKind::ShortText => "Short text",
            FieldKind::LongText => "Long text",
            FieldKind::Date => "Date",
            FieldKind::SingleChoice => "Single choice",
            FieldKind::MultipleChoice => "Multiple choice",
            FieldKind::Checkbox => "Checkbox",
            FieldKind::Signature => "Signature",
        }
    }

    pub fn from_key(key: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Whether the field offers a list of options.
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::SingleChoice | FieldKind::MultipleChoice)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Stable within a version: answers are keyed by it.
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub help: Option<String>,
    /// The choices of a single- or multiple-choice field.
    pub options: Vec<String>,
}

/// A titled group of fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSection {
    pub title: String,
    pub fields: Vec<FormField>,
}

/// What a template version asks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub sections: Vec<FormSection>,
}

impl FormDefinition {
    pub fn fields(&self) -> impl Iterator<Item = &FormField> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// Checks a definition from the builder: named template parts, unique field ids, options
    /// where a field needs them. Errors are keyed `sections.N.title` and `fields.ID`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.fields().next().is_none() {
            errors.add("form", "Add at least one field.");
        }
        if self.fields().count() > MAX_FIELDS {
            errors.add(
                "form",
                format!("A form can have at most {MAX_FIELDS} fields."),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, section) in self.sections.iter().enumerate() {
            if section.title.trim().is_empty() {
                errors.add(&format!("sections.{n}.title"), "Give the section a title.");
            }
            for field in &section.fields {
                let key = format!("fields.{}", field.id);
                if field.id.trim().is_empty() || !seen.insert(field.id.clone()) {
                    errors.add(&key, "Each field needs its own id.");
                } else if field.label.trim().is_empty() {
                    errors.add(&key, "Give the field a label.");
                } else if field.label.chars().count() > MAX_SHORT_TEXT * 2 {
                    errors.add(&key, "The label is too long.");
                } else if field.kind.has_options()
                    && field
                        .options
                        .iter()
                        .filter(|o| !o.trim().is_empty())
                        .count()
                        < 2
                {
                    errors.add(&key, "A choice field needs at least two options.");
                }
            }
        }
        errors.into_result(())
    }
}

/// One answer, by field kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Short text, long text, a date (`YYYY-MM-DD`) or a single choice.
    Text(String),
    Choices(Vec<String>),
    Checked(bool),
    Signature {
        name: String,
        consent: bool,
    },
}

/// The answers of one form, keyed by field id.
pub type Answers = BTreeMap<String, Answer>;

/// `answers` as they are stored: each multiple-choice answer names an option once, in the
/// order first chosen (a hand-made request could repeat one a million times).
pub fn normalized(mut answers: Answers) -> Answers {
    for answer in answers.values_mut() {
        if let Answer::Choices(chosen) = answer {
            let mut seen = std::collections::BTreeSet::new();
            chosen.retain(|c| seen.insert(c.clone()));
        }
    }
    answers
}

/// Whether `answer` counts as filled in.
fn is_filled(answer: Option<&Answer>) -> bool {
    match answer {
        None => false,
        Some(Answer::Text(t)) => !t.trim().is_empty(),
        Some(Answer::Choices(c)) => !c.is_empty(),
        Some(Answer::Checked(c)) => *c,
        Some(Answer::Signature { name, consent }) => !name.trim().is_empty() && *consent,
    }
}

/// Checks one answer against its field; the browser runs this as the person types.
pub fn check_answer(field: &FormField, answer: Option<&Answer>) -> Result<(), String> {
    if !is_filled(answer) {
        return if field.required {
            Err(match field.kind {
                FieldKind::Signature => {
                    "Type your full name and tick the consent box to sign.".into()
                }
                FieldKind::Checkbox => "Tick this box to continue.".into(),
                FieldKind::SingleChoice | FieldKind::MultipleChoice => "Choose an answer.".into(),
                _ => "This field is required.".into(),
            })
        } else {
            Ok(())
        };
    }
    match (field.kind, answer) {
        (FieldKind::ShortText, Some(Answer::Text(t))) if t.chars().count() > MAX_SHORT_TEXT => {
            Err(format!("Use at most {MAX_SHORT_TEXT} characters."))
        }
        (FieldKind::ShortText, Some(Answer::Text(_))) => Ok(()),
        (FieldKind::LongText, Some(Answer::Text(t))) if t.chars().count() > MAX_LONG_TEXT => {
            Err(format!("Use at most {MAX_LONG_TEXT} characters."))
        }
        (FieldKind::LongText, Some(Answer::Text(_))) => Ok(()),
        (FieldKind::Date, Some(Answer::Text(t))) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| "Enter the date as YYYY-MM-DD.".into()),
        (FieldKind::SingleChoice, Some(Answer::Text(t))) if field.options.contains(t) => Ok(()),
        (FieldKind::MultipleChoice, Some(Answer::Choices(c)))
            if c.iter().all(|o| field.options.contains(o)) =>
        {
            Ok(())
        }
        (FieldKind::Checkbox, Some(Answer::Checked(_))) => Ok(()),
        (FieldKind::Signature, Some(Answer::Signature { name, .. }))
            if name.trim().chars().count() > MAX_SHORT_TEXT =>
        {
            Err(format!("Use at most {MAX_SHORT_TEXT} characters."))
        }
        (FieldKind::Signature, Some(Answer::Signature { .. })) => Ok(()),
        _ => Err("This answer does not fit the question. Reload the form and try again.".into()),
    }
}

/// Checks a whole submission: every required field filled in and every answer well-formed.
/// Answers to fields the form does not have are refused too.
pub fn validate_submission(
    definition: &FormDefinition,
    answers: &Answers,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    for field in definition.fields() {
        errors.check(&field.id, check_answer(field, answers.get(&field.id)));
    }
    if answers
        .keys()
        .any(|id| !definition.fields().any(|f| &f.id == id))
    {
        errors.add("form", "The form has changed. Reload it and try again.");
    }
    errors.into_result(())
}

/// Checks a draft: answers may be missing, but what is there must fit (within limits), so a
/// draft cannot be used to store arbitrary data.
pub fn validate_draft(definition: &FormDefinition, answers: &Answers) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    for (id, answer) in answers {
        match definition.fields().find(|f| &f.id == id) {
            None => errors.add("form", "The form has changed. Reload it and try again."),
            Some(field) => {
                let relaxed = FormField {
                    required: false,
                    ..field.clone()
                };
                // A half-typed date is fine in a draft; its length is not.
                let result = match (field.kind, answer) {
                    (FieldKind::Date, Answer::Text(t)) if t.len() <= 10 => Ok(()),
                    _ => check_answer(&relaxed, Some(answer)),
                };
                errors.check(id, result);
            }
        }
    }
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            id: id.into(),
            label: id.into(),
            kind,
            required,
            help: None,
            options: if kind.has_options() {
                vec!["Yes".into(), "No".into()]
            } else {
                Vec::new()
            },
        }
    }

    fn form() -> FormDefinition {
        FormDefinition {
            sections: vec![FormSection {
                title: "About you".into(),
                fields: FieldKind::ALL
                    .into_iter()
                    .map(|k| field(k.key(), k, true))
                    .collect(),
            }],
        }
    }

    fn complete() -> Answers {
        BTreeMap::from([
            ("short_text".into(), Answer::Text("Jordan".into())),
            ("long_text".into(), Answer::Text("None".into())),
            ("date".into(), Answer::Text("2016-04-02".into())),
            ("single_choice".into(), Answer::Text("Yes".into())),
            ("multiple_choice".into(), Answer::Choices(vec!["No".into()])),
            ("checkbox".into(), Answer::Checked(true)),
            (
                "signature".into(),
                Answer::Signature {
                    name: "Alex Lee".into(),
                    consent: true,
                },
            ),
        ])
    }

    #[test]
    fn a_complete_form_passes() {
        assert_eq!(form().validate(), Ok(()));
        assert_eq!(validate_submission(&form(), &complete()), Ok(()));
    }

    #[test]
    fn a_blank_form_is_refused_field_by_field() {
        let errors = validate_submission(&form(), &Answers::new()).unwrap_err();
        for kind in FieldKind::ALL {
            assert!(errors.get(kind.key()).is_some(), "{kind:?}");
        }
        assert!(errors.get("signature").unwrap().contains("full name"));
    }

    #[test]
    fn an_unsigned_or_unconsented_signature_is_refused() {
        let mut answers = complete();
        answers.insert(
            "signature".into(),
            Answer::Signature {
                name: "Alex Lee".into(),
                consent: false,
            },
        );
        assert!(validate_submission(&form(), &answers)
            .unwrap_err()
            .get("signature")
            .is_some());
        answers.insert(
            "signature".into(),
            Answer::Signature {
                name: "  ".into(),
                consent: true,
            },
        );
        assert!(validate_submission(&form(), &answers).is_err());
    }

    #[test]
    fn malformed_answers_are_refused() {
        let mut answers = complete();
        answers.insert("date".into(), Answer::Text("04/02/2016".into()));
        answers.insert("single_choice".into(), Answer::Text("Maybe".into()));
        answers.insert("checkbox".into(), Answer::Text("yes".into()));
        answers.insert("unknown".into(), Answer::Text("x".into()));
        let errors = validate_submission(&form(), &answers).unwrap_err();
        assert!(errors.get("date").unwrap().contains("YYYY-MM-DD"));
        assert!(errors.get("single_choice").is_some());
        assert!(errors.get("checkbox").is_some());
        assert!(errors.get("form").is_some());
    }

    #[test]
    fn optional_fields_may_stay_empty_and_drafts_may_be_partial() {
        let mut def = form();
        for f in &mut def.sections[0].fields {
            f.required = false;
        }
        assert_eq!(validate_submission(&def, &Answers::new()), Ok(()));
        let partial = BTreeMap::from([
            ("short_text".into(), Answer::Text("Jor".into())),
            ("date".into(), Answer::Text("2016-0".into())),
        ]);
        assert_eq!(validate_draft(&form(), &partial), Ok(()));
        let too_long = BTreeMap::from([("short_text".into(), Answer::Text("x".repeat(500)))]);
        assert!(validate_draft(&form(), &too_long).is_err());
    }

    #[test]
    fn the_builder_refuses_broken_definitions() {
        let mut def = form();
        def.sections[0].title = " ".into();
        def.sections[0].fields[1].id = "short_text".into();
        def.sections[0].fields[3].options = vec!["Only".into()];
        let errors = def.validate().unwrap_err();
        assert!(errors.get("sections.0.title").is_some());
        assert!(errors.get("fields.short_text").is_some());
        assert!(errors.get("fields.single_choice").is_some());
        assert!(FormDefinition::default()
            .validate()
            .unwrap_err()
            .get("form")
            .is_some());
    }

    #[test]
    fn repeated_choices_are_kept_once_in_their_order() {
        let answers = Answers::from([(
            "concerns".to_string(),
            Answer::Choices(vec!["B".into(), "A".into(), "B".into(), "A".into()]),
        )]);
        assert_eq!(
            normalized(answers)["concerns"],
            Answer::Choices(vec!["B".into(), "A".into()])
        );
    }
}
