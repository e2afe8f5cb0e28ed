//! Insurance policies on a page: the list, and the add or edit form with a searchable payer list
//! and, where allowed, "My insurance is not listed". The form runs the shared policy rule in the
//! browser as the user types (the server runs it again). Used by the portal's Billing &
//! Insurance Info tab (also as an island) and by the staff client page. Its links are plain
//! links: the router follows them on a hydrated page, and an islands page loads them.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::insurance::SavePolicy;
use crate::domain::insurance::{
    payer_key, InsuranceView, NewPayerInput, PolicyInput, PolicyView, Rank, Relationship, NEW_PAYER,
};
use crate::domain::validation::FieldErrors;
use crate::pages::form::{last_error, ActionMessage, Submit};

/// The policy being edited, from `?edit=ID` (so that Edit works as a plain link).
pub fn editing_policy() -> Memo<Option<i32>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("edit").and_then(|v| v.parse().ok())))
}

/// Closes an open editor (`?edit=`) once a save succeeds, by going back to `base`.
pub fn close_editor_after_save(
    saved: Memo<usize>,
    editing: Memo<Option<i32>>,
    base: impl Fn() -> String + 'static,
) {
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let now = saved.get();
        if previous.is_some_and(|p| p != now) && editing.get_untracked().is_some() {
            navigate(&base(), Default::default());
        }
        now
    });
}

