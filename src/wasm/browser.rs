//! Bindings for the few WebExtension APIs used, found on `browser` (Firefox) or `chrome`
//! (Chrome) at call time. Both return promises in Manifest V3.

use js_sys::{Array, Function, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

use crate::core::text::{Msg, UserText};

#[wasm_bindgen]
extern "C" {
    /// `runtime`.
    pub type Runtime;
    #[wasm_bindgen(method, catch, js_name = sendMessage)]
    pub async fn send_message(this: &Runtime, message: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = openOptionsPage)]
    pub async fn open_options_page(this: &Runtime) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub fn id(this: &Runtime) -> String;
    #[wasm_bindgen(method, js_name = getURL)]
    pub fn get_url(this: &Runtime, path: &str) -> String;

    /// `i18n`.
    pub type I18n;
    #[wasm_bindgen(method, js_name = getMessage)]
    pub fn get_message(this: &I18n, name: &str, substitutions: &Array) -> Option<String>;

    type AsyncApi;
    #[wasm_bindgen(method, catch, js_name = call)]
    async fn call0(this: &AsyncApi, that: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = call)]
    async fn call1(this: &AsyncApi, that: &JsValue, arg: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = call)]
    async fn call2(
        this: &AsyncApi,
        that: &JsValue,
        a: &JsValue,
        b: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// An event object (`storage.onChanged`, ...).
    pub type Event;
    #[wasm_bindgen(method, js_name = addListener)]
    pub fn add_listener(this: &Event, listener: &Function);
}

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

/// `browser.<path>` or else `chrome.<path>`.
pub fn api<T: JsCast>(path: &[&str]) -> Result<T, BrowserError> {
    let global = js_sys::global();
    let root = ["browser", "chrome"]
        .iter()
        .filter_map(|name| Reflect::get(&global, &JsValue::from_str(name)).ok())
        .find(|value| value.is_object())
        .ok_or_else(|| BrowserError("no extension API in this context".into()))?;
    let mut value = root;
    for part in path {
        value = Reflect::get(&value, &JsValue::from_str(part))?;
        if value.is_undefined() {
            return Err(BrowserError(format!("{} is missing", path.join("."))));
        }
    }
    Ok(value.unchecked_into())
}

/// `value[name]`, or `undefined` (the one way this crate reads a field of a JS object the
/// browser handed over).
pub fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `namespace.method(args…)` (e.g. `tabs.create`) and awaits its promise.
pub async fn call(
    namespace: &[&str],
    method: &str,
    args: &[JsValue],
) -> Result<JsValue, BrowserError> {
    let object: JsValue = api(namespace)?;
    let function: AsyncApi = Reflect::get(&object, &JsValue::from_str(method))?.unchecked_into();
    let result = match args {
        [] => function.call0(&object).await,
        [a] => function.call1(&object, a).await,
        [a, b] => function.call2(&object, a, b).await,
        _ => return Err(BrowserError(format!("{method}: unsupported arity"))),
    };
    result.map_err(BrowserError::from)
}

/// `storage.onChanged`.
pub fn storage_on_changed() -> Result<Event, BrowserError> {
    api(&["storage", "onChanged"])
}

/// `runtime`.
pub fn runtime() -> Result<Runtime, BrowserError> {
    api(&["runtime"])
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
    let found = api::<I18n>(&["i18n"])
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
