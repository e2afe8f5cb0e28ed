//! Organization → Staff (administrators): the roster with each person's roles and status, the
//! invitation form, editing (`?edit=ID`), deactivation with its choice for open requests
//! (`?deactivate=ID`), and two-step verification: the practice's requirement and a reset.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::staff::{
    list_staff, DeactivateStaff, InviteStaff, ReactivateStaff, ResendStaffInvitation,
    RevokeStaffInvitation, UpdateStaff,
};
use crate::api::two_step::{ResetTwoStep, SetTwoStepRequired};
use crate::domain::staff::{Roles, StaffRow, StaffStatus};
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::switch::SwitchButton;
use crate::pages::ErrorNotice;

const BASE: &str = "/admin/organization/staff";

/// The page's actions; the roster reloads after each success.
#[derive(Clone, Copy)]
struct StaffActions {
    invite: ServerAction<InviteStaff>,
    update: ServerAction<UpdateStaff>,
    resend: ServerAction<ResendStaffInvitation>,
    revoke: ServerAction<RevokeStaffInvitation>,
    deactivate: ServerAction<DeactivateStaff>,
    reactivate: ServerAction<ReactivateStaff>,
    reset_two_step: ServerAction<ResetTwoStep>,
    require_two_step: ServerAction<SetTwoStepRequired>,
}

