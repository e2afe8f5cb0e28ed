//! Staff payments: the list of the caller's clients' payments with filters (status, client,
//! dates) that work as a plain GET form, and one payment with its receipt and, for
//! administrators, a refund form (full or partial).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::payments::{get_payment, list_payments, RefundPayment};
use crate::domain::paging::PageAt;
use crate::domain::payments::{money, PaymentFilter, PaymentList, PaymentStatus, StaffPayment};
use crate::pages::form::{server_error, successes, ActionMessage, Submit};
use crate::pages::receipt::{PrintButton, ReceiptView};
use crate::pages::{encode, route_id, ErrorNotice, Pager};

fn filter_of(query: &ParamsMap) -> PaymentFilter {
    let get = |k: &str| query.get(k).unwrap_or_default();
    PaymentFilter {
        status: get("status"),
        q: get("q"),
        from: get("from"),
        to: get("to"),
        at: PageAt::from_query(query.get_str("after"), query.get_str("before")),
    }
}

/// The list's address with these filters, at its first page.
fn href(f: &PaymentFilter) -> String {
    format!(
        "/admin/payments?status={}&q={}&from={}&to={}",
        encode(&f.status),
        encode(&f.q),
        encode(&f.from),
        encode(&f.to)
    )
}

/// `/admin/payments`.
#[component]
pub fn PaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_of));
    let list = Resource::new(move || filter.get(), list_payments);
    view! {
        <Title text="Payments"/>
        <h1>"Payments"</h1>
        <Filters filter/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <PaymentTable list filter=filter.get_untracked()/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(filter: Memo<PaymentFilter>) -> impl IntoView {
    let f = move || filter.get();
    view! {
        <Form method="GET" action="/admin/payments" attr:class="filters" attr:role="search" attr:aria-label="Filter payments">
            <div class="field">
                <label for="payments-status">"Status"</label>
                <select id="payments-status" name="status">
                    <option value="" selected=move || f().status.is_empty()>"All"</option>
                    {PaymentStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.key() selected=move || f().status == s.key()>{s.label()}</option>
                    }).collect_view()}
                    <option value="refunded" selected=move || f().status == "refunded">"Refunded"</option>
                </select>
            </div>
            <div class="field">
                <label for="payments-q">"Client"</label>
                <input id="payments-q" type="search" name="q" prop:value=move || f().q/>
            </div>
            <div class="field">
                <label for="payments-from">"From"</label>
                <input id="payments-from" type="date" name="from" prop:value=move || f().from/>
            </div>
            <div class="field">
                <label for="payments-to">"To"</label>
                <input id="payments-to" type="date" name="to" prop:value=move || f().to/>
            </div>
            <button type="submit">"Filter"</button>
        </Form>
    }
}

#[component]
fn PaymentTable(list: PaymentList, filter: PaymentFilter) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p class="empty">"No payments match."</p> }.into_any();
    }
    let base = href(&filter);
    view! {
        <p class="meta">{list.paging.count.label("payment", "payments")}</p>
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th scope="col">"Date"</th><th scope="col">"Client"</th><th scope="col">"Service"</th>
                    <th scope="col">"Amount"</th><th scope="col">"Status"</th><th scope="col">"Card"</th>
                </tr></thead>
                <tbody>
                    {list.rows.into_iter().map(|r| {
                        let status = match (r.status, r.refunded_cents) {
                            (PaymentStatus::Succeeded, 0) => r.status.label().to_string(),
                            (PaymentStatus::Succeeded, cents) => format!("Paid, {} refunded", money(cents.into())),
                            (PaymentStatus::Declined, _) => format!("Declined: {}", r.decline_reason.clone().unwrap_or_default()),
                            (s, _) => s.label().to_string(),
                        };
                        view! {
                            <tr>
                                <td><A href=format!("/admin/payments/{}", r.id)>{r.created.clone()}</A></td>
                                <td><A href=format!("/admin/clients/{}", r.client_id)>{r.client_name.clone()}</A></td>
                                <td>{r.service.clone()}</td>
                                <td>{money(r.amount_cents.into())}</td>
                                <td>{status}</td>
                                <td>{r.card.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Payments pages" paging=list.paging base/>
    }
    .into_any()
}

/// `/admin/payments/:id`.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let id = route_id("id");
    let refund = ServerAction::<RefundPayment>::new();
    let refunded = successes(refund.value(), refund.version());
    let payment = Resource::new(move || (id(), refunded.get()), |(id, _)| get_payment(id));
    view! {
        <Title text="Payment"/>
        <p class="no-print"><A href="/admin/payments">"All payments"</A></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match payment.await {
                    Ok(p) => view! { <PaymentDetail payment=p refund/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PaymentDetail(payment: StaffPayment, refund: ServerAction<RefundPayment>) -> impl IntoView {
    let row = payment.row.clone();
    let left = payment
        .receipt
        .as_ref()
        .map(|r| r.refundable_cents())
        .unwrap_or(0);
    view! {
        <h1 class="no-print">{format!("Payment by {}", row.client_name)}</h1>
        <p class="no-print">{format!("{} · {} · {}", row.created, money(row.amount_cents.into()), row.status.label())}
            {row.decline_reason.clone().map(|r| format!(" · {r}"))}</p>
        {payment.receipt.map(|r| view! { <ReceiptView receipt=r/><PrintButton/> })}
        {payment.may_refund.then(|| view! {
            <section class="panel no-print" aria-labelledby="refund-heading">
                <h2 id="refund-heading">"Refund"</h2>
                <p>{format!("Up to {} can be refunded.", money(left.into()))}</p>
                <ActionForm action=refund attr:class="stacked">
                    <input type="hidden" name="payment_id" value=row.id/>
                    <input type="hidden" name="refund_key" value=payment.refund_key.clone()/>
                    <div class="field">
                        <label for="refund-amount">"Amount in dollars"</label>
                        <input id="refund-amount" name="input[amount]" inputmode="decimal" required value=format!("{}.{:02}", left / 100, left % 100)/>
                        <p class="field-error" aria-live="polite">{server_error(refund.value(), "amount")}</p>
                    </div>
                    <div class="field">
                        <label for="refund-reason">"Reason"</label>
                        <input id="refund-reason" name="input[reason]" required maxlength="500"/>
                        <p class="field-error" aria-live="polite">{server_error(refund.value(), "reason")}</p>
                    </div>
                    <ActionMessage value=refund.value() success="Refunded."/>
                    <Submit label="Refund" pending_label="Refunding…" pending=refund.pending()/>
                </ActionForm>
            </section>
        })}
        {(!payment.may_refund).then(|| view! { <ActionMessage value=refund.value() success="Refunded."/> })}
    }
}
