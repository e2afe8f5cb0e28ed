//! The portal's Forms tab and the form-filling page: each answer is checked by the shared rule
//! as it is typed, the draft is saved on the server as the person goes (so a reload or another
//! device continues from it), and submitting sends everything for the server to check again.
//! Filling in needs JavaScript; the completed form reads back without it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{route_id, ErrorNotice};
use crate::api::forms::{get_portal_form, list_portal_forms, save_form_draft, submit_form};
use crate::domain::forms::{check_answer, Answer, Answers, FieldKind, FormDefinition, FormField};
use crate::domain::intake::{FormLocation, FormStatus, PortalForm, PortalFormSummary};
use crate::error::AppError;

/// `/portal/clients/:id/forms`: outstanding and completed forms.
#[component]
pub fn PortalFormsPage() -> impl IntoView {
    let client = route_id("id");
    let forms = Resource::new(client, list_portal_forms);
    view! {
        <Title text="Forms"/>
        <h1>"Forms"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match forms.await {
                    Ok(forms) => {
                        let (open, done): (Vec<_>, Vec<_>) = forms.into_iter().partition(|f| f.status.is_open());
                        view! {
                            <FormList heading="Outstanding" empty="Nothing to fill in right now." forms=open client=client()/>
                            <FormList heading="Completed" empty="No completed forms yet." forms=done client=client()/>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FormList(
    heading: &'static str,
    empty: &'static str,
    forms: Vec<PortalFormSummary>,
    client: i32,
) -> impl IntoView {
    let id = format!("forms-{}", heading.to_ascii_lowercase());
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=id>{heading}</h2>
            {if forms.is_empty() {
                view! { <p class="empty">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {forms.into_iter().map(|f| view! {
                            <li>
                                {if f.yours {
                                    view! { <A href=format!("/portal/clients/{client}/forms/{}", f.id)>{f.title}</A> }.into_any()
                                } else {
                                    // Sent to someone else: its existence and status, not its answers.
                                    view! { <span class="title">{f.title}</span> }.into_any()
                                }}
                                <span>{f.status.label()}" · due "{f.due_on.format("%Y-%m-%d").to_string()}</span>
                                <span class="addressee">{if f.yours { "For you".to_string() } else { format!("For {}", f.addressee) }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// `/portal/clients/:id/forms/:form`.
#[component]
pub fn PortalFormPage() -> impl IntoView {
    let client = route_id("id");
    let form_id = route_id("form");
    let submitted = RwSignal::new(0usize);
    let form = Resource::new(
        move || (client(), form_id(), submitted.get()),
        |(c, f, _)| get_portal_form(c, f),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading the form…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(f) => view! {
                        <Title text=f.title.clone()/>
                        <FormView form=f client=client() submitted/>
                    }.into_any(),
                    Err(e) => view! { <Title text="Form"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Where(location: FormLocation) -> impl IntoView {
    view! {
        <p class="form-location">
            "Location: " <strong>{location.name}</strong>
            {location.address.map(|a| view! { <br/><span class="address">{a}</span> })}
        </p>
    }
}

#[component]
fn FormView(form: PortalForm, client: i32, submitted: RwSignal<usize>) -> impl IntoView {
    let back = format!("/portal/clients/{client}/forms");
    view! {
        <p><A href=back>"All forms"</A></p>
        <h1>{form.title.clone()}</h1>
        <Where location=form.location.clone()/>
        {if form.status == FormStatus::Completed {
            view! { <ReadBack form/> }.into_any()
        } else {
            view! {
                <p>"Due " {form.due_on.format("%Y-%m-%d").to_string()} ". Your answers are saved as a draft as you go."</p>
                {super::islands::fill_in(client, form.id, form.definition, form.answers, submitted)}
            }.into_any()
        }}
    }
}

/// A completed form, read-only.
#[component]
fn ReadBack(form: PortalForm) -> impl IntoView {
    view! {
        <p class="form-success" role="status">{format!("Submitted {}. This form is locked.", form.submitted_at.unwrap_or_default())}</p>
        <AnswerSections definition=form.definition answers=form.answers/>
    }
}

/// Each section of a form with its questions and answers, read-only (portal and staff views).
#[component]
pub fn AnswerSections(definition: FormDefinition, answers: Answers) -> impl IntoView {
    definition
        .sections
        .into_iter()
        .map(|s| {
            view! {
                <section class="form-section">
                    <h2>{s.title}</h2>
                    <dl class="details">
                        {s.fields.into_iter().map(|f| view! {
                            <dt>{f.label.clone()}</dt>
                            <dd>{describe(answers.get(&f.id))}</dd>
                        }).collect_view()}
                    </dl>
                </section>
            }
        })
        .collect_view()
}

/// An answer as text.
pub fn describe(answer: Option<&Answer>) -> String {
    match answer {
        None => "—".into(),
        Some(Answer::Text(t)) if t.trim().is_empty() => "—".into(),
        Some(Answer::Text(t)) => t.clone(),
        Some(Answer::Choices(c)) if c.is_empty() => "—".into(),
        Some(Answer::Choices(c)) => c.join(", "),
        Some(Answer::Checked(true)) => "Yes".into(),
        Some(Answer::Checked(false)) => "No".into(),
        Some(Answer::Signature {
            name,
            consent: true,
        }) => format!("Signed: {name}"),
        Some(Answer::Signature { .. }) => "Not signed".into(),
    }
}

/// The fillable form: answers in a signal, a draft saved shortly after each change;
/// `submitted` counts the submissions the server accepted.
#[component]
pub fn FillIn(
    client: i32,
    form_id: i32,
    definition: FormDefinition,
    answers: Answers,
    submitted: RwSignal<usize>,
) -> impl IntoView {
    let answers = RwSignal::new(answers);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let save = Action::new(move |json: &String| {
        let json = json.clone();
        async move { save_form_draft(client, form_id, json).await }
    });
    let submit = Action::new(move |json: &String| {
        let json = json.clone();
        async move { submit_form(client, form_id, json).await }
    });
    let pending_save = StoredValue::new(None::<TimeoutHandle>);
    let schedule_save = move || {
        if let Some(handle) = pending_save.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let json = serde_json::to_string(&answers.get_untracked()).unwrap_or_default();
                save.dispatch(json);
            },
            std::time::Duration::from_millis(600),
        )
        .ok();
        pending_save.set_value(handle);
    };
    Effect::new(move |_| {
        if let Some(Err(AppError::Invalid(found))) = submit.value().get() {
            errors.set(found.0.iter().cloned().collect());
        }
        if let Some(Ok(())) = submit.value().get() {
            submitted.update(|n| *n += 1);
        }
    });
    let fields = definition.fields().cloned().collect::<Vec<_>>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(handle) = pending_save.get_value() {
            handle.clear();
        }
        let now = answers.get_untracked();
        let local: BTreeMap<String, String> = fields
            .iter()
            .filter_map(|f| {
                check_answer(f, now.get(&f.id))
                    .err()
                    .map(|e| (f.id.clone(), e))
            })
            .collect();
        errors.set(local);
        // The server checks again either way; its answer replaces these messages.
        submit.dispatch(serde_json::to_string(&now).unwrap_or_default());
    };
    let save_status = move || match (save.pending().get(), save.value().get()) {
        (true, _) => "Saving draft…".to_string(),
        (false, Some(Ok(()))) => "Draft saved.".to_string(),
        (false, Some(Err(e))) => format!("The draft was not saved: {e}"),
        (false, None) => String::new(),
    };
    let submit_error = move || match submit.value().get() {
        Some(Err(AppError::Invalid(_))) => {
            Some("Some answers need attention. They are marked below.".to_string())
        }
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <form class="intake" on:submit=on_submit novalidate=true>
            {definition.sections.into_iter().map(|s| view! {
                <section class="form-section">
                    <h2>{s.title}</h2>
                    {s.fields.into_iter().map(|f| view! { <Question field=f answers errors on_change=schedule_save/> }).collect_view()}
                </section>
            }).collect_view()}
            <p class="draft-status" role="status" aria-live="polite">{save_status}</p>
            {move || submit_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { "Submitting…" } else { "Sign and submit" }}
            </button>
        </form>
    }
}

/// The fillable form on an islands page. Once the server accepts it, the browser loads the page
/// again, which reads the form back, locked.
#[cfg(any(feature = "ssr", feature = "task-islands"))]
#[island(lazy)]
pub fn FillInIsland(
    client: i32,
    form_id: i32,
    definition: FormDefinition,
    answers: Answers,
) -> impl IntoView {
    let submitted = RwSignal::new(0usize);
    Effect::new(move |_| {
        if submitted.get() > 0 {
            let _ = window().location().reload();
        }
    });
    view! { <FillIn client form_id definition answers submitted/> }
}

/// What every kind of question shares: its element id, what describes it (help and error),
/// whether it is invalid now, and how to store an answer (which checks it live).
#[derive(Clone)]
struct Frame {
    id: String,
    described: String,
    help_id: String,
    invalid: Signal<&'static str>,
    set: Callback<Answer>,
}

/// One question: the frame around the control of its kind, with its live check and its error.
#[component]
fn Question<F>(
    field: FormField,
    answers: RwSignal<Answers>,
    errors: RwSignal<BTreeMap<String, String>>,
    on_change: F,
) -> impl IntoView
where
    F: Fn() + Copy + Send + Sync + 'static,
{
    let id = format!("q-{}", field.id);
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let rule = field.clone();
    let set = Callback::new(move |answer: Answer| {
        answers.update(|a| {
            a.insert(rule.id.clone(), answer);
        });
        let result = check_answer(
            &rule,
            answers
                .with_untracked(|a| a.get(&rule.id).cloned())
                .as_ref(),
        );
        errors.update(|e| match result {
            Ok(()) => {
                e.remove(&rule.id);
            }
            Err(message) => {
                e.insert(rule.id.clone(), message);
            }
        });
        on_change();
    });
    let field_key = field.id.clone();
    let error = Signal::derive(move || errors.with(|e| e.get(&field_key).cloned()));
    let frame = Frame {
        described: if field.help.is_some() {
            format!("{help_id} {error_id}")
        } else {
            error_id.clone()
        },
        invalid: Signal::derive(move || {
            if error.get().is_some() {
                "true"
            } else {
                "false"
            }
        }),
        id,
        help_id,
        set,
    };
    let control = match field.kind {
        FieldKind::ShortText | FieldKind::Date | FieldKind::LongText => {
            view! { <TextQuestion field answers frame/> }.into_any()
        }
        FieldKind::Checkbox => view! { <CheckboxQuestion field answers frame/> }.into_any(),
        FieldKind::SingleChoice | FieldKind::MultipleChoice => {
            view! { <ChoiceQuestion field answers frame/> }.into_any()
        }
        FieldKind::Signature => view! { <SignatureQuestion field answers frame/> }.into_any(),
    };
    view! {
        <div class="field question">
            {control}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// The asterisk of a required question (the input carries `required` for assistive technology).
fn required_mark(field: &FormField) -> Option<impl IntoView> {
    field
        .required
        .then_some(view! { <span aria-hidden="true">" *"</span> })
}

/// The question's help text, if it has one.
fn help_text(field: &FormField, frame: &Frame) -> Option<impl IntoView> {
    let help_id = frame.help_id.clone();
    field
        .help
        .clone()
        .map(|h| view! { <p class="hint" id=help_id>{h}</p> })
}

/// A short text, a date or a long text.
#[component]
fn TextQuestion(field: FormField, answers: RwSignal<Answers>, frame: Frame) -> impl IntoView {
    let text = match answers.with_untracked(|a| a.get(&field.id).cloned()) {
        Some(Answer::Text(t)) => t,
        _ => String::new(),
    };
    let set = frame.set;
    let on_input = move |ev| set.run(Answer::Text(event_target_value(&ev)));
    let label =
        view! { <label for=frame.id.clone()>{field.label.clone()}{required_mark(&field)}</label> };
    let help = help_text(&field, &frame);
    let Frame {
        id,
        described,
        invalid,
        ..
    } = frame;
    if field.kind == FieldKind::LongText {
        view! {
            {label}{help}
            <textarea id=id rows="4" prop:value=text required=field.required aria-invalid=invalid aria-describedby=described
                on:input=on_input></textarea>
        }.into_any()
    } else {
        let kind = if field.kind == FieldKind::Date {
            "date"
        } else {
            "text"
        };
        view! {
            {label}{help}
            <input id=id type=kind prop:value=text required=field.required aria-invalid=invalid aria-describedby=described
                on:input=on_input/>
        }.into_any()
    }
}

/// A single checkbox (for example "I have read the policy").
#[component]
fn CheckboxQuestion(field: FormField, answers: RwSignal<Answers>, frame: Frame) -> impl IntoView {
    let checked = matches!(
        answers.with_untracked(|a| a.get(&field.id).cloned()),
        Some(Answer::Checked(true))
    );
    let set = frame.set;
    let help = help_text(&field, &frame);
    let label_for = frame.id.clone();
    view! {
        {help}
        <label for=label_for class="check">
            <input id=frame.id type="checkbox" prop:checked=checked aria-invalid=frame.invalid aria-describedby=frame.described
                on:change=move |ev| set.run(Answer::Checked(event_target_checked(&ev)))/>
            {field.label.clone()}{required_mark(&field)}
        </label>
    }
}

/// One choice (radio buttons) or several (checkboxes) among the question's options.
#[component]
fn ChoiceQuestion(field: FormField, answers: RwSignal<Answers>, frame: Frame) -> impl IntoView {
    let multiple = field.kind == FieldKind::MultipleChoice;
    let chosen: Vec<String> = match answers.with_untracked(|a| a.get(&field.id).cloned()) {
        Some(Answer::Text(t)) => vec![t],
        Some(Answer::Choices(c)) => c,
        _ => Vec::new(),
    };
    let help = help_text(&field, &frame);
    let Frame {
        id,
        described,
        invalid,
        set,
        ..
    } = frame;
    let options = field.options.iter().enumerate().map(|(n, option)| {
        let option_id = format!("{id}-{n}");
        let label_for = option_id.clone();
        let value = option.clone();
        let key = field.id.clone();
        let on_change = move |ev| {
            let on = event_target_checked(&ev);
            if multiple {
                let mut list = match answers.with_untracked(|a| a.get(&key).cloned()) {
                    Some(Answer::Choices(c)) => c,
                    _ => Vec::new(),
                };
                list.retain(|o| o != &value);
                if on {
                    list.push(value.clone());
                }
                set.run(Answer::Choices(list));
            } else if on {
                set.run(Answer::Text(value.clone()));
            }
        };
        view! {
            <label for=label_for class="check">
                <input id=option_id type=if multiple { "checkbox" } else { "radio" } name=id.clone()
                    prop:checked=chosen.contains(option) on:change=on_change/>
                {option.clone()}
            </label>
        }
    }).collect_view();
    view! {
        <fieldset aria-invalid=invalid aria-describedby=described>
            <legend>{field.label.clone()}{required_mark(&field)}</legend>
            {help}
            {options}
        </fieldset>
    }
}

/// A typed signature: the signer's full name and their consent that it is their signature.
#[component]
fn SignatureQuestion(field: FormField, answers: RwSignal<Answers>, frame: Frame) -> impl IntoView {
    let key = field.id.clone();
    let signature = move || match answers.with_untracked(|a| a.get(&key).cloned()) {
        Some(Answer::Signature { name, consent }) => (name, consent),
        _ => (String::new(), false),
    };
    let (name, consent) = signature();
    let help = help_text(&field, &frame);
    let set = frame.set;
    let (name_id, consent_id) = (
        format!("{}-name", frame.id),
        format!("{}-consent", frame.id),
    );
    let (name_for, consent_for) = (name_id.clone(), consent_id.clone());
    let signature_now = signature.clone();
    view! {
        <fieldset class="signature" aria-invalid=frame.invalid aria-describedby=frame.described>
            <legend>{field.label.clone()}{required_mark(&field)}</legend>
            {help}
            <label for=name_for>"Your full name"</label>
            <input id=name_id type="text" autocomplete="name" prop:value=name
                on:input=move |ev| set.run(Answer::Signature { name: event_target_value(&ev), consent: signature_now().1 })/>
            <label for=consent_for class="check">
                <input id=consent_id type="checkbox" prop:checked=consent
                    on:change=move |ev| set.run(Answer::Signature { name: signature().0, consent: event_target_checked(&ev) })/>
                "I agree that typing my name is my signature on this form."
            </label>
        </fieldset>
    }
}
