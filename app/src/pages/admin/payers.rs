//! Organization → Payers (administrators): the review queue of client-added payers (approve,
//! correct, or merge into an existing payer), the directory (edit, deactivate, merge), and a
//! form to add a payer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::insurance::{list_payers, ApprovePayer, MergePayer, SavePayer, SetPayerActive};
use crate::domain::insurance::{PayerDirectory, PayerInput, PayerRow, PayerStatus};
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::ErrorNotice;

const BASE: &str = "/admin/organization/payers";

/// The page's actions; each answers with the new directory.
#[derive(Clone, Copy)]
struct PayerActions {
    save: ServerAction<SavePayer>,
    active: ServerAction<SetPayerActive>,
    approve: ServerAction<ApprovePayer>,
    merge: ServerAction<MergePayer>,
}

/// `/admin/organization/payers[?edit=ID]`.
#[component]
pub fn PayersPage() -> impl IntoView {
    let actions = PayerActions {
        save: ServerAction::new(),
        active: ServerAction::new(),
        approve: ServerAction::new(),
        merge: ServerAction::new(),
    };
    let changes = (
        successes(actions.save.value(), actions.save.version()),
        successes(actions.active.value(), actions.active.version()),
        successes(actions.approve.value(), actions.approve.version()),
        successes(actions.merge.value(), actions.merge.version()),
    );
    let directory = Resource::new(
        move || {
            (
                changes.0.get(),
                changes.1.get(),
                changes.2.get(),
                changes.3.get(),
            )
        },
        |_| list_payers(),
    );
    let query = use_query_map();
    let editing =
        Memo::new(move |_| query.with(|q| q.get("edit").and_then(|v| v.parse::<i32>().ok())));
    view! {
        <Title text="Payers"/>
        <h1>"Payers"</h1>
        <ActionMessage value=actions.active.value()/>
        <ActionMessage value=actions.approve.value() success="Approved."/>
        <ActionMessage value=actions.merge.value() success="Merged: its policies moved."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match directory.await {
                    Ok(d) => view! { <Directory directory=d actions editing=editing.get()/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Directory(
    directory: PayerDirectory,
    actions: PayerActions,
    editing: Option<i32>,
) -> impl IntoView {
    let edited = editing.and_then(|id| directory.payers.iter().find(|p| p.id == id).cloned());
    let all = directory.payers.clone();
    let review_all = all.clone();
    view! {
        <section aria-labelledby="review-heading">
            <h2 id="review-heading">"Review queue"</h2>
            {if directory.review.is_empty() {
                view! { <p class="empty">"No payers added by clients are waiting."</p> }.into_any()
            } else {
                view! {
                    <p class="lead">"Payers that clients added. They can be used at once; approve each, correct it, or merge it into a payer you already have."</p>
                    <ul class="rows review-queue">
                        {directory.review.iter().map(|p| {
                            let id = p.id;
                            let sr = format!(" {}", p.name);
                            let (sr_button, sr_link) = (sr.clone(), sr);
                            view! {
                                <li class="payer">
                                    <div>
                                        <strong>{p.name.clone()}</strong>
                                        <div class="meta">{format!("{} · {} polic{}", p.phone.clone().unwrap_or_else(|| "no phone".into()), p.policies, if p.policies == 1 { "y" } else { "ies" })}</div>
                                    </div>
                                    <ActionForm action=actions.approve attr:class="inline">
                                        <input type="hidden" name="payer_id" value=id/>
                                        <button type="submit">"Approve"<span class="sr-only">{sr_button}</span></button>
                                    </ActionForm>
                                    <A href=format!("{BASE}?edit={id}")>"Correct"<span class="sr-only">{sr_link}</span></A>
                                    <MergeForm payer=p.clone() all=review_all.clone() action=actions.merge id_prefix="review"/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {match edited {
            Some(p) => view! { <PayerForm action=actions.save editing=Some(p)/> }.into_any(),
            None => ().into_any(),
        }}
        <section aria-labelledby="directory-heading">
            <h2 id="directory-heading">"Directory"</h2>
            <div class="table-scroll">
                <table class="payers">
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"Payer ID"</th><th scope="col">"Phone"</th>
                        <th scope="col">"Status"</th><th scope="col">"Policies"</th><th scope="col">"Actions"</th>
                    </tr></thead>
                    <tbody>
                        {directory.payers.iter().map(|p| {
                            let id = p.id;
                            let sr = format!(" {}", p.name);
                            let (sr_button, sr_link) = (sr.clone(), sr);
                            let active = p.status == PayerStatus::Active;
                            let status = match (p.status, p.added_by_client) {
                                (PayerStatus::Active, true) => "Active, added by a client",
                                (PayerStatus::Active, false) => "Active",
                                _ => "Inactive",
                            };
                            view! {
                                <tr>
                                    <td>{p.name.clone()}{p.address.clone().map(|a| view! { <div class="meta">{a}</div> })}</td>
                                    <td>{p.payer_code.clone().unwrap_or_default()}</td>
                                    <td>{p.phone.clone().unwrap_or_default()}</td>
                                    <td>{status}</td>
                                    <td>{p.policies}</td>
                                    <td class="actions">
                                        <A href=format!("{BASE}?edit={id}")>"Edit"<span class="sr-only">{sr_link}</span></A>
                                        <ActionForm action=actions.active attr:class="inline">
                                            <input type="hidden" name="payer_id" value=id/>
                                            <input type="hidden" name="active" value=(!active).to_string()/>
                                            <button type="submit" class="secondary">
                                                {if active { "Deactivate" } else { "Reactivate" }}<span class="sr-only">{sr_button}</span>
                                            </button>
                                        </ActionForm>
                                        <MergeForm payer=p.clone() all=all.clone() action=actions.merge id_prefix="directory"/>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {editing.is_none().then(|| view! { <PayerForm action=actions.save editing=None/> })}
    }
}

#[component]
fn MergeForm(
    payer: PayerRow,
    all: Vec<PayerRow>,
    action: ServerAction<MergePayer>,
    id_prefix: &'static str,
) -> impl IntoView {
    let targets: Vec<_> = all
        .into_iter()
        .filter(|p| p.id != payer.id && p.status == PayerStatus::Active)
        .collect();
    let select_id = format!("{id_prefix}-merge-{}", payer.id);
    view! {
        <ActionForm action=action attr:class="inline merge">
            <input type="hidden" name="payer_id" value=payer.id/>
            <label for=select_id.clone()>{format!("Merge {} into", payer.name)}</label>
            <select id=select_id name="into">
                {targets.into_iter().map(|t| view! { <option value=t.id>{t.name}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Merge"<span class="sr-only">{format!(" {}", payer.name)}</span></button>
        </ActionForm>
    }
}

#[component]
fn PayerForm(action: ServerAction<SavePayer>, editing: Option<PayerRow>) -> impl IntoView {
    let input = editing
        .as_ref()
        .map(PayerInput::from_row)
        .unwrap_or_default();
    let id = editing.as_ref().map(|p| p.id).unwrap_or(0);
    let (heading, button) = match &editing {
        Some(p) if p.needs_review => ("Correct payer", "Save and approve"),
        Some(_) => ("Edit payer", "Save payer"),
        None => ("Add a payer", "Add payer"),
    };
    let field = move |name: &'static str, label: &'static str, value: String| {
        let input_id = format!("payer-{name}");
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input id=input_id name=format!("input[{name}]") value=value/>
                <p class="field-error" aria-live="polite">{server_error(action.value(), name)}</p>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="payer-form-heading">
            <h2 id="payer-form-heading">{heading}</h2>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="payer_id" value=id/>
                {field("name", "Name", input.name)}
                {field("payer_code", "Payer ID (optional)", input.payer_code)}
                {field("address", "Address (optional)", input.address)}
                {field("phone", "Phone (optional)", input.phone)}
                <ActionMessage value=action.value() success="Saved."/>
                <div class="button-row">
                    <Submit label=button pending_label="Saving…" pending=action.pending()/>
                    {editing.is_some().then(|| view! { <A href=BASE attr:class="button secondary">"Cancel"</A> })}
                </div>
            </ActionForm>
        </section>
    }
}