/// `/admin/organization/staff[?edit=ID|?deactivate=ID]`.
#[component]
pub fn StaffPage() -> impl IntoView {
    let actions = StaffActions {
        invite: ServerAction::new(),
        update: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        reset_two_step: ServerAction::new(),
        require_two_step: ServerAction::new(),
    };
    let changes = [
        successes(actions.invite.value(), actions.invite.version()),
        successes(actions.update.value(), actions.update.version()),
        successes(actions.resend.value(), actions.resend.version()),
        successes(actions.revoke.value(), actions.revoke.version()),
        successes(actions.deactivate.value(), actions.deactivate.version()),
        successes(actions.reactivate.value(), actions.reactivate.version()),
        successes(
            actions.reset_two_step.value(),
            actions.reset_two_step.version(),
        ),
        successes(
            actions.require_two_step.value(),
            actions.require_two_step.version(),
        ),
    ];
    let roster = Resource::new(
        move || changes.iter().map(|c| c.get()).collect::<Vec<_>>(),
        |_| list_staff(),
    );
    let query = use_query_map();
    let chosen = move |key: &'static str| {
        Memo::new(move |_| query.with(|q| q.get(key).and_then(|v| v.parse::<i32>().ok())))
    };
    let (editing, deactivating) = (chosen("edit"), chosen("deactivate"));
    let deactivated = move || {
        actions.deactivate.value().with(|v| match v {
            Some(Ok(done)) => {
                Some(view! { <p class="form-success" role="status">{done.summary()}</p> })
            }
            _ => None,
        })
    };
    view! {
        <Title text="Staff"/>
        <h1>"Staff"</h1>
        <ActionMessage value=actions.resend.value() success="A new invitation was sent."/>
        <ActionMessage value=actions.revoke.value() success="The invitation was revoked."/>
        <ActionMessage value=actions.reactivate.value() success="Reactivated: they can sign in again."/>
        <ActionMessage value=actions.reset_two_step.value() success="Two-step verification was reset and their sessions ended."/>
        {deactivated}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match roster.await {
                    Ok(roster) => {
                        let rows = roster.staff;
                        view! {
                        <RequireTwoStep on=roster.require_two_step action=actions.require_two_step/>
                        <Roster rows=rows.clone() actions/>
                        {editing.get().and_then(|id| rows.iter().find(|r| r.id == id).cloned()).map(|row| view! {
                            <EditForm row action=actions.update/>
                        })}
                        {deactivating.get().and_then(|id| rows.iter().find(|r| r.id == id && !matches!(r.status, StaffStatus::Deactivated { .. })).cloned()).map(|row| {
                            let others: Vec<StaffRow> = rows.iter().filter(|o| o.id != row.id && o.roles.is_therapist && o.status == StaffStatus::Active).cloned().collect();
                            view! { <DeactivateForm row others action=actions.deactivate/> }
                        })}
                    }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <InviteForm action=actions.invite/>
    }
}

/// The practice's "Require two-step verification for staff" switch.
#[component]
fn RequireTwoStep(on: bool, action: ServerAction<SetTwoStepRequired>) -> impl IntoView {
    let pending = action.pending();
    view! {
        <div class="setting">
            <ActionForm action=action attr:class="switch-form">
                <SwitchButton id="require-two-step" label="Require two-step verification for staff" on pending/>
            </ActionForm>
            <div class="switch-note" id="require-two-step-note">
                <p class="definition">"Staff who have not set it up are asked to at their next sign-in, before they get in."</p>
            </div>
            <ActionMessage value=action.value()/>
        </div>
    }
}

#[component]
fn Roster(rows: Vec<StaffRow>, actions: StaffActions) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="staff">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Roles"</th>
                    <th scope="col">"Status"</th><th scope="col">"Open requests"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! { <RosterRow row=r actions/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RosterRow(row: StaffRow, actions: StaffActions) -> impl IntoView {
    let id = row.id;
    let name = row.name.clone();
    let sr = move || view! { <span class="sr-only">{format!(" {name}")}</span> };
    let (sr1, sr2, sr3, sr4, sr5, sr6) = (
        sr.clone(),
        sr.clone(),
        sr.clone(),
        sr.clone(),
        sr.clone(),
        sr,
    );
    let invited = matches!(
        row.status,
        StaffStatus::Invited { .. } | StaffStatus::InvitationLapsed
    );
    let deactivated = matches!(row.status, StaffStatus::Deactivated { .. });
    let hidden = move || view! { <input type="hidden" name="staff_id" value=id/> };
    view! {
        <tr>
            <td>{row.display_name()}{row.is_you.then_some(" (you)")}</td>
            <td>{row.email.clone()}</td>
            <td>{row.roles.label()}</td>
            <td>{row.status.label()}{row.two_step.then_some(" · two-step on")}</td>
            <td>{row.open_requests}</td>
            <td class="actions">
                <A href=format!("{BASE}?edit={id}")>"Edit"{sr1}</A>
                {invited.then(|| view! {
                    <ActionForm action=actions.resend attr:class="inline">
                        {hidden()}
                        <button type="submit" class="secondary">"Resend invitation"{sr2}</button>
                    </ActionForm>
                    <ActionForm action=actions.revoke attr:class="inline">
                        {hidden()}
                        <button type="submit" class="secondary">"Revoke invitation"{sr3}</button>
                    </ActionForm>
                })}
                {(!deactivated && !row.is_you).then(|| view! {
                    <A href=format!("{BASE}?deactivate={id}")>"Deactivate"{sr4}</A>
                })}
                {row.two_step.then(|| view! {
                    <ActionForm action=actions.reset_two_step attr:class="inline">
                        {hidden()}
                        <button type="submit" class="secondary">"Reset two-step"{sr6}</button>
                    </ActionForm>
                })}
                {deactivated.then(|| view! {
                    <ActionForm action=actions.reactivate attr:class="inline">
                        {hidden()}
                        <button type="submit" class="secondary">"Reactivate"{sr5}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// A labelled text input of a staff form; `prefix` keeps the two forms' ids apart.
fn text_field<T, V>(
    value: V,
    prefix: &'static str,
    (key, label, current): (&'static str, &'static str, String),
    kind: &'static str,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, crate::error::AppError>>> + Copy + Send + Sync + 'static,
{
    let id = format!("{prefix}-{key}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("input[{key}]") type=kind value=current/>
            <p class="field-error" aria-live="polite">{server_error(value, key)}</p>
        </div>
    }
}

/// The role checkboxes of a staff form.
fn role_boxes<T, V>(value: V, prefix: &'static str, roles: Roles) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, crate::error::AppError>>> + Copy + Send + Sync + 'static,
{
    let check = move |key: &'static str, label: &'static str, checked: bool| {
        let id = format!("{prefix}-{key}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="check">
                <input type="checkbox" id=id name=format!("input[roles][{key}]") value="true" checked=checked/>
                {label}
            </label>
        }
    };
    view! {
        <fieldset>
            <legend>"Roles"</legend>
            {check("is_admin", "Administrator (Organization Administration)", roles.is_admin)}
            {check("is_therapist", "Therapist", roles.is_therapist)}
            <p class="field-error" aria-live="polite">{server_error(value, "roles")}</p>
        </fieldset>
    }
}

#[component]
fn InviteForm(action: ServerAction<InviteStaff>) -> impl IntoView {
    let value = action.value();
    view! {
        <section class="panel" aria-labelledby="invite-staff-heading">
            <h2 id="invite-staff-heading">"Invite a staff member"</h2>
            <p class="meta">"They get an email with a link to choose their password. It works once and expires in 72 hours."</p>
            <ActionForm action=action attr:class="stacked">
                {text_field(value, "invite", ("name", "Name", String::new()), "text")}
                {text_field(value, "invite", ("email", "Email", String::new()), "email")}
                {text_field(value, "invite", ("credentials", "Credentials (optional, e.g. BCBA, RBT)", String::new()), "text")}
                {role_boxes(value, "invite", Roles { is_admin: false, is_therapist: true })}
                <ActionMessage value=value success="Invitation sent."/>
                <Submit label="Send invitation" pending_label="Sending…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn EditForm(row: StaffRow, action: ServerAction<UpdateStaff>) -> impl IntoView {
    let value = action.value();
    view! {
        <section class="panel" aria-labelledby="edit-staff-heading">
            <h2 id="edit-staff-heading">{format!("Edit {}", row.name)}</h2>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="staff_id" value=row.id/>
                {text_field(value, "edit", ("name", "Name", row.name.clone()), "text")}
                {text_field(value, "edit", ("credentials", "Credentials (optional)", row.credentials.clone()), "text")}
                {role_boxes(value, "edit", row.roles)}
                <ActionMessage value=value success="Saved."/>
                <div class="button-row">
                    <Submit label="Save" pending_label="Saving…" pending=action.pending()/>
                    <A href=BASE attr:class="button secondary">"Close"</A>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeactivateForm(
    row: StaffRow,
    others: Vec<StaffRow>,
    action: ServerAction<DeactivateStaff>,
) -> impl IntoView {
    let requests = match row.open_requests {
        0 => "They have no open appointment requests.".to_string(),
        n => format!("They have {n} open appointment request(s)."),
    };
    view! {
        <section class="panel" aria-labelledby="deactivate-heading">
            <h2 id="deactivate-heading">{format!("Deactivate {}", row.name)}</h2>
            <p>"They are signed out at once and cannot sign in. They are no longer offered for new appointments or self-scheduling. Their past appointments, assignments and messages stay. You can reactivate them later."</p>
            <p>{requests}</p>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="staff_id" value=row.id/>
                <div class="field">
                    <label for="open-requests">"Their open requests"</label>
                    <select id="open-requests" name="open_requests">
                        <option value="decline">"Decline them (the families are emailed)"</option>
                        {others.into_iter().map(|o| view! {
                            <option value=o.id>{format!("Reassign to {}", o.display_name())}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{server_error(action.value(), "open_requests")}</p>
                </div>
                <ActionMessage value=action.value()/>
                <div class="button-row">
                    <Submit label="Deactivate" pending_label="Deactivating…" pending=action.pending()/>
                    <A href=BASE attr:class="button secondary">"Cancel"</A>
                </div>
            </ActionForm>
        </section>
    }
}
