//! Bindings for the few WebExtension APIs used, found on `browser` (Firefox) or `chrome`
//! (Chrome) at call time. Both return promises in Manifest V3.

use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::core::json::{self, FromJson, ToJson};
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

/// Calls `namespace.method(args…)` (e.g. `tabs.create`) and awaits its promise.
pub async fn call(
    namespace: &[&str],
    method: &str,
    args: &[JsValue],
) -> Result<JsValue, BrowserError> {
    let object: JsValue = api(namespace)?;
    let function: AsyncApi = Reflect::get(&object, &JsValue::from_str(method))?.unchecked_into();
    let result = match args {
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
    template(&text.name).map(|template| crate::core::text::substitute(&template, &args))
}

thread_local! {
    /// Each message's text in the user's language with `$1`..`$9` left in, by name.
    static TEMPLATES: std::cell::RefCell<crate::core::vecmap::VecMap<String, Option<String>>> =
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

/// A Rust value as a plain JS object, for the browser APIs and the pages.
///
/// Through JSON text: `core::json` is then the one writer in the module (a second one, of
/// JS values, would double the code of every type), and `JSON.parse` is fast.
pub fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, BrowserError> {
    json_to_js(&json::to_string(value))
}

/// A plain JS object of these properties (for the browser APIs' small option objects).
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (name, value) in properties {
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

/// A JS array of these values.
pub fn array(values: &[JsValue]) -> JsValue {
    values.iter().collect::<Array>().into()
}

/// The value JSON text denotes.
pub fn json_to_js(text: &str) -> Result<JsValue, BrowserError> {
    Ok(JSON::parse(text)?)
}

/// A JS value as JSON text (`None` for `undefined`, functions and the like).
pub fn js_to_json(value: &JsValue) -> Option<String> {
    let text = JSON::stringify(value).ok()?;
    text.is_string().then(|| rust_string(&text))?
}

#[wasm_bindgen]
extern "C" {
    /// The page's `TextEncoder`.
    type Utf8Encoder;
    #[wasm_bindgen(constructor, js_class = "TextEncoder")]
    fn new() -> Utf8Encoder;
    #[wasm_bindgen(method, js_name = encode)]
    fn encode(this: &Utf8Encoder, text: &JsValue) -> js_sys::Uint8Array;
}

thread_local! {
    static ENCODER: Utf8Encoder = Utf8Encoder::new();
}

/// A JS string as a Rust one, encoded by the browser and copied in one piece. wasm-bindgen's
/// own conversion copies a string character by character in JavaScript, which costs a
/// freshly opened popup milliseconds for a state with 2,000 tenants (issue 8).
pub fn rust_string(text: &JsValue) -> Option<String> {
    let bytes = ENCODER.with(|encoder| encoder.encode(text)).to_vec();
    String::from_utf8(bytes).ok()
}

/// A Rust value from a JS value (through JSON text, as [`to_js`]).
pub fn from_js<T: FromJson>(value: &JsValue) -> Result<T, BrowserError> {
    let text = js_to_json(value).ok_or_else(|| BrowserError("not JSON".into()))?;
    json::from_str(&text).map_err(|e| BrowserError(e.to_string()))
}

/// Writes a line to the console, for diagnostics that hold no secret.
pub fn log(line: &str) {
    web_sys::console::log_1(&JsValue::from_str(line));
}
