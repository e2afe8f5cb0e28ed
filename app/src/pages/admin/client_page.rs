//! A client's page: details, assigned staff and contacts; administrators edit, assign and add contacts.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::client_new::ClientFields;
use crate::api::clients::{get_client, AddContact, AssignStaff, UnassignStaff, UpdateClient};
use crate::domain::client::ClientDetail;
use crate::domain::contact::{ContactInput, Relationship};
use crate::pages::form::{field_error, last_error, ActionMessage, Field, Submit};
use crate::pages::ErrorNotice;

/// `/admin/clients/:id`.
#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i32>().ok())
                .unwrap_or(0)
        })
    };
    let update = ServerAction::<UpdateClient>::new();
    let assign = ServerAction::<AssignStaff>::new();
    let unassign = ServerAction::<UnassignStaff>::new();
    let add_contact = ServerAction::<AddContact>::new();
    let client = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                assign.version().get(),
                unassign.version().get(),
                add_contact.version().get(),
            )
        },
        |(id, ..)| get_client(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading client…"</p> }>
            {move || Suspend::new(async move {
                match client.await {
                    Ok(c) => view! { <ClientView client=c update assign unassign add_contact/> }.into_any(),
                    Err(e) => view! { <Title text="Client"/><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClientView(
    client: ClientDetail,
    update: ServerAction<UpdateClient>,
    assign: ServerAction<AssignStaff>,
    unassign: ServerAction<UnassignStaff>,
    add_contact: ServerAction<AddContact>,
) -> impl IntoView {
    let name = client.name();
    let id = client.id;
    let manage = client.can_manage;
    let initial = client.to_input();
    view! {
        <Title text=name.clone()/>
        <h1>{name}</h1>
        <dl class="details">
            <dt>"Date of birth"</dt><dd>{client.date_of_birth.format("%Y-%m-%d").to_string()}</dd>
            <dt>"Email"</dt><dd>{client.email.clone().unwrap_or_else(|| "None (managed through contacts)".into())}</dd>
        </dl>
        {manage.then(|| view! {
            <details class="panel">
                <summary>"Edit details"</summary>
                <ActionForm action=update attr:class="stacked">
                    <input type="hidden" name="id" value=id/>
                    <ClientFields initial=initial error=last_error(update.value())/>
                    <ActionMessage value=update.value() success="Saved."/>
                    <Submit label="Save" pending_label="Saving…" pending=update.pending()/>
                </ActionForm>
            </details>
        })}
        <section aria-labelledby="staff-heading">
            <h2 id="staff-heading">"Assigned staff"</h2>
            {if client.assigned_staff.is_empty() {
                view! { <p class="empty">"No staff assigned."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {client.assigned_staff.into_iter().map(|s| view! {
                            <li>
                                <span>{s.name.clone()}{s.is_therapist.then_some(" (therapist)")}</span>
                                {manage.then(|| view! {
                                    <ActionForm action=unassign attr:class="inline">
                                        <input type="hidden" name="client_id" value=id/>
                                        <input type="hidden" name="staff_id" value=s.id/>
                                        <button type="submit" class="secondary" aria-label=format!("Unassign {}", s.name)>"Unassign"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionMessage value=unassign.value()/>
            {(manage && !client.assignable_staff.is_empty()).then(|| view! {
                <ActionForm action=assign attr:class="inline-form">
                    <input type="hidden" name="client_id" value=id/>
                    <label for="assign-staff">"Assign staff member"</label>
                    <select id="assign-staff" name="staff_id">
                        {client.assignable_staff.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                    </select>
                    <Submit label="Assign" pending_label="Assigning…" pending=assign.pending()/>
                </ActionForm>
                <ActionMessage value=assign.value()/>
            })}
        </section>
        <section aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">"Contacts"</h2>
            {if client.contacts.is_empty() {
                view! { <p class="empty">"No contacts."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {client.contacts.into_iter().map(|c| {
                            let relationship = Relationship::parse(&c.relationship).map(Relationship::label).unwrap_or("Other");
                            view! {
                                <li>
                                    <span><strong>{c.name}</strong>" · "{relationship}</span>
                                    <span>{c.email.unwrap_or_default()}" "{c.phone.unwrap_or_default()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {manage.then(|| view! { <AddContactForm client_id=id action=add_contact/> })}
        </section>
    }
}

#[component]
fn AddContactForm(client_id: i32, action: ServerAction<AddContact>) -> impl IntoView {
    let error = last_error(action.value());
    let rule = |field: &'static str| -> crate::pages::form::Check {
        Arc::new(move |v: &str| {
            let mut input = ContactInput {
                relationship: "other".into(),
                ..Default::default()
            };
            match field {
                "name" => input.name = v.into(),
                "email" => input.email = v.into(),
                _ => input.phone = v.into(),
            }
            input.check_field(field)
        })
    };
    view! {
        <details class="panel">
            <summary>"Add a contact"</summary>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="client_id" value=client_id/>
                <Field label="Contact name" name="input[name]" id="contact-name" required=true
                    server_error=field_error(error, "name") check=rule("name")/>
                <Field label="Contact email" name="input[email]" id="contact-email" kind="email"
                    server_error=field_error(error, "email") check=rule("email")/>
                <Field label="Contact phone" name="input[phone]" id="contact-phone" kind="tel"
                    server_error=field_error(error, "phone") check=rule("phone")/>
                <div class="field">
                    <label for="contact-relationship">"Relationship"</label>
                    <select id="contact-relationship" name="input[relationship]">
                        {Relationship::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <ActionMessage value=action.value() success="Contact added."/>
                <Submit label="Add contact" pending_label="Adding…" pending=action.pending()/>
            </ActionForm>
        </details>
    }
}
