//! What every call into the browser shares: its error, reading a field of an object the
//! browser handed over, serde conversions to and from JS, the texts in the user's language,
//! and the log. The APIs themselves are typed in [`super::bindings`].

use js_sys::{Array, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

use crate::core::text::{Msg, UserText};

/// A browser API that was not there or failed; the text is for the log.
#[derive(Debug, thiserror::Error)]
#[error("browser API: {0}")]
pub struct BrowserError(pub String);

impl From<JsValue> for BrowserError {
    fn from(value: JsValue) -> Self {
        let text = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown error".into());
        Self(text)
    }
}

/// `value[name]`, or `undefined` (the one way this crate reads a field of a JS object the
/// browser handed over).
pub fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The user's language version of a message, or English when the browser has none.
pub fn localize(text: &UserText) -> String {
    translated(text).unwrap_or_else(|| text.english())
}

/// [`translated`], or the message's name where `i18n` is missing: for the worker, which
/// does not carry the generated English table (`UserText::english`, every sentence of the
/// pages). The browser always has the English text: `_locales/en` is the default locale, and
/// `build.rs` fails a message without it.
pub fn worker_text(text: &UserText) -> String {
    translated(text).unwrap_or_else(|| text.name.clone())
}

/// The browser's text of a message in the user's language (English, the default locale,
/// when it has no better one). `None` only where `i18n` is missing.
pub fn translated(text: &UserText) -> Option<String> {
    let args = text.args_with(|detail| translated(detail).unwrap_or_else(|| detail.name.clone()));
    template(&text.name).map(|template| crate::util::substitute(&template, &args))
}

thread_local! {
    /// Each message's text in the user's language with `$1`..`$9` left in, by name.
    static TEMPLATES: std::cell::RefCell<std::collections::BTreeMap<String, Option<String>>> =
        std::cell::RefCell::default();
}

/// A message's text in the user's language with its substitutions left as `$1`..`$9`, asked
/// of `i18n` once per page: a popup with hundreds of tenants renders thousands of labels,
/// and each `getMessage` costs the browser several microseconds.
fn template(name: &str) -> Option<String> {
    if let Some(known) = TEMPLATES.with(|t| t.borrow().get(name).cloned()) {
        return known;
    }
    let marks: Array = (1..=9)
        .map(|i| JsValue::from_str(&format!("${i}")))
        .collect();
    let found = super::bindings::i18n()
        .ok()
        .and_then(|i18n| i18n.get_message(name, &marks))
        .filter(|s| !s.is_empty());
    TEMPLATES.with(|t| t.borrow_mut().insert(name.to_owned(), found.clone()));
    found
}

/// A message without arguments, localized.
pub fn t(message: Msg) -> String {
    localize(&message.text())
}

/// A message with arguments, localized.
pub fn tf(message: Msg, args: &[&str]) -> String {
    localize(&message.with(args.iter().copied()))
}

/// A Rust value as a plain JS value (objects, arrays, numbers, strings), for the browser
/// APIs, storage and the messages between pages and worker: serde-wasm-bindgen in its
/// JSON-compatible form (maps as plain objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, BrowserError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| BrowserError(e.to_string()))
}

/// A Rust value from a plain JS value (as [`to_js`] makes them).
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, BrowserError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| BrowserError(e.to_string()))
}

/// Writes a line to the console, for diagnostics that hold no secret.
pub fn log(line: &str) {
    web_sys::console::log_1(&JsValue::from_str(line));
}
