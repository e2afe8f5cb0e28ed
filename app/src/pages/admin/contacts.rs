//! A client's portal login and Client Contact Network on the client's page: invitation status
//! with invite, resend and revoke; each contact's access, scopes and end date; adding and
//! linking contacts.

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::contacts::{
    AddContact, InviteClient, InviteContact, LinkContact, RevokeInvitation, SetContactAccess,
};
use crate::domain::access::{AccessInput, ContactAccess};
use crate::domain::account::PortalStatus;
use crate::domain::client::{ContactRef, ContactSummary};
use crate::domain::contact::{ContactInput, Relationship};
use crate::pages::form::{field_error, last_error, successes, ActionMessage, Field, Submit};

/// The actions of this section, created by the page so that they refresh the client.
#[derive(Clone, Copy)]
pub struct ContactActions {
    pub add: ServerAction<AddContact>,
    pub link: ServerAction<LinkContact>,
    pub set_access: ServerAction<SetContactAccess>,
    pub invite_client: ServerAction<InviteClient>,
    pub invite_contact: ServerAction<InviteContact>,
    pub revoke: ServerAction<RevokeInvitation>,
}

impl ContactActions {
    pub fn new() -> ContactActions {
        ContactActions {
            add: ServerAction::new(),
            link: ServerAction::new(),
            set_access: ServerAction::new(),
            invite_client: ServerAction::new(),
            invite_contact: ServerAction::new(),
            revoke: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions succeeds (see [`successes`]).
    pub fn saved(&self) -> impl Fn() -> [usize; 6] + Copy + Send + Sync + 'static {
        let memos = [
            successes(self.add.value(), self.add.version()),
            successes(self.link.value(), self.link.version()),
            successes(self.set_access.value(), self.set_access.version()),
            successes(self.invite_client.value(), self.invite_client.version()),
            successes(self.invite_contact.value(), self.invite_contact.version()),
            successes(self.revoke.value(), self.revoke.version()),
        ];
        move || memos.map(|m| m.get())
    }
}

impl Default for ContactActions {
    fn default() -> Self {
        Self::new()
    }
}

/// Invite, resend or revoke buttons for a portal status.
#[component]
fn InvitationButtons(
    status: PortalStatus,
    client_id: i32,
    contact_id: Option<i32>,
    who: String,
    actions: ContactActions,
) -> impl IntoView {
    let invite_label = match status {
        PortalStatus::NotInvited => "Invite to portal",
        _ => "Resend invitation",
    };
    let revoke_label = format!("Revoke invitation: {who}");
    let invite_aria = format!("{invite_label}: {who}");
    let invite = (status != PortalStatus::Active).then(|| match contact_id {
        None => view! {
            <ActionForm action=actions.invite_client attr:class="inline">
                <input type="hidden" name="client_id" value=client_id/>
                <button type="submit" aria-label=invite_aria.clone()>{invite_label}</button>
            </ActionForm>
        }
        .into_any(),
        Some(contact) => view! {
            <ActionForm action=actions.invite_contact attr:class="inline">
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="contact_id" value=contact/>
                <button type="submit" aria-label=invite_aria.clone()>{invite_label}</button>
            </ActionForm>
        }
        .into_any(),
    });
    let revoke = status.is_pending().then(|| view! {
        <ActionForm action=actions.revoke attr:class="inline">
            <input type="hidden" name="client_id" value=client_id/>
            {contact_id.map(|c| view! { <input type="hidden" name="contact_id" value=c/> })}
            <button type="submit" class="secondary" aria-label=revoke_label>"Revoke invitation"</button>
        </ActionForm>
    });
    view! { <div class="button-row">{invite}{revoke}</div> }
}

/// The client's own portal login.
#[component]
pub fn ClientPortalAccess(
    client_id: i32,
    name: String,
    has_email: bool,
    status: PortalStatus,
    actions: ContactActions,
) -> impl IntoView {
    view! {
        <section aria-labelledby="portal-heading">
            <h2 id="portal-heading">"Portal login"</h2>
            <p class="portal-status">{status.label()}</p>
            {if has_email {
                view! { <InvitationButtons status client_id contact_id=None who=name actions/> }.into_any()
            } else {
                view! { <p class="hint">"No email of their own: this client uses the portal through their contacts."</p> }.into_any()
            }}
            <ActionMessage value=actions.invite_client.value() success="Invitation sent."/>
        </section>
    }
}

fn describe_access(access: &ContactAccess, live: bool) -> String {
    if !access.portal_access {
        return "No portal access".into();
    }
    let scopes = access.scopes.labels().join(", ");
    match (access.ends_on, live) {
        (Some(end), true) => format!("Portal access: {scopes} · until {end}"),
        (Some(end), false) => format!("Portal access ended on {end}"),
        (None, _) => format!("Portal access: {scopes}"),
    }
}

/// The contacts of a client, with their access and invitations, and the forms to add more.
#[component]
pub fn ContactsSection(
    client_id: i32,
    contacts: Vec<ContactSummary>,
    linkable: Vec<ContactRef>,
    actions: ContactActions,
) -> impl IntoView {
    let editing = RwSignal::new(None::<i32>);
    view! {
        <section aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">"Contacts"</h2>
            <ActionMessage value=actions.set_access.value() success="Access saved."/>
            <ActionMessage value=actions.invite_contact.value() success="Invitation sent."/>
            <ActionMessage value=actions.revoke.value() success="Invitation revoked."/>
            {if contacts.is_empty() {
                view! { <p class="empty">"No contacts."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows contacts">
                        {contacts.into_iter().map(|c| view! { <ContactRow client_id contact=c actions editing/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!linkable.is_empty()).then(|| view! { <LinkContactForm client_id linkable action=actions.link/> })}
            <AddContactForm client_id action=actions.add/>
        </section>
    }
}

#[component]
fn ContactRow(
    client_id: i32,
    contact: ContactSummary,
    actions: ContactActions,
    editing: RwSignal<Option<i32>>,
) -> impl IntoView {
    let id = contact.id;
    let relationship = Relationship::parse(&contact.relationship)
        .map(Relationship::label)
        .unwrap_or("Other");
    let can_invite = contact.email.is_some() && contact.access.portal_access;
    view! {
        <li class="contact">
            <div>
                <strong>{contact.name.clone()}</strong>" · "{relationship}
                <div class="meta">{contact.email.clone().unwrap_or_else(|| "No email".into())}" "{contact.phone.clone().unwrap_or_default()}</div>
                <div class="access">{describe_access(&contact.access, contact.access_live)}</div>
                <div class="portal-status">{contact.portal.label()}</div>
            </div>
            {can_invite.then(|| view! {
                <InvitationButtons status=contact.portal.clone() client_id contact_id=Some(id) who=contact.name.clone() actions/>
            })}
            <AccessForm client_id contact_id=id name=contact.name access=contact.access action=actions.set_access editing/>
        </li>
    }
}

/// Grant, change or withdraw one contact's access; errors show on the form that was sent.
#[component]
fn AccessForm(
    client_id: i32,
    contact_id: i32,
    name: String,
    access: ContactAccess,
    action: ServerAction<SetContactAccess>,
    editing: RwSignal<Option<i32>>,
) -> impl IntoView {
    let initial = AccessInput::from_access(&access);
    let error = last_error(action.value());
    let mine = move |field: &'static str| {
        let message = field_error(error, field);
        Signal::derive(move || message.get().filter(|_| editing.get() == Some(contact_id)))
    };
    let ids = move |what: &str| format!("access-{contact_id}-{what}");
    let scopes_error = mine("scopes");
    let box_ = move |key: &'static str, label: &'static str, checked: bool| {
        let id = ids(key);
        let label_for = id.clone();
        view! {
            <label for=label_for class="check">
                <input type="checkbox" id=id name=format!("access[{key}]") value="true" checked=checked/>
                {label}
            </label>
        }
    };
    view! {
        <details class="panel">
            <summary>{format!("Portal access for {name}")}</summary>
            // The submit event bubbles here from the form: it marks which row's errors to show.
            <div on:submit=move |_| editing.set(Some(contact_id))>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="contact_id" value=contact_id/>
                {box_("portal_access", "Allow portal access for this client", initial.portal_access)}
                <fieldset>
                    <legend>"What the contact may do"</legend>
                    {box_("forms", "Intake forms", initial.forms)}
                    {box_("payments", "Payments", initial.payments)}
                    {box_("scheduling", "Scheduling", initial.scheduling)}
                    {box_("messages", "Messages", initial.messages)}
                    <p class="field-error" aria-live="polite">{scopes_error}</p>
                </fieldset>
                <Field label="Access ends after (optional)" name="access[ends_on]" id=ids("ends_on") kind="date"
                    value=initial.ends_on server_error=mine("ends_on")
                    check=Arc::new(|v: &str| AccessInput::check_ends_on(v, chrono::NaiveDate::MIN).map(|_| ()))/>
                <Submit label="Save access" pending_label="Saving…" pending=action.pending()/>
            </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn LinkContactForm(
    client_id: i32,
    linkable: Vec<ContactRef>,
    action: ServerAction<LinkContact>,
) -> impl IntoView {
    view! {
        <details class="panel">
            <summary>"Link an existing contact"</summary>
            <ActionForm action=action attr:class="inline-form">
                <input type="hidden" name="client_id" value=client_id/>
                <label for="link-contact">"Contact"</label>
                <select id="link-contact" name="contact_id">
                    {linkable.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                </select>
                <Submit label="Link contact" pending_label="Linking…" pending=action.pending()/>
            </ActionForm>
            <ActionMessage value=action.value() success="Contact linked."/>
        </details>
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