/// The list of policies and the add (or edit) form.
#[component]
pub fn InsuranceSection(
    client_id: i32,
    view: InsuranceView,
    action: ServerAction<SavePolicy>,
    /// Where this section lives, for the Edit links and Cancel.
    base: String,
    editing: Option<i32>,
) -> impl IntoView {
    let edited = editing.and_then(|id| view.policies.iter().find(|p| p.id == id).cloned());
    let list_base = base.clone();
    view! {
        <section aria-labelledby="policies-heading">
            <h2 id="policies-heading">"Insurance policies"</h2>
            {if view.policies.is_empty() {
                view! { <p class="empty">"No insurance on file."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows policies">
                        {view.policies.iter().cloned().map(|p| view! { <PolicyItem policy=p base=list_base.clone()/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {match edited {
            Some(p) => view! {
                <PolicyForm client_id view=view.clone() editing=Some(p) action heading="Edit policy" cancel=Some(base.clone())/>
            }.into_any(),
            None => view! {
                <PolicyForm client_id view=view.clone() editing=None action heading="Add a policy" cancel=None/>
            }.into_any(),
        }}
    }
}

#[component]
fn PolicyItem(policy: PolicyView, base: String) -> impl IntoView {
    let period = match policy.terminates_on {
        Some(end) => format!("{} to {}", policy.effective_on, end),
        None => format!("from {}", policy.effective_on),
    };
    let title = format!("{} — {}", policy.rank.label(), policy.payer_name);
    view! {
        <li class="policy">
            <div>
                <h3>{title.clone()}</h3>
                <dl class="facts">
                    <dt>"Member ID"</dt><dd>{policy.member_id.clone()}</dd>
                    <dt>"Group number"</dt><dd>{policy.group_number.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Subscriber"</dt><dd>{format!("{}, born {}", policy.subscriber_name, policy.subscriber_dob)}</dd>
                    <dt>"Relationship"</dt><dd>{policy.relationship.label()}</dd>
                    <dt>"Coverage"</dt><dd>{period}</dd>
                </dl>
            </div>
            <a href=format!("{base}?edit={}", policy.id)>"Edit"<span class="sr-only">{format!(" {title}")}</span></a>
        </li>
    }
}

/// One text-like field bound to a signal, showing `error` once touched.
#[component]
fn PolicyField(
    id: String,
    label: &'static str,
    name: &'static str,
    #[prop(optional)] kind: Option<&'static str>,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let touched = RwSignal::new(false);
    let shown = move || error.get().filter(|_| touched.get());
    let node = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = node.get() {
            input.set_custom_validity(&error.get().unwrap_or_default());
        }
    });
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                node_ref=node
                id=id
                name=name
                type=kind.unwrap_or("text")
                prop:value=move || value.get()
                on:input=move |ev| { value.set(event_target_value(&ev)); touched.set(true); }
                aria-invalid=move || if shown().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id aria-live="polite">{shown}</p>
        </div>
    }
}

#[component]
fn PolicyForm(
    client_id: i32,
    view: InsuranceView,
    editing: Option<PolicyView>,
    action: ServerAction<SavePolicy>,
    heading: &'static str,
    cancel: Option<String>,
) -> impl IntoView {
    let start = editing
        .as_ref()
        .map(PolicyInput::from_view)
        .unwrap_or_else(|| PolicyInput {
            relationship: Relationship::Subscriber.key().into(),
            rank: Rank::Primary.key().into(),
            ..Default::default()
        });
    let policy_id = editing.as_ref().map(|p| p.id).unwrap_or(0);
    let others = view.others(editing.as_ref().map(|p| p.id));
    let field = |v: &str| RwSignal::new(v.to_owned());
    let payer = field(&start.payer);
    let new_name = field("");
    let new_phone = field("");
    let member_id = field(&start.member_id);
    let group_number = field(&start.group_number);
    let subscriber_name = field(&start.subscriber_name);
    let subscriber_dob = field(&start.subscriber_dob);
    let relationship = field(&start.relationship);
    let rank = field(&start.rank);
    let effective_on = field(&start.effective_on);
    let terminates_on = field(&start.terminates_on);
    let search = RwSignal::new(String::new());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // The shared rule, on every change.
    let errors = Memo::new(move |_| {
        let input = PolicyInput {
            payer: payer.get(),
            new_payer: NewPayerInput {
                name: new_name.get(),
                phone: new_phone.get(),
            },
            member_id: member_id.get(),
            group_number: group_number.get(),
            subscriber_name: subscriber_name.get(),
            subscriber_dob: subscriber_dob.get(),
            relationship: relationship.get(),
            rank: rank.get(),
            effective_on: effective_on.get(),
            terminates_on: terminates_on.get(),
        };
        input
            .validate(chrono::Utc::now().date_naive(), &others)
            .err()
            .unwrap_or_default()
    });
    let server = last_error(action.value());
    let error_of = move |name: &'static str| {
        Signal::derive(move || {
            errors
                .with(|e: &FieldErrors| e.get(name).map(str::to_owned))
                .or_else(|| server.with(|s| s.as_ref().and_then(|e| e.field(name))))
        })
    };
    // One form at a time: adding, or editing one policy.
    let prefix: &'static str = if policy_id == 0 {
        "new-policy"
    } else {
        "edit-policy"
    };
    let pid = move |s: &str| format!("{prefix}-{s}");
    let payers = view.payers.clone();
    let may_add = view.may_add_payers;
    let payer_touched = RwSignal::new(false);
    let payer_error = error_of("payer");
    let payer_shown = Signal::derive(move || {
        payer_error
            .get()
            .filter(|_| payer_touched.get() || server.with(|s| s.is_some()))
    });
    let rank_error = error_of("rank");
    let relationship_error = error_of("relationship");
    let select_node = NodeRef::<leptos::html::Select>::new();
    let rank_node = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        if let Some(s) = select_node.get() {
            s.set_custom_validity(&payer_error.get().unwrap_or_default());
        }
        if let Some(s) = rank_node.get() {
            s.set_custom_validity(&rank_error.get().unwrap_or_default());
        }
    });
    view! {
        <section class="panel" aria-labelledby=pid("heading")>
            <h2 id=pid("heading")>{heading}</h2>
            <ActionForm action=action attr:class="stacked">
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="policy_id" value=policy_id/>
                <div class="field">
                    <label for=pid("search")>"Search payers"</label>
                    <input id=pid("search") type="search" autocomplete="off" prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for=pid("payer")>"Payer"</label>
                    <select id=pid("payer") name="input[payer]" node_ref=select_node
                        on:change=move |ev| { payer.set(event_target_value(&ev)); payer_touched.set(true); }
                        aria-describedby=pid("payer-error")>
                        <option value="" selected=move || payer.get().is_empty()>"Choose a payer"</option>
                        {move || {
                            let wanted = payer_key(&search.get());
                            payers.iter().filter(|p| {
                                wanted.is_empty() || payer_key(&p.name).contains(&wanted) || p.id.to_string() == payer.get_untracked()
                            }).map(|p| {
                                let value = p.id.to_string();
                                let label = match &p.payer_code {
                                    Some(code) => format!("{} ({code})", p.name),
                                    None => p.name.clone(),
                                };
                                let selected = value == payer.get_untracked();
                                view! { <option value=value selected=selected>{label}</option> }
                            }).collect_view()
                        }}
                        {may_add.then(|| view! {
                            <option value=NEW_PAYER selected=move || payer.get() == NEW_PAYER>"My insurance is not listed"</option>
                        })}
                    </select>
                    <p class="field-error" id=pid("payer-error") aria-live="polite">{payer_shown}</p>
                </div>
                {move || (may_add && (!hydrated.get() || payer.get() == NEW_PAYER)).then(|| view! {
                    <fieldset class="new-payer">
                        <legend>"Your insurance payer (if it is not listed)"</legend>
                        <PolicyField id=pid("new-name") label="Payer name" name="input[new_payer][name]" value=new_name error=error_of("new_payer_name")/>
                        <PolicyField id=pid("new-phone") label="Payer phone (optional)" name="input[new_payer][phone]" kind="tel" value=new_phone error=error_of("new_payer_phone")/>
                    </fieldset>
                })}
                <PolicyField id=pid("member") label="Member ID" name="input[member_id]" value=member_id error=error_of("member_id")/>
                <PolicyField id=pid("group") label="Group number (optional)" name="input[group_number]" value=group_number error=error_of("group_number")/>
                <PolicyField id=pid("subscriber") label="Subscriber name" name="input[subscriber_name]" value=subscriber_name error=error_of("subscriber_name")/>
                <PolicyField id=pid("dob") label="Subscriber date of birth" name="input[subscriber_dob]" kind="date" value=subscriber_dob error=error_of("subscriber_dob")/>
                <div class="field">
                    <label for=pid("relationship")>"Client's relationship to the subscriber"</label>
                    <select id=pid("relationship") name="input[relationship]" on:change=move |ev| relationship.set(event_target_value(&ev))>
                        {Relationship::ALL.into_iter().map(|r| view! {
                            <option value=r.key() selected=r.key() == relationship.get_untracked()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{relationship_error}</p>
                </div>
                <div class="field">
                    <label for=pid("rank")>"Rank"</label>
                    <select id=pid("rank") name="input[rank]" node_ref=rank_node on:change=move |ev| rank.set(event_target_value(&ev))
                        aria-describedby=pid("rank-error")>
                        {Rank::ALL.into_iter().map(|r| view! {
                            <option value=r.key() selected=r.key() == rank.get_untracked()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id=pid("rank-error") aria-live="polite">{rank_error}</p>
                </div>
                <div class="field-row">
                    <PolicyField id=pid("effective") label="Effective date" name="input[effective_on]" kind="date" value=effective_on error=error_of("effective_on")/>
                    <PolicyField id=pid("terminates") label="Termination date (optional)" name="input[terminates_on]" kind="date" value=terminates_on error=error_of("terminates_on")/>
                </div>
                <ActionMessage value=action.value() success="Saved."/>
                <div class="button-row">
                    <Submit label="Save policy" pending_label="Saving…" pending=action.pending()/>
                    {cancel.map(|href| view! { <a href=href class="button secondary">"Cancel"</a> })}
                </div>
            </ActionForm>
        </section>
    }
}
