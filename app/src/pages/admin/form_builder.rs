//! Organization → Intake Forms: the templates, and the builder that edits one. The builder
//! keeps the form as a list of rows (section headings and fields) that can be added, moved and
//! removed; every change is checked with the shared rule, and saving stores a new version, so
//! forms already sent keep the version they were sent with. Editing needs JavaScript.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::forms::{
    get_form_template, list_form_templates, save_form_template, CreateFormTemplate,
};
use crate::domain::forms::{FieldKind, FormDefinition, FormField, FormSection};
use crate::domain::intake::TemplateDetail;
use crate::domain::validation;
use crate::error::AppError;
use crate::pages::form::{server_error, ActionMessage, Field, Submit};
use crate::pages::{route_id, ErrorNotice};

/// `/admin/organization/forms`.
#[component]
pub fn FormsPage() -> impl IntoView {
    let create = ServerAction::<CreateFormTemplate>::new();
    let options = Resource::new(|| (), |_| list_form_templates());
    view! {
        <Title text="Intake Forms"/>
        <h1>"Intake Forms"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) => view! {
                        <ul class="rows">
                            {o.templates.into_iter().map(|t| view! {
                                <li>
                                    <A href=format!("/admin/organization/forms/{}", t.id)>{t.name}</A>
                                    <span>{format!("version {}", t.version)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <details class="panel">
            <summary>"New form template"</summary>
            <ActionForm action=create attr:class="stacked">
                <Field label="Template name" name="name" id="template-name" required=true
                    server_error=server_error(create.value(), "name")
                    check=Arc::new(|v: &str| validation::required_text(v, "Name"))/>
                <ActionMessage value=create.value()/>
                <Submit label="Create and edit" pending_label="Creating…" pending=create.pending()/>
            </ActionForm>
        </details>
    }
}

/// One row of the builder.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Section(String),
    Field(FormField),
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    uid: u32,
    part: Part,
}

fn to_rows(definition: &FormDefinition) -> Vec<Row> {
    let mut rows = Vec::new();
    for section in &definition.sections {
        rows.push(Part::Section(section.title.clone()));
        rows.extend(section.fields.iter().cloned().map(Part::Field));
    }
    rows.into_iter()
        .enumerate()
        .map(|(n, part)| Row {
            uid: n as u32,
            part,
        })
        .collect()
}

fn to_definition(rows: &[Row]) -> FormDefinition {
    let mut sections: Vec<FormSection> = Vec::new();
    for row in rows {
        match &row.part {
            Part::Section(title) => sections.push(FormSection {
                title: title.clone(),
                fields: Vec::new(),
            }),
            Part::Field(field) => {
                if sections.is_empty() {
                    sections.push(FormSection {
                        title: String::new(),
                        fields: Vec::new(),
                    });
                }
                if let Some(last) = sections.last_mut() {
                    last.fields.push(field.clone());
                }
            }
        }
    }
    FormDefinition { sections }
}

/// The validation messages of the current rows, by row (and `None` for the whole form).
fn messages(rows: &[Row]) -> BTreeMap<Option<u32>, String> {
    let Err(errors) = to_definition(rows).validate() else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    let mut section = None::<usize>;
    let mut first_field_uid = None;
    for row in rows {
        match &row.part {
            Part::Section(_) => {
                section = Some(section.map_or(0, |n| n + 1));
                if let Some(m) = errors.get(&format!("sections.{}.title", section.unwrap_or(0))) {
                    out.insert(Some(row.uid), m.to_owned());
                }
            }
            Part::Field(f) => {
                first_field_uid.get_or_insert(row.uid);
                if let Some(m) = errors.get(&format!("fields.{}", f.id)) {
                    out.entry(Some(row.uid)).or_insert_with(|| m.to_owned());
                }
            }
        }
    }
    if let Some(m) = errors.get("form") {
        out.insert(None, m.to_owned());
    }
    if section.is_none() && first_field_uid.is_some() {
        out.insert(None, "Start the form with a section.".into());
    }
    out
}

/// `/admin/organization/forms/:id`.
#[component]
pub fn FormBuilderPage() -> impl IntoView {
    let id = route_id("id");
    let template = Resource::new(id, get_form_template);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match template.await {
                    Ok(t) => view! { <Title text=t.name.clone()/><Builder template=t/> }.into_any(),
                    Err(e) => view! { <Title text="Form template"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Builder(template: TemplateDetail) -> impl IntoView {
    let template_id = template.id;
    let initial = to_rows(&template.definition);
    let next_uid = StoredValue::new(initial.len() as u32);
    let rows = RwSignal::new(initial);
    let version = RwSignal::new(template.version);
    let save = Action::new(move |json: &String| {
        let json = json.clone();
        async move { save_form_template(template_id, json).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(v)) = save.value().get() {
            version.set(v);
        }
    });
    let errors = Memo::new(move |_| rows.with(|r| messages(r)));
    let add = move |part: Part| {
        let uid = next_uid.get_value();
        next_uid.set_value(uid + 1);
        rows.update(|r| r.push(Row { uid, part }));
    };
    let add_field = move |_| {
        let n = rows.with(|r| {
            r.iter()
                .filter_map(|row| match &row.part {
                    Part::Field(f) => f.id.strip_prefix('f')?.parse::<u32>().ok(),
                    Part::Section(_) => None,
                })
                .max()
                .unwrap_or(0)
                + 1
        });
        add(Part::Field(FormField {
            id: format!("f{n}"),
            label: format!("Question {n}"),
            kind: FieldKind::ShortText,
            required: false,
            help: None,
            options: Vec::new(),
        }));
    };
    let add_section = move |_| {
        let n = rows.with(|r| {
            r.iter()
                .filter(|row| matches!(row.part, Part::Section(_)))
                .count()
                + 1
        });
        add(Part::Section(format!("Section {n}")));
    };
    let on_save = move |_| {
        let json =
            serde_json::to_string(&rows.with_untracked(|r| to_definition(r))).unwrap_or_default();
        save.dispatch(json);
    };
    let save_message = move || {
        match save.value().get() {
        Some(Ok(v)) => Some(view! { <p class="form-success" role="status">{format!("Saved as version {v}. Forms already sent keep their version.")}</p> }.into_any()),
        Some(Err(AppError::Invalid(_))) => Some(view! { <p class="form-error" role="alert">"Some parts of the form need attention. They are marked below."</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <p><A href="/admin/organization/forms">"All form templates"</A></p>
        <h1>{template.name.clone()}</h1>
        <p class="lead">{move || format!("Current version: {}. Saving creates the next version.", version.get())}</p>
        <p class="form-error">{move || errors.with(|e| e.get(&None).cloned())}</p>
        <ol class="builder" aria-label="Sections and fields">
            <For each=move || rows.get() key=|row| row.uid let:row>
                <RowEditor row rows errors/>
            </For>
        </ol>
        <div class="button-row">
            <button type="button" class="secondary" on:click=add_section>"Add section"</button>
            <button type="button" class="secondary" on:click=add_field>"Add field"</button>
        </div>
        {save_message}
        <button type="button" on:click=on_save disabled=move || save.pending().get()>
            {move || if save.pending().get() { "Saving…" } else { "Save new version" }}
        </button>
    }
}

/// Edits one row in place; the row's inputs keep their own text, and each change updates the rows.
#[component]
fn RowEditor(
    row: Row,
    rows: RwSignal<Vec<Row>>,
    errors: Memo<BTreeMap<Option<u32>, String>>,
) -> impl IntoView {
    let uid = row.uid;
    let id = move |what: &str| format!("b{uid}-{what}");
    let change = move |f: Box<dyn FnOnce(&mut Part)>| {
        rows.update(|r| {
            if let Some(row) = r.iter_mut().find(|x| x.uid == uid) {
                f(&mut row.part);
            }
        })
    };
    let position =
        move || rows.with(|r| (r.iter().position(|x| x.uid == uid).unwrap_or(0), r.len()));
    let shift = move |by: isize| {
        rows.update(|r| {
            if let Some(i) = r.iter().position(|x| x.uid == uid) {
                let j = i as isize + by;
                if j >= 0 && (j as usize) < r.len() {
                    r.swap(i, j as usize);
                }
            }
        })
    };
    let remove = move |_| rows.update(|r| r.retain(|x| x.uid != uid));
    let error = move || errors.with(|e| e.get(&Some(uid)).cloned());
    // The buttons' names say which row they act on, and follow its current title or question.
    let name = move || {
        rows.with(|r| match r.iter().find(|x| x.uid == uid).map(|x| &x.part) {
            Some(Part::Section(t)) => format!("section {t}"),
            Some(Part::Field(f)) => format!("field {}", f.label),
            None => String::new(),
        })
    };
    let controls = view! {
        <div class="button-row">
            <button type="button" class="secondary" aria-label=move || format!("Move up: {}", name()) disabled=move || position().0 == 0 on:click=move |_| shift(-1)>"Move up"</button>
            <button type="button" class="secondary" aria-label=move || format!("Move down: {}", name()) disabled=move || { let (i, n) = position(); i + 1 >= n } on:click=move |_| shift(1)>"Move down"</button>
            <button type="button" class="secondary" aria-label=move || format!("Remove: {}", name()) on:click=remove>"Remove"</button>
        </div>
    };
    let body = match row.part {
        Part::Section(title) => view! {
            <div class="field">
                <label for=id("title")>"Section title"</label>
                <input id=id("title") type="text" prop:value=title
                    on:input=move |ev| { let v = event_target_value(&ev); change(Box::new(move |p| if let Part::Section(t) = p { *t = v })) }/>
            </div>
        }.into_any(),
        Part::Field(field) => {
            let kind_now = move || rows.with(|r| r.iter().find(|x| x.uid == uid).and_then(|x| match &x.part {
                Part::Field(f) => Some(f.kind),
                Part::Section(_) => None,
            }));
            let kind = field.kind;
            view! {
                <div class="field">
                    <label for=id("label")>"Question"</label>
                    <input id=id("label") type="text" prop:value=field.label.clone()
                        on:input=move |ev| { let v = event_target_value(&ev); change(Box::new(move |p| if let Part::Field(f) = p { f.label = v })) }/>
                </div>
                <div class="field">
                    <label for=id("kind")>"Answer type"</label>
                    <select id=id("kind") on:change=move |ev| {
                        let v = event_target_value(&ev);
                        change(Box::new(move |p| if let Part::Field(f) = p { if let Some(k) = FieldKind::from_key(&v) { f.kind = k } }))
                    }>
                        {FieldKind::ALL.into_iter().map(|k| view! { <option value=k.key() selected=k == kind>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <label for=id("required") class="check">
                    <input id=id("required") type="checkbox" prop:checked=field.required
                        on:change=move |ev| { let v = event_target_checked(&ev); change(Box::new(move |p| if let Part::Field(f) = p { f.required = v })) }/>
                    "Required"
                </label>
                <div class="field">
                    <label for=id("help")>"Help text (optional)"</label>
                    <input id=id("help") type="text" prop:value=field.help.clone().unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); change(Box::new(move |p| if let Part::Field(f) = p { f.help = Some(v).filter(|h| !h.trim().is_empty()) })) }/>
                </div>
                <div class="field" hidden=move || !kind_now().is_some_and(FieldKind::has_options)>
                    <label for=id("options")>"Options, one per line"</label>
                    <textarea id=id("options") rows="3" prop:value=field.options.join("\n")
                        on:input=move |ev| { let v = event_target_value(&ev); change(Box::new(move |p| if let Part::Field(f) = p {
                            f.options = v.lines().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect()
                        })) }></textarea>
                </div>
            }.into_any()
        }
    };
    view! {
        <li class="builder-row">
            {body}
            <p class="field-error" aria-live="polite">{error}</p>
            {controls}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_to_the_same_definition() {
        let def = crate::domain::intake::starter_definition();
        assert_eq!(to_definition(&to_rows(&def)), def);
        assert!(messages(&to_rows(&def)).is_empty());
    }

    #[test]
    fn problems_are_shown_on_their_row() {
        let mut rows = to_rows(&crate::domain::intake::starter_definition());
        if let Part::Field(f) = &mut rows[1].part {
            f.kind = FieldKind::SingleChoice;
        }
        rows[0].part = Part::Section(" ".into());
        let m = messages(&rows);
        assert!(m.get(&Some(0)).unwrap().contains("title"));
        assert!(m.get(&Some(1)).unwrap().contains("two options"));
    }
}
