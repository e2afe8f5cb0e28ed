//! A client's page: details and assigned staff (administrators edit and assign), the portal
//! login and the contacts (see [`super::contacts`]).

use leptos::prelude::*;
use leptos_meta::Title;

use super::client_appointments::{AppointmentActions, AppointmentList, NewAppointment};
use super::client_forms::{ClientForms, FormActions};
use super::client_new::ClientFields;
use super::client_series::{NewSeries, SeriesActions};
use super::contacts::{ClientPortalAccess, ContactActions, ContactsSection};
use crate::api::client_appointments::list_client_appointments;
use crate::api::clients::{get_client, AssignStaff, UnassignStaff, UpdateClient};
use crate::api::forms::{list_client_forms, list_form_templates};
use crate::api::insurance::{get_insurance, SavePolicy};
use crate::api::scheduling::CreateAppointment;
use crate::domain::client::ClientDetail;
use crate::pages::form::{last_error, successes, ActionMessage, Submit};
use crate::pages::insurance::{close_editor_after_save, editing_policy, InsuranceSection};
use crate::pages::{route_id, ErrorNotice};

/// `/admin/clients/:id`.
#[component]
pub fn ClientPage() -> impl IntoView {
    let id = route_id("id");
    let update = ServerAction::<UpdateClient>::new();
    let assign = ServerAction::<AssignStaff>::new();
    let unassign = ServerAction::<UnassignStaff>::new();
    let contact_actions = ContactActions::new();
    let contacts_saved = contact_actions.saved();
    let updated = successes(update.value(), update.version());
    let assigned = successes(assign.value(), assign.version());
    let unassigned = successes(unassign.value(), unassign.version());
    let client = Resource::new(
        move || {
            (
                id(),
                updated.get(),
                assigned.get(),
                unassigned.get(),
                contacts_saved(),
            )
        },
        |(id, ..)| get_client(id),
    );
    let make_appointment = ServerAction::<CreateAppointment>::new();
    let made = successes(make_appointment.value(), make_appointment.version());
    let appointment_actions = AppointmentActions::new();
    let appointments_saved = appointment_actions.saved();
    let series_actions = SeriesActions::new();
    let series_made = series_actions.saved();
    let appointments = Resource::new(
        move || (id(), made.get(), appointments_saved(), series_made.get()),
        |(id, ..)| list_client_appointments(id),
    );
    let form_actions = FormActions::new();
    let forms_saved = form_actions.saved();
    let forms = Resource::new(
        move || (id(), forms_saved()),
        |(id, _)| list_client_forms(id),
    );
    let form_options = Resource::new(|| (), |_| list_form_templates());
    let save_policy = ServerAction::<SavePolicy>::new();
    let policy_saved = successes(save_policy.value(), save_policy.version());
    let editing = editing_policy();
    close_editor_after_save(policy_saved, editing, move || {
        format!("/admin/clients/{}", id())
    });
    let insurance = Resource::new(
        move || (id(), policy_saved.get()),
        |(id, _)| get_insurance(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading client…"</p> }>
            {move || Suspend::new(async move {
                let (client, forms, options, insurance) = (
                    client.await,
                    forms.await,
                    form_options.await,
                    insurance.await,
                );
                match client {
                    Ok(c) => {
                        let (id, has_email, contacts) = (c.id, c.email.is_some(), c.contacts.clone());
                        let therapists: Vec<_> = c.assigned_staff.iter().filter(|s| s.is_therapist && s.active).cloned().collect();
                        view! {
                            <ClientView client=c update assign unassign contact_actions/>
                            {match (forms, options) {
                                (Ok(forms), Ok(options)) => view! {
                                    <section aria-labelledby="appointments-heading">
                                        <h2 id="appointments-heading">"Appointments"</h2>
                                        <NewAppointment client_id=id therapists=therapists.clone() locations=options.locations.clone() action=make_appointment/>
                                        {(!therapists.is_empty()).then(|| view! { <NewSeries client_id=id therapists=therapists.clone() locations=options.locations.clone() actions=series_actions/> })}
                                        // Its own transition: a new or changed appointment redraws the list only,
                                        // not the forms above it.
                                        {
                                            let locations = options.locations.clone();
                                            view! {
                                                <Transition fallback=|| view! { <p>"Loading appointments…"</p> }>
                                                    {move || {
                                                        let (therapists, locations) = (therapists.clone(), locations.clone());
                                                        Suspend::new(async move {
                                                            match appointments.await {
                                                                Ok(list) => view! {
                                                                    <AppointmentList client_id=id list therapists locations actions=appointment_actions/>
                                                                }.into_any(),
                                                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                                                            }
                                                        })
                                                    }}
                                                </Transition>
                                            }
                                        }
                                    </section>
                                    <ClientForms client_id=id client_has_email=has_email contacts forms options actions=form_actions/>
                                }.into_any(),
                                (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                            }}
                            {match insurance {
                                Ok(view) => view! {
                                    <section class="client-insurance" aria-labelledby="insurance-heading">
                                        <h2 id="insurance-heading">"Insurance"</h2>
                                        <InsuranceSection client_id=id view action=save_policy
                                            base=format!("/admin/clients/{id}") editing=editing.get()/>
                                    </section>
                                }.into_any(),
                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            }}
                        }.into_any()
                    }
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
    contact_actions: ContactActions,
) -> impl IntoView {
    let name = client.name();
    let client_name = name.clone();
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
                                <span>{s.name.clone()}{s.is_therapist.then_some(" (therapist)")}{(!s.active).then_some(" (deactivated)")}</span>
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
        <ClientPortalAccess client_id=id name=client_name has_email=client.email.is_some()
            status=client.portal actions=contact_actions/>
        <ContactsSection client_id=id contacts=client.contacts linkable=client.linkable_contacts
            actions=contact_actions/>
    }
}
