//! Two-step sign-in in the browser: the second step of a staff sign-in (`/sign-in/two-step`: a
//! code, or enrolment when the practice requires it), and the Account page's section that sets
//! it up or turns it off. The recovery codes are shown once, after an enrolment.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::two_step::{
    get_second_step, ConfirmTwoStep, FinishSecondStep, StartTwoStep, TurnOffTwoStep,
};
use crate::domain::two_step::{Enrolment, SecondStep, TwoStepStatus};
use crate::pages::form::{server_error, ActionMessage, Submit};
use crate::pages::ErrorNotice;

/// `/sign-in/two-step`.
#[component]
pub fn SecondStepPage() -> impl IntoView {
    let prompt = Resource::new(|| (), |_| get_second_step());
    let finish = ServerAction::<FinishSecondStep>::new();
    let codes = move || {
        finish.value().with(|v| match v {
            Some(Ok(done)) if !done.recovery_codes.is_empty() => Some(done.clone()),
            _ => None,
        })
    };
    view! {
        <Title text="Two-step verification"/>
        <main class="centered sign-in">
            <h1>"Two-step verification"</h1>
            {move || match codes() {
                Some(done) => view! {
                    <RecoveryCodes codes=done.recovery_codes/>
                    <p><a href=done.home class="button">"Continue"</a></p>
                }.into_any(),
                None => view! {
                    <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match prompt.await {
                                Ok(SecondStep::Verify { email }) => view! {
                                    <p class="lead">{format!("Enter the 6-digit code from your authenticator app for {email}.")}</p>
                                    <CodeForm action=finish label="Authentication code" button="Verify"/>
                                    <p class="meta">"Lost your phone? Enter one of your recovery codes instead, or ask an administrator to reset your two-step verification."</p>
                                }.into_any(),
                                Ok(SecondStep::Enrol(enrolment)) => view! {
                                    <p class="lead">"Your practice requires two-step verification for staff. Set it up to finish signing in."</p>
                                    <Qr enrolment/>
                                    <CodeForm action=finish label="Code from the app" button="Turn on and sign in"/>
                                }.into_any(),
                                Ok(SecondStep::Expired) => view! {
                                    <p class="notice" role="status">"This sign-in has expired or was finished."</p>
                                    <p><A href="/sign-in">"Sign in again"</A></p>
                                }.into_any(),
                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            }
                        })}
                    </Suspense>
                }.into_any(),
            }}
        </main>
    }
}

/// A one-field form for a code.
#[component]
fn CodeForm(
    action: ServerAction<FinishSecondStep>,
    label: &'static str,
    button: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class="stacked">
            <div class="field">
                <label for="two-step-code">{label}</label>
                <input id="two-step-code" name="code" inputmode="numeric" autocomplete="one-time-code" required=true/>
                <p class="field-error" aria-live="polite">{server_error(action.value(), "code")}</p>
            </div>
            <ActionMessage value=action.value()/>
            <Submit label=button pending_label="Checking…" pending=action.pending()/>
        </ActionForm>
    }
}

/// The QR code to scan, and the secret to type instead.
#[component]
fn Qr(enrolment: Enrolment) -> impl IntoView {
    view! {
        <ol class="steps">
            <li>"Open an authenticator app (for example Google Authenticator, Microsoft Authenticator or 1Password) and scan this code:"</li>
        </ol>
        // The SVG is drawn on the server from the otpauth URL; it carries no script.
        <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
        <p>"Or type this key: " <code class="secret">{enrolment.secret}</code></p>
        <p>"Then enter the 6-digit code the app shows."</p>
    }
}

/// The ten recovery codes, shown once.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="recovery-heading">
            <h2 id="recovery-heading">"Your recovery codes"</h2>
            <p>"Two-step verification is on. Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are not shown again."</p>
            <ul class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        </section>
    }
}

/// The Account page's two-step section (staff).
#[component]
pub fn TwoStepSection(status: TwoStepStatus) -> impl IntoView {
    let start = ServerAction::<StartTwoStep>::new();
    let confirm = ServerAction::<ConfirmTwoStep>::new();
    let off = ServerAction::<TurnOffTwoStep>::new();
    let turned_off = move || off.value().with(|v| matches!(v, Some(Ok(()))));
    let codes = move || {
        confirm.value().with(|v| match v {
            Some(Ok(codes)) => Some(codes.clone()),
            _ => None,
        })
    };
    let enrolling = move || {
        start.value().with(|v| match v {
            Some(Ok(e)) => Some(e.clone()),
            _ => None,
        })
    };
    view! {
        <section aria-labelledby="two-step-heading" class="panel">
            <h2 id="two-step-heading">"Two-step verification"</h2>
            {move || {
                if let Some(codes) = codes() {
                    return view! { <RecoveryCodes codes/> }.into_any();
                }
                if status.enrolled && !turned_off() {
                    return view! {
                        <p class="status">{format!("On. {} recovery code(s) left.", status.recovery_codes_left)}</p>
                        {if status.required {
                            view! { <p>"Your practice requires it for staff."</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=off attr:class="stacked">
                                    <div class="field">
                                        <label for="two-step-off-code">"Code to turn it off"</label>
                                        <input id="two-step-off-code" name="code" inputmode="numeric" autocomplete="one-time-code" required=true/>
                                        <p class="field-error" aria-live="polite">{server_error(off.value(), "code")}</p>
                                    </div>
                                    <ActionMessage value=off.value()/>
                                    <Submit label="Turn off two-step verification" pending_label="Turning off…" pending=off.pending()/>
                                </ActionForm>
                            }.into_any()
                        }}
                    }.into_any();
                }
                match enrolling() {
                    Some(enrolment) => {
                        let token = enrolment.token.clone();
                        view! {
                            <Qr enrolment/>
                            <ActionForm action=confirm attr:class="stacked">
                                <input type="hidden" name="token" value=token/>
                                <div class="field">
                                    <label for="two-step-first-code">"Code from the app"</label>
                                    <input id="two-step-first-code" name="code" inputmode="numeric" autocomplete="one-time-code" required=true/>
                                    <p class="field-error" aria-live="polite">{server_error(confirm.value(), "code")}</p>
                                </div>
                                <ActionMessage value=confirm.value()/>
                                <Submit label="Turn on" pending_label="Checking…" pending=confirm.pending()/>
                            </ActionForm>
                        }.into_any()
                    }
                    None => view! {
                        <p class="status">{if turned_off() { "Off. It was turned off." } else { "Off." }}</p>
                        <p>"Sign in with a code from your phone as well as your password."</p>
                        <ActionForm action=start>
                            <Submit label="Set up two-step verification" pending_label="Preparing…" pending=start.pending()/>
                        </ActionForm>
                        <ActionMessage value=start.value()/>
                    }.into_any(),
                }
            }}
        </section>
    }
}
