//! The Content-Security-Policy of every answer. A page may run only this site's scripts, the
//! inline hydration script that carries this response's nonce, and WebAssembly; nothing may frame
//! it, and no `eval` runs. Stripe's origins are allowed only on the page that takes a card
//! (which the portal opens as a page of its own, so the policy of the page before it does not
//! apply). Other answers (server functions, files) get the same policy without a nonce.

use axum::http::{header, HeaderValue};
use leptos::prelude::use_context;

/// The policy of an answer with no inline script.
pub const BASE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// What Stripe's card field needs: its script, its frames and its API.
const STRIPE_SCRIPT: &str = "https://js.stripe.com";
const STRIPE_FRAMES: &str = "https://js.stripe.com https://hooks.stripe.com";
const STRIPE_API: &str = "https://api.stripe.com";

/// The policy of a page whose inline scripts carry `nonce`; with Stripe's origins when `stripe`.
pub fn page(nonce: &str, stripe: bool) -> String {
    let (script, frames, connect) = if stripe {
        (
            format!(" {STRIPE_SCRIPT}"),
            STRIPE_FRAMES.to_owned(),
            format!(" {STRIPE_API}"),
        )
    } else {
        (String::new(), "'none'".to_owned(), String::new())
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{script}; \
         connect-src 'self'{connect}; frame-src {frames}; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether `path` is the portal's pay page, `/portal/clients/:id/payments/:booking`.
pub fn takes_cards(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["", "portal", "clients", client, "payments", booking]
            if client.parse::<i32>().is_ok() && booking.parse::<i32>().is_ok()
    )
}

/// Sets the page's policy with this render's nonce (called by the document shell).
pub fn set_for_page() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let stripe =
        use_context::<http::request::Parts>().is_some_and(|parts| takes_cards(parts.uri.path()));
    let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&page(&nonce.to_string(), stripe)),
    ) else {
        return;
    };
    response.insert_header(header::CONTENT_SECURITY_POLICY, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_runs_only_its_own_scripts_and_stripe_only_where_cards_are_taken() {
        let policy = page("abc123", false);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains(" 'unsafe-eval'") && !policy.contains("unsafe-inline"));
        assert!(!policy.contains("stripe"));
        let pay = page("abc123", true);
        assert!(pay.contains("https://js.stripe.com") && pay.contains("https://api.stripe.com"));
        assert!(takes_cards("/portal/clients/3/payments/17"));
        assert!(!takes_cards("/portal/clients/3/payments"));
        assert!(!takes_cards("/portal/clients/x/payments/17"));
        assert!(!takes_cards("/admin/payments/17"));
    }
}
