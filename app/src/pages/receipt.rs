//! A payment receipt: practice, client, appointment, amount, date, card brand and last four
//! digits, and any refunds. The same view serves the portal and staff, and prints cleanly.

use leptos::prelude::*;

use crate::domain::payments::{money, Receipt};

/// The receipt itself.
#[component]
pub fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let refunded = receipt.refunded_cents;
    let net = receipt.amount_cents - refunded;
    view! {
        <article class="receipt" aria-labelledby="receipt-heading">
            <header>
                <p class="practice">{receipt.practice.clone()}</p>
                <h2 id="receipt-heading">{format!("Receipt #{}", receipt.payment_id)}</h2>
            </header>
            <dl class="facts">
                <dt>"Client"</dt><dd>{receipt.client_name.clone()}</dd>
                <dt>"Appointment"</dt><dd>{format!("{}, {}", receipt.service, receipt.appointment_when)}</dd>
                <dt>"Paid"</dt><dd>{receipt.paid_at.clone()}</dd>
                <dt>"Amount"</dt><dd>{money(receipt.amount_cents.into())}</dd>
                <dt>"Card"</dt><dd>{format!("{} •••• {}", receipt.card_brand, receipt.card_last4)}</dd>
            </dl>
            {(!receipt.refunds.is_empty()).then(|| view! {
                <h3>"Refunds"</h3>
                <table>
                    <thead><tr><th scope="col">"Date"</th><th scope="col">"Amount"</th><th scope="col">"Reason"</th></tr></thead>
                    <tbody>
                        {receipt.refunds.iter().map(|r| view! {
                            <tr><td>{r.on.clone()}</td><td>{money(r.amount_cents.into())}{r.pending.then_some(" (pending)")}</td><td>{r.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="net">{format!("Refunded {}; net paid {}.", money(refunded.into()), money(net.into()))}</p>
            })}
        </article>
    }
}

/// A button that opens the browser's print dialog (the page's print styles hide the rest).
#[component]
pub fn PrintButton() -> impl IntoView {
    view! {
        <button type="button" class="secondary no-print" on:click=move |_| {
            if let Some(window) = leptos::web_sys::window() {
                let _ = window.print();
            }
        }>"Print receipt"</button>
    }
}
