//! Card entry in the browser. The card goes straight from the page to the processor and the
//! page keeps only the token it gets back: the sandbox's tokenize endpoint, or Stripe.js
//! Elements (loaded from js.stripe.com, so that path needs the internet). On the server these
//! functions only exist to compile; they are called from event handlers, which never run there.

use crate::domain::payments::CardInput;
use crate::domain::validation::FieldErrors;

/// Why no token came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardError {
    /// The processor refused the card details; one message per field.
    Fields(FieldErrors),
    /// Anything else, as a message for the cardholder.
    Message(String),
}

/// Sends the card to the sandbox's tokenize endpoint and returns the token.
#[cfg(feature = "hydrate")]
pub async fn sandbox_token(card: &CardInput) -> Result<String, CardError> {
    let unreachable =
        |_| CardError::Message("Could not reach the card processor. Check your connection.".into());
    let response = gloo_net::http::Request::post("/sandbox/v1/tokens")
        .json(card)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    let body: serde_json::Value = response.json().await.map_err(unreachable)?;
    if response.ok() {
        return body["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| CardError::Message("The card processor sent no token.".into()));
    }
    let mut fields = FieldErrors::default();
    if let Some(map) = body["error"]["fields"].as_object() {
        for (field, message) in map {
            fields.add(field, message.as_str().unwrap_or_default());
        }
    }
    if fields.is_empty() {
        Err(CardError::Message(
            body["error"]["message"]
                .as_str()
                .unwrap_or("The card could not be used.")
                .to_owned(),
        ))
    } else {
        Err(CardError::Fields(fields))
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn sandbox_token(_card: &CardInput) -> Result<String, CardError> {
    Err(CardError::Message("Card entry runs in the browser.".into()))
}

#[cfg(feature = "hydrate")]
mod stripe_js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[derive(Clone)]
        pub type StripeJs;
        /// `Stripe(publishableKey)`, defined by js.stripe.com/v3 once it has loaded.
        #[wasm_bindgen(js_name = Stripe)]
        pub fn stripe(publishable_key: &str) -> StripeJs;
        #[wasm_bindgen(method)]
        pub fn elements(this: &StripeJs) -> Elements;
        #[wasm_bindgen(method, js_name = createPaymentMethod)]
        pub fn create_payment_method(this: &StripeJs, options: &JsValue) -> js_sys::Promise;

        #[derive(Clone)]
        pub type Elements;
        #[wasm_bindgen(method)]
        pub fn create(this: &Elements, kind: &str) -> CardElement;

        #[derive(Clone)]
        pub type CardElement;
        #[wasm_bindgen(method)]
        pub fn mount(this: &CardElement, selector: &str);
    }
}

/// A mounted Stripe card element.
#[cfg(feature = "hydrate")]
#[derive(Clone)]
pub struct StripeCard {
    stripe: stripe_js::StripeJs,
    card: stripe_js::CardElement,
}

#[cfg(not(feature = "hydrate"))]
#[derive(Clone)]
pub struct StripeCard;

/// Loads Stripe.js and mounts its card element into `selector`.
#[cfg(feature = "hydrate")]
pub async fn mount_stripe(publishable_key: &str, selector: &str) -> Result<StripeCard, String> {
    use leptos::wasm_bindgen::JsCast;
    let offline = |_| "Stripe's card form could not be loaded. Check your connection.".to_string();
    let window = leptos::web_sys::window().ok_or("no window")?;
    if !js_sys::Reflect::has(&window, &"Stripe".into()).unwrap_or(false) {
        let document = window.document().ok_or("no document")?;
        let script = document.create_element("script").map_err(offline)?;
        script
            .set_attribute("src", "https://js.stripe.com/v3/")
            .map_err(offline)?;
        let loaded = js_sys::Promise::new(&mut |resolve, reject| {
            let _ = script.add_event_listener_with_callback("load", &resolve);
            let _ = script.add_event_listener_with_callback("error", &reject);
        });
        document
            .head()
            .ok_or("no head")?
            .append_child(script.unchecked_ref())
            .map_err(offline)?;
        wasm_bindgen_futures::JsFuture::from(loaded)
            .await
            .map_err(offline)?;
    }
    let stripe = stripe_js::stripe(publishable_key);
    let card = stripe.elements().create("card");
    card.mount(selector);
    Ok(StripeCard { stripe, card })
}

#[cfg(not(feature = "hydrate"))]
pub async fn mount_stripe(_publishable_key: &str, _selector: &str) -> Result<StripeCard, String> {
    Err("Card entry runs in the browser.".into())
}

/// Creates a Stripe PaymentMethod from the mounted card element and returns its id.
#[cfg(feature = "hydrate")]
pub async fn stripe_payment_method(card: &StripeCard) -> Result<String, CardError> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"card".into());
    let _ = js_sys::Reflect::set(&options, &"card".into(), &card.card);
    let result = wasm_bindgen_futures::JsFuture::from(card.stripe.create_payment_method(&options))
        .await
        .map_err(|_| CardError::Message("Stripe could not be reached. Try again.".into()))?;
    let get = |value: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(value, &key.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
    };
    let error = get(&result, "error");
    if !error.is_undefined() {
        return Err(CardError::Message(
            get(&error, "message")
                .as_string()
                .unwrap_or_else(|| "The card could not be used.".into()),
        ));
    }
    get(&get(&result, "paymentMethod"), "id")
        .as_string()
        .ok_or_else(|| CardError::Message("Stripe sent no payment method.".into()))
}

#[cfg(not(feature = "hydrate"))]
pub async fn stripe_payment_method(_card: &StripeCard) -> Result<String, CardError> {
    Err(CardError::Message("Card entry runs in the browser.".into()))
}
