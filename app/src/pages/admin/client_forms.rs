//! Intake forms on a client's page: the forms sent with their status (remind, cancel, view),
//! the send-forms form, and the print-friendly submission page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::forms::{get_submission, CancelForm, RemindForm, SendForms};
use crate::domain::client::ContactSummary;
use crate::domain::intake::{FormOptions, SentFormSummary};
use crate::pages::form::{field_error, last_error, successes, ActionMessage, Submit};
use crate::pages::portal_forms::AnswerSections;
use crate::pages::{route_id, ErrorNotice};

/// The actions of the forms section, created by the page so that they refresh the list.
#[derive(Clone, Copy)]
pub struct FormActions {
    pub send: ServerAction<SendForms>,
    pub remind: ServerAction<RemindForm>,
    pub cancel: ServerAction<CancelForm>,
}

impl FormActions {
    pub fn new() -> FormActions {
        FormActions {
            send: ServerAction::new(),
            remind: ServerAction::new(),
            cancel: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions succeeds.
    pub fn saved(&self) -> impl Fn() -> [usize; 3] + Copy + Send + Sync + 'static {
        let memos = [
            successes(self.send.value(), self.send.version()),
            successes(self.remind.value(), self.remind.version()),
            successes(self.cancel.value(), self.cancel.version()),
        ];
        move || memos.map(|m| m.get())
    }
}

impl Default for FormActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The forms section of a client's page.
#[component]
pub fn ClientForms(
    client_id: i32,
    client_has_email: bool,
    contacts: Vec<ContactSummary>,
    forms: Vec<SentFormSummary>,
    options: FormOptions,
    actions: FormActions,
) -> impl IntoView {
    view! {
        <section aria-labelledby="forms-heading">
            <h2 id="forms-heading">"Intake forms"</h2>
            <ActionMessage value=actions.remind.value() success="Reminder sent."/>
            <ActionMessage value=actions.cancel.value() success="Form cancelled."/>
            {if forms.is_empty() {
                view! { <p class="empty">"No forms sent yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows sent-forms">
                        {forms.into_iter().map(|f| view! { <SentFormRow client_id form=f actions/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <SendFormsForm client_id client_has_email contacts options action=actions.send/>
        </section>
    }
}

#[component]
fn SentFormRow(client_id: i32, form: SentFormSummary, actions: FormActions) -> impl IntoView {
    let open = form.status.is_open();
    let label = format!("{} (version {})", form.title, form.version);
    let when = match &form.submitted_at {
        Some(at) => format!("submitted {at}"),
        None => format!("due {}", form.due_on.format("%Y-%m-%d")),
    };
    let (remind_name, cancel_name) = (
        format!("Remind: {}", form.title),
        format!("Cancel: {}", form.title),
    );
    view! {
        <li class="sent-form">
            <div>
                <A href=format!("/admin/clients/{client_id}/forms/{}", form.id)>{label}</A>
                <div class="meta">{format!("{} · to {} · sent {} · {when}", form.status.label(), form.recipient, form.sent_at)}</div>
            </div>
            {open.then(|| view! {
                <div class="button-row">
                    <ActionForm action=actions.remind attr:class="inline">
                        <input type="hidden" name="client_id" value=client_id/>
                        <input type="hidden" name="form_id" value=form.id/>
                        <button type="submit" class="secondary" aria-label=remind_name>"Remind"</button>
                    </ActionForm>
                    <ActionForm action=actions.cancel attr:class="inline">
                        <input type="hidden" name="client_id" value=client_id/>
                        <input type="hidden" name="form_id" value=form.id/>
                        <button type="submit" class="secondary" aria-label=cancel_name>"Cancel"</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

#[component]
fn SendFormsForm(
    client_id: i32,
    client_has_email: bool,
    contacts: Vec<ContactSummary>,
    options: FormOptions,
    action: ServerAction<SendForms>,
) -> impl IntoView {
    let error = last_error(action.value());
    // Contacts who can receive forms: an email and live access with the forms scope.
    let recipients: Vec<(String, String)> = client_has_email
        .then(|| ("client".to_string(), "The client".to_string()))
        .into_iter()
        .chain(
            contacts
                .into_iter()
                .filter(|c| c.email.is_some() && c.access_live && c.access.scopes.forms)
                .map(|c| (format!("contact:{}", c.id), c.name)),
        )
        .collect();
    if recipients.is_empty() || options.templates.is_empty() {
        return view! {
            <p class="hint">"To send forms, the client needs an email, or a contact with an email and portal access with the intake forms scope."</p>
        }
        .into_any();
    }
    view! {
        <details class="panel">
            <summary>"Send forms"</summary>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="client_id" value=client_id/>
                <fieldset>
                    <legend>"Forms"</legend>
                    {options.templates.into_iter().enumerate().map(|(n, t)| {
                        let id = format!("send-template-{}", t.id);
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="check">
                                <input type="checkbox" id=id name=format!("input[template_ids][{n}]") value=t.id/>
                                {t.name}
                            </label>
                        }
                    }).collect_view()}
                    <p class="field-error" aria-live="polite">{field_error(error, "template_ids")}</p>
                </fieldset>
                <div class="field">
                    <label for="send-recipient">"Send to"</label>
                    <select id="send-recipient" name="input[recipient]">
                        {recipients.into_iter().map(|(value, name)| view! { <option value=value>{name}</option> }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{field_error(error, "recipient")}</p>
                </div>
                <div class="field">
                    <label for="send-location">"Location"</label>
                    <select id="send-location" name="input[location_id]">
                        {options.locations.into_iter().map(|l| view! { <option value=l.id>{l.name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="send-due">"Due date"</label>
                    <input type="date" id="send-due" name="input[due_on]" required=true/>
                    <p class="field-error" aria-live="polite">{field_error(error, "due_on")}</p>
                </div>
                <ActionMessage value=action.value() success="Forms sent."/>
                <Submit label="Send forms" pending_label="Sending…" pending=action.pending()/>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// Opens the browser's print dialog (the print style sheet shows only the form).
fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = leptos::web_sys::window() {
        let _ = window.print();
    }
}

/// `/admin/clients/:id/forms/:form`: a form and its answers, print-friendly. Opening it is audited.
#[component]
pub fn SubmissionPage() -> impl IntoView {
    let (client, form) = (route_id("id"), route_id("form"));
    let ids = move || (client(), form());
    let submission = Resource::new(ids, |(c, f)| get_submission(c, f));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match submission.await {
                    Ok(s) => {
                        let back = format!("/admin/clients/{}", ids().0);
                        view! {
                            <Title text=s.title.clone()/>
                            <p class="no-print button-row">
                                <A href=back>{format!("Back to {}", s.client)}</A>
                                <button type="button" class="secondary" on:click=|_| print_page()>"Print"</button>
                            </p>
                            <article class="submission">
                                <h1>{format!("{} — {}", s.title, s.client)}</h1>
                                <dl class="details">
                                    <dt>"Form version"</dt><dd>{s.version}</dd>
                                    <dt>"Status"</dt><dd>{s.status.label()}</dd>
                                    <dt>"Location"</dt><dd>{s.location.name.clone()}{s.location.address.clone().map(|a| format!(", {a}"))}</dd>
                                    <dt>"Submitted"</dt><dd>{match (s.submitted_at.clone(), s.submitted_by.clone()) {
                                        (Some(at), Some(by)) => format!("{at} by {by}"),
                                        (Some(at), None) => at,
                                        _ => "Not yet".into(),
                                    }}</dd>
                                    <dt>"Signature"</dt><dd>{match (&s.signed_name, &s.signed_at) {
                                        (Some(name), Some(at)) => format!("{name}, {at}, from {}", s.signed_ip.clone().unwrap_or_default()),
                                        _ => "Not signed".into(),
                                    }}</dd>
                                </dl>
                                <AnswerSections definition=s.definition answers=s.answers/>
                            </article>
                        }.into_any()
                    }
                    Err(e) => view! { <Title text="Form"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
